-- Filters (docs/product.md, Filters): usage of the interviews matching any AND of recruiter,
-- department, location and tags, per opening and local day, from rollups.
--
-- An interview's attribution set is its whole attribution at once: its recruiter, department,
-- location and tags (null or {} where it has none). Filters combine with AND, so the usage they select
-- is the sum over the sets matching every one of them; a tenant has few distinct sets (a team's
-- interviews share one), so the sets matching a filter are found by scanning the tenant's sets, and
-- their usage by the primary key of the rollup below. Interviews without any attribute hold no set:
-- no filter selects them, and usage unfiltered is read from the daily rollups as before.
--
-- set_id is a digest of the set's values (metering/attribution-sets.ts, setOf), the same in every
-- process and on every database, so ingest adds a set it meets with INSERT … ON CONFLICT DO NOTHING
-- and `ledger verify` checks each stored set against its id.
create table attribution_sets (
  tenant_id uuid not null,
  set_id text not null,
  recruiter_id text,
  department text,
  location text,
  tags jsonb not null default '{}',
  primary key (tenant_id, set_id)
);

-- Usage per tenant, attribution set, local day and opening: the daily rollups' counts of the
-- interviews holding that set, kept in step by ingest (an interview whose attribution changes moves
-- its whole contribution to its new set) and reversals, and proved by `ledger verify`. Deltas arrive
-- through INSERT … ON CONFLICT and rows coming back to zero are deleted, as in daily_usage.
create table attribution_daily_usage (
  tenant_id uuid not null,
  set_id text not null,
  day date not null,
  opening_id text not null,
  invited int not null default 0,
  started int not null default 0,
  completed int not null default 0,
  partially_completed int not null default 0,
  expired int not null default 0,
  cancelled int not null default 0,
  simulations int not null default 0,
  credits_milli bigint not null default 0,
  -- The matching sets' days of a range (a filter, a budget's window): one index range per set.
  primary key (tenant_id, set_id, day, opening_id)
);
-- The export's rows, by day then opening.
create index attribution_daily_usage_day_idx on attribution_daily_usage (tenant_id, day, opening_id);

-- The same usage summed over openings, per tenant, set and local day, as tenant_daily_usage is
-- daily_usage's: filtered totals and time series read a row per set and day rather than one per
-- opening (three years of a department's monthly series at 1M interviews: 5,500 rows, not 18,000).
-- Kept by the same deltas; `ledger verify` checks it equals the per-opening rows summed.
create table attribution_set_daily_usage (
  tenant_id uuid not null,
  set_id text not null,
  day date not null,
  invited int not null default 0,
  started int not null default 0,
  completed int not null default 0,
  partially_completed int not null default 0,
  expired int not null default 0,
  cancelled int not null default 0,
  simulations int not null default 0,
  credits_milli bigint not null default 0,
  primary key (tenant_id, set_id, day)
);

do $$
declare
  t text;
begin
  foreach t in array array['attribution_sets', 'attribution_daily_usage', 'attribution_set_daily_usage']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;

-- No backfill: attribution (012) is released with this migration, so no stored interview has an
-- attribution set yet.
