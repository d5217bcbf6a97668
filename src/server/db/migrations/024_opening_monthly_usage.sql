-- Usage per tenant, opening and local month: daily_usage summed by calendar month, with the number
-- of its rows (days). The openings table reads a range's whole months here and only its partial
-- months' days from daily_usage: a current period of a 10,000,000-interview tenant is ~1,400 rows
-- here against ~26,000 there. Kept by triggers on daily_usage, so every writer of the daily rollup
-- (ingest, reversals, the demo's bulk load, the benches' loader) keeps it alike; each trigger fires
-- once per statement and moves the months by the statement's rows together (transition tables).
create table opening_monthly_usage (
  tenant_id uuid not null,
  opening_id text not null,
  month date not null,
  days int not null,
  invited int not null,
  started int not null,
  completed int not null,
  partially_completed int not null,
  expired int not null,
  cancelled int not null,
  simulations int not null,
  credits_milli bigint not null,
  -- Month before opening: the openings table reads a range of months; the upserts find a row by the
  -- same three columns in any order.
  primary key (tenant_id, month, opening_id)
);

-- Moves the months by changed daily rows (`sign` 1: a row added, -1: a row taken away; an update is
-- both): each adds or takes its counts and a day; a month left with no days is deleted, as a daily
-- row is when nothing is left on it.
create function opening_monthly_usage_apply(p_changes json) returns void language plpgsql as $$
declare
  emptied_tenants uuid[];
  emptied_openings text[];
  emptied_months date[];
begin
  with moved as (
    insert into opening_monthly_usage as m (tenant_id, opening_id, month, days, invited, started, completed,
                                            partially_completed, expired, cancelled, simulations, credits_milli)
    select tenant_id, opening_id, day - (extract(day from day)::int - 1), sum(sign), sum(sign * invited),
           sum(sign * started), sum(sign * completed), sum(sign * partially_completed), sum(sign * expired),
           sum(sign * cancelled), sum(sign * simulations), sum(sign * credits_milli)
      from json_to_recordset(p_changes) as c(sign int, tenant_id uuid, opening_id text, day date, invited int,
             started int, completed int, partially_completed int, expired int, cancelled int, simulations int,
             credits_milli bigint)
     group by 1, 2, 3
    having (sum(sign), sum(sign * invited), sum(sign * started), sum(sign * completed),
            sum(sign * partially_completed), sum(sign * expired), sum(sign * cancelled), sum(sign * simulations),
            sum(sign * credits_milli)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
    on conflict (tenant_id, opening_id, month) do update set
      days = m.days + excluded.days, invited = m.invited + excluded.invited,
      started = m.started + excluded.started, completed = m.completed + excluded.completed,
      partially_completed = m.partially_completed + excluded.partially_completed,
      expired = m.expired + excluded.expired, cancelled = m.cancelled + excluded.cancelled,
      simulations = m.simulations + excluded.simulations, credits_milli = m.credits_milli + excluded.credits_milli
    returning m.tenant_id, m.opening_id, m.month, m.days)
  select array_agg(tenant_id), array_agg(opening_id), array_agg(month)
    into emptied_tenants, emptied_openings, emptied_months
    from moved where days = 0;
  if emptied_tenants is not null then
    delete from opening_monthly_usage m
     using unnest(emptied_tenants, emptied_openings, emptied_months) as e(tenant_id, opening_id, month)
     where m.tenant_id = e.tenant_id and m.opening_id = e.opening_id and m.month = e.month;
  end if;
end $$;

-- A statement's changed daily rows, from its transition tables (static statements: their plans are
-- kept for the session, where a dynamic one would be planned at every statement of ingest).
create function opening_monthly_usage_move() returns trigger language plpgsql as $$
declare
  changes json;
begin
  if tg_op = 'INSERT' then
    select json_agg(c) into changes from (select 1 as sign, * from new_rows) c;
  elsif tg_op = 'DELETE' then
    select json_agg(c) into changes from (select -1 as sign, * from old_rows) c;
  else
    -- Rows whose key and counts are as they were (the candidate count alone moved: addCandidates)
    -- change no month and are left out.
    select json_agg(c) into changes
      from (select 1 as sign, * from (select tenant_id, opening_id, day, invited, started, completed,
                                             partially_completed, expired, cancelled, simulations, credits_milli
                                        from new_rows
                                      except all
                                      select tenant_id, opening_id, day, invited, started, completed,
                                             partially_completed, expired, cancelled, simulations, credits_milli
                                        from old_rows) n
            union all
            select -1, * from (select tenant_id, opening_id, day, invited, started, completed,
                                      partially_completed, expired, cancelled, simulations, credits_milli
                                 from old_rows
                               except all
                               select tenant_id, opening_id, day, invited, started, completed,
                                      partially_completed, expired, cancelled, simulations, credits_milli
                                 from new_rows) o) c;
  end if;
  if changes is not null then
    perform opening_monthly_usage_apply(changes);
  end if;
  return null;
end $$;

-- One trigger per event: transition tables are only allowed on single-event triggers (and on no
-- column list).
create trigger opening_monthly_usage_insert after insert on daily_usage
  referencing new table as new_rows for each statement execute function opening_monthly_usage_move();
create trigger opening_monthly_usage_update after update on daily_usage
  referencing old table as old_rows new table as new_rows for each statement execute function opening_monthly_usage_move();
create trigger opening_monthly_usage_delete after delete on daily_usage
  referencing old table as old_rows for each statement execute function opening_monthly_usage_move();

insert into opening_monthly_usage (tenant_id, opening_id, month, days, invited, started, completed,
                                   partially_completed, expired, cancelled, simulations, credits_milli)
select tenant_id, opening_id, day - (extract(day from day)::int - 1), count(*), sum(invited), sum(started),
       sum(completed), sum(partially_completed), sum(expired), sum(cancelled), sum(simulations), sum(credits_milli)
  from daily_usage group by 1, 2, 3 order by 1, 3, 2;

alter table opening_monthly_usage enable row level security;
alter table opening_monthly_usage force row level security;
create policy tenant_isolation on opening_monthly_usage
  using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on opening_monthly_usage to meterline_app;
