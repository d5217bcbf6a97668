-- Interviews still open (invited or started; simulations aside) per tenant and local day of their
-- invitation, kept in step by ingest beside the rollups (docs/product.md, Forecast). The forecast
-- counts a month of open invitations from at most 30 rows instead of scanning every interview of
-- the tenant (a row that comes to zero is deleted, as the rollups' are); an index on interviews.state would have made most of ingest's updates non-HOT.
create table open_invitation_days (
  tenant_id uuid not null,
  day date not null,
  open_invitations int not null,
  primary key (tenant_id, day)
);

insert into open_invitation_days (tenant_id, day, open_invitations)
select i.tenant_id, (i.invited_at at time zone t.time_zone)::date, count(*)
  from interviews i join tenants t on t.id = i.tenant_id
 where not i.is_simulation and i.state in ('invited', 'started')
 group by 1, 2 order by 1, 2;

alter table open_invitation_days enable row level security;
alter table open_invitation_days force row level security;
create policy tenant_isolation on open_invitation_days
  using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on open_invitation_days to meterline_app;
