-- Which tenants have users at an email domain (docs/product.md, Signing in): a tenant may not claim
-- a domain for its single sign-on where another tenant has users. Read from the login directory,
-- which sees every tenant's addresses; the app role reaches it only through this lookup, which
-- answers tenant ids, never addresses.

create index login_directory_domain on login_directory (split_part(email, '@', 2));

create function auth_email_domain_tenants(p_domain text)
returns table (tenant_id uuid)
language sql stable security definer set search_path = public as $$
  select distinct d.tenant_id from login_directory d where split_part(d.email, '@', 2) = lower(p_domain)
$$;

revoke all on function auth_email_domain_tenants(text) from public;
grant execute on function auth_email_domain_tenants(text) to meterline_app;
