-- Scoped API keys and a per-tenant purchase limit. Until now a key stood for its whole tenant:
-- the interview engine's key could also buy credits and read the ledger, so a leaked ingest key
-- was a payment credential. A key now holds the scopes it was made with; the names are defined
-- once, in src/shared/api-key-scopes.ts, and checked there when a key is made.
--
-- Keys made before this were made for the interview engine, the one caller the API was built
-- for, so they keep what it needs, events:write, and nothing more. A caller that read usage,
-- bought credits or set opening status with such a key gets 403 insufficient_scope and needs a
-- new key with those scopes: widening what a key can do is left to a deliberate act, never to a
-- migration, because these keys may already sit in places a payment credential should not.
alter table api_keys add column scopes text[] not null default '{events:write}';
alter table api_keys alter column scopes drop default;
alter table api_keys add constraint api_keys_scopes_not_empty check (cardinality(scopes) > 0);

-- The most one purchase may buy, per tenant on its plan. Existing plans get the default of
-- 100,000 credits (src/server/tenants/create.ts), the same as new tenants.
alter table plans add column purchase_limit_milli bigint not null default 100000000;
alter table plans alter column purchase_limit_milli drop default;
alter table plans add constraint plans_purchase_limit_positive check (purchase_limit_milli > 0);

-- The key lookup (before any tenant is known) now answers the key's scopes too, so a request
-- is authorised with the one query that authenticates it. A function's result type cannot be
-- changed in place.
drop function auth_api_key_lookup(text);
create function auth_api_key_lookup(p_key_hash text)
returns table (tenant_id uuid, key_id uuid, revoked boolean, scopes text[])
language sql stable security definer set search_path = public as $$
  select k.tenant_id, k.id, k.revoked_at is not null, k.scopes from api_keys k where k.key_hash = p_key_hash
$$;
revoke all on function auth_api_key_lookup(text) from public;
grant execute on function auth_api_key_lookup(text) to meterline_app;
