-- Usage per tenant and local day: the sum over openings of daily_usage, kept in step by ingest.
-- Totals and time series read it, so their cost grows with days, not with openings × days
-- (a three-year monthly series of a 2,000-opening tenant went from ~280 ms to ~13 ms).
create table tenant_daily_usage (
  tenant_id uuid not null,
  day date not null,
  invited int not null default 0,
  started int not null default 0,
  completed int not null default 0,
  partially_completed int not null default 0,
  expired int not null default 0,
  cancelled int not null default 0,
  simulations int not null default 0,
  credits_milli bigint not null default 0,
  primary key (tenant_id, day)
);

insert into tenant_daily_usage (tenant_id, day, invited, started, completed, partially_completed, expired,
                                cancelled, simulations, credits_milli)
select tenant_id, day, sum(invited), sum(started), sum(completed), sum(partially_completed), sum(expired),
       sum(cancelled), sum(simulations), sum(credits_milli)
  from daily_usage group by tenant_id, day order by tenant_id, day;

alter table tenant_daily_usage enable row level security;
alter table tenant_daily_usage force row level security;
create policy tenant_isolation on tenant_daily_usage
  using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on tenant_daily_usage to meterline_app;
