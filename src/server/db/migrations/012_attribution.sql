-- Attribution (docs/product.md, Attribution): who and what an interview's credits are for.

-- Each interview's attributes by dimension ('recruiter', 'department', 'location', 'tag:<key>'), each
-- with the event that gave it: {"department": {"value": "Nursing", "at": <epoch ms>, "event": "<id>"},
-- "recruiter": {"value": "rec-1", "name": "Ann", …}, …}. Kept with its event so that the latest event
-- wins whatever the order events arrive in (metering/state.ts, mergeAttribution). Null: none yet.
alter table interviews add column attribution jsonb;
-- What each event said, as sent (null when it attributed nothing), so the interviews can be rebuilt
-- from the events alone.
alter table interview_events add column attribution jsonb;

-- Usage per tenant, dimension, value and local day: the daily rollups' counts of the interviews holding
-- that value (metering/rollup.ts, addAttributedContribution), kept in step by ingest and reversals and
-- proved by `ledger verify`. Usage without the attribute is not stored: it is the tenant's day totals
-- less the dimension's values. Deltas arrive through INSERT … ON CONFLICT, so no CHECK (>= 0).
create table attribute_daily_usage (
  tenant_id uuid not null,
  dimension text not null,
  value text not null,
  day date not null,
  invited int not null default 0,
  started int not null default 0,
  completed int not null default 0,
  partially_completed int not null default 0,
  expired int not null default 0,
  cancelled int not null default 0,
  simulations int not null default 0,
  credits_milli bigint not null default 0,
  -- One value over days (a filter, a budget's window), or all of a dimension's values for a range.
  primary key (tenant_id, dimension, value, day)
);
create index attribute_daily_usage_day_idx on attribute_daily_usage (tenant_id, dimension, day);

-- The name people read for each recruiter: the one from the latest event naming the recruiter (by
-- occurred_at, then event id), as openings keep their job title.
create table recruiters (
  tenant_id uuid not null,
  id text not null,
  name text,
  name_event_at timestamptz not null,
  name_event_id text not null,
  primary key (tenant_id, id)
);

do $$
declare
  t text;
begin
  foreach t in array array['attribute_daily_usage', 'recruiters']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;
