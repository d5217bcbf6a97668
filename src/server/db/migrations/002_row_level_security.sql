-- Tenant isolation in the database itself: the application logs in as meterline_app, which
-- cannot bypass row-level security nor take another role, and every tenant-owned table shows it only the rows of
-- the tenant set by the current transaction (app.tenant_id).

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'meterline_app') then
    create role meterline_app login nosuperuser nobypassrls noinherit;
  elsif not (select rolcanlogin from pg_roles where rolname = 'meterline_app') then
    alter role meterline_app login;
  end if;
  execute format('grant meterline_app to %I', current_user);
end $$;

create function app_tenant_id() returns uuid language sql stable as $$
  select nullif(current_setting('app.tenant_id', true), '')::uuid
$$;

do $$
declare
  t text;
begin
  foreach t in array array['plans', 'tenant_plans', 'users', 'sessions', 'api_keys', 'openings',
    'candidates', 'interviews', 'interview_events', 'credit_accounts', 'billing_periods',
    'credit_lots', 'ledger_entries', 'purchases', 'daily_usage', 'audit_log']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;

alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_isolation on tenants using (id = app_tenant_id()) with check (id = app_tenant_id());
grant select, insert, update on tenants to meterline_app;

-- The ledger is append-only for the application, besides the trigger that refuses changes.
revoke update, delete on ledger_entries from meterline_app;
revoke update, delete on audit_log from meterline_app;
grant usage on schema public to meterline_app;
grant execute on function app_tenant_id() to meterline_app;

-- Lookups that must find a tenant before one is set. Each takes a secret or a unique name and
-- returns only what is needed to continue inside that tenant; they run as the owner.
create function auth_login_lookup(p_email text)
returns table (tenant_id uuid, user_id uuid, password_hash text, role text, active boolean)
language sql stable security definer set search_path = public as $$
  select u.tenant_id, u.id, u.password_hash, u.role, u.active from users u where lower(u.email) = lower(p_email)
$$;

create function auth_session_lookup(p_token_hash text)
returns table (tenant_id uuid, session_id uuid, user_id uuid, csrf_token text, expires_at timestamptz)
language sql stable security definer set search_path = public as $$
  select s.tenant_id, s.id, s.user_id, s.csrf_token, s.expires_at from sessions s where s.token_hash = p_token_hash
$$;

create function auth_api_key_lookup(p_key_hash text)
returns table (tenant_id uuid, key_id uuid, revoked boolean)
language sql stable security definer set search_path = public as $$
  select k.tenant_id, k.id, k.revoked_at is not null from api_keys k where k.key_hash = p_key_hash
$$;

-- Operators' and scheduled work (period close, ledger verify) iterates tenants this way,
-- then does each tenant's work inside that tenant.
create function system_tenants()
returns table (id uuid, slug text)
language sql stable security definer set search_path = public as $$
  select t.id, t.slug from tenants t order by t.slug
$$;

revoke all on function auth_login_lookup(text), auth_session_lookup(text), auth_api_key_lookup(text),
  system_tenants() from public;
grant execute on function auth_login_lookup(text), auth_session_lookup(text), auth_api_key_lookup(text),
  system_tenants() to meterline_app;
