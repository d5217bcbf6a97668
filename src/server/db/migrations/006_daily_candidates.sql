-- Candidates per opening and day (the export's "Candidate count"). Distinct candidates cannot be
-- summed from the rollups' counts, so ingest keeps, per opening, day and candidate, how many
-- interviews put that candidate on that day (metering/rollup.ts, addCandidateDays), and
-- daily_usage.candidates counts those above zero. Both move in the transaction of the events, by
-- deltas through INSERT … ON CONFLICT, whose proposed row carries the (possibly negative) delta: so
-- no CHECK (>= 0) here; `ledger verify` proves the counts instead.
create table daily_candidates (
  tenant_id uuid not null,
  opening_id text not null,
  day date not null,
  -- The candidate id, or '#' and the interview id for an interview that names no candidate.
  who text not null,
  interviews int not null,
  primary key (tenant_id, opening_id, day, who)
);

alter table daily_usage add column candidates int not null default 0;

-- What ingest would have kept for the interviews stored so far: each non-simulation interview on
-- the local days of its counted milestones (invitation, start, its outcome), as rollup.ts does.
insert into daily_candidates (tenant_id, opening_id, day, who, interviews)
select i.tenant_id, i.opening_id, (m.at at time zone t.time_zone)::date, coalesce(i.candidate_id, '#' || i.id),
       count(distinct i.id)
  from interviews i
  join tenants t on t.id = i.tenant_id
 cross join lateral (values
   (i.invited_at),
   (i.started_at),
   (case when i.state in ('completed', 'partially_completed')
         then coalesce(i.completed_at, i.ended_at, least(i.expired_at, i.cancelled_at)) end),
   (case when i.state = 'expired' then i.expired_at end),
   (case when i.state = 'cancelled' then i.cancelled_at end)
 ) as m(at)
 where not i.is_simulation and m.at is not null
 group by 1, 2, 3, 4;

update daily_usage u set candidates = c.n
  from (select tenant_id, opening_id, day, count(*)::int as n from daily_candidates group by 1, 2, 3) c
 where u.tenant_id = c.tenant_id and u.opening_id = c.opening_id and u.day = c.day;

alter table daily_candidates enable row level security;
alter table daily_candidates force row level security;
create policy tenant_isolation on daily_candidates
  using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on daily_candidates to meterline_app;
