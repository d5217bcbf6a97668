-- Signing in from the host platform (docs/product.md, Signing in): a tenant's own OpenID Connect
-- provider (single sign-on), and one-time console links the host mints for its users. Users made
-- by either on their first sign-in have no password.

alter table users alter column password_hash drop not null;
alter table users
  -- The provider's `sub` for the user, set on their first single sign-on.
  add column sso_subject text,
  -- The host platform's id for the user, set by their first console link.
  add column external_id text,
  add column last_sign_in_at timestamptz,
  add column last_sign_in_method text check (last_sign_in_method in ('password', 'sso', 'console_link'));
create unique index users_sso_subject_key on users (tenant_id, sso_subject) where sso_subject is not null;
create unique index users_external_id_key on users (tenant_id, external_id) where external_id is not null;

-- A tenant's identity provider. The client secret is written, never read back through the API.
create table sso_settings (
  tenant_id uuid not null references tenants(id),
  issuer text not null,
  client_id text not null,
  client_secret text not null,
  role_claim text not null,
  -- [{ "value": "<claim value>", "role": "account_admin" | "recruiter" | "viewer" }, …]
  role_mapping jsonb not null,
  password_login boolean not null,
  updated_at timestamptz not null,
  primary key (tenant_id)
);

-- The email domains whose users sign in through the tenant's provider. A domain belongs to one
-- tenant at most (its directory's key, below): the login page sends an address to the provider of
-- its domain's tenant.
create table sso_domains (
  tenant_id uuid not null references tenants(id),
  domain text not null check (domain = lower(domain)),
  primary key (tenant_id, domain)
);

-- A single sign-on under way: what the callback checks (state, nonce, PKCE verifier). Found by
-- the tenant and the hash of the browser's cookie; used once, and for ten minutes at most.
create table sso_requests (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  token_hash text not null,
  state text not null,
  nonce text not null,
  code_verifier text not null,
  -- The address typed on the login page: the login throttle's account (null for a test sign-in).
  email text,
  -- A test sign-in from Settings → Sign-in: shows what the provider answered, signs nobody in.
  test boolean not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash)
);

-- One-time console links minted by the host platform with a `console:link` API key. Only the
-- hash of the link's token is kept; opening it sets used_at, so it opens once.
create table console_links (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  token_hash text not null,
  key_id uuid not null,
  external_id text not null,
  email text not null,
  name text not null,
  role text not null check (role in ('account_admin', 'recruiter', 'viewer')),
  path text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, key_id) references api_keys(tenant_id, id)
);

do $$
declare
  t text;
begin
  foreach t in array array['sso_settings', 'sso_domains', 'sso_requests', 'console_links']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;

-- Before any tenant is known, the login page's first step finds the tenant whose provider an
-- email domain signs in with, and a console link's token finds its tenant: through global
-- directories written by triggers in the transaction of the row they point to, as migration 021
-- does for logins, sessions and keys (docs/scaling.md). The app role has no privilege on them.
create table sso_domain_directory (
  domain text primary key,
  tenant_id uuid not null
);
create table console_link_directory (
  token_hash text primary key,
  tenant_id uuid not null,
  link_id uuid not null
);

create function directory_sso_domains() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from sso_domain_directory where domain = old.domain and tenant_id = old.tenant_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into sso_domain_directory (domain, tenant_id) values (new.domain, new.tenant_id);
  end if;
  return null;
end $$;
create trigger sso_domains_directory after insert or update or delete on sso_domains
  for each row execute function directory_sso_domains();

create function directory_console_links() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from console_link_directory where token_hash = old.token_hash and link_id = old.id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into console_link_directory (token_hash, tenant_id, link_id) values (new.token_hash, new.tenant_id, new.id);
  end if;
  return null;
end $$;
create trigger console_links_directory after insert or update of token_hash or delete on console_links
  for each row execute function directory_console_links();

create function auth_sso_domain_lookup(p_domain text)
returns table (tenant_id uuid)
language sql stable security definer set search_path = public as $$
  select d.tenant_id from sso_domain_directory d where d.domain = lower(p_domain)
$$;

create function auth_console_link_lookup(p_token_hash text)
returns table (tenant_id uuid, link_id uuid)
language sql stable security definer set search_path = public as $$
  select d.tenant_id, d.link_id from console_link_directory d where d.token_hash = p_token_hash
$$;

revoke all on table sso_domain_directory, console_link_directory from public;
revoke all on function directory_sso_domains(), directory_console_links() from public;
revoke all on function auth_sso_domain_lookup(text), auth_console_link_lookup(text) from public;
grant execute on function auth_sso_domain_lookup(text), auth_console_link_lookup(text) to meterline_app;
