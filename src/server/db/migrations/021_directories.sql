-- Citus-ready lookups (docs/scaling.md): the four lookups made before a tenant is known (login by
-- email, a session's token, an API key's hash, an unsubscribe token) read small global directories
-- instead of a unique index across every tenant's rows. Each directory row is written by a trigger in
-- the transaction of the row it points to, so the two never disagree; on Citus the directories are
-- reference tables. The app role has no privilege on them: only the lookups below read them.

create table login_directory (
  email text primary key,
  tenant_id uuid not null,
  user_id uuid not null
);
create table session_directory (
  token_hash text primary key,
  tenant_id uuid not null,
  session_id uuid not null
);
create table api_key_directory (
  key_hash text primary key,
  tenant_id uuid not null,
  key_id uuid not null
);
create table unsubscribe_directory (
  token text primary key,
  tenant_id uuid not null,
  email text not null
);

insert into login_directory select lower(email), tenant_id, id from users;
insert into session_directory select token_hash, tenant_id, id from sessions;
insert into api_key_directory select key_hash, tenant_id, id from api_keys;
insert into unsubscribe_directory select unsubscribe_token, tenant_id, email from notification_recipients;

-- The directories' keys are the platform-wide uniqueness now (an email is one login); each tenant
-- table keeps its own key led by tenant_id.
drop index users_email_key;
create unique index users_email_key on users (tenant_id, lower(email));
alter table sessions drop constraint sessions_token_hash_key;
alter table api_keys drop constraint api_keys_key_hash_key;
alter table notification_recipients drop constraint notification_recipients_unsubscribe_token_key;
alter table credit_alerts drop constraint credit_alerts_pkey;
alter table credit_alerts add primary key (tenant_id, id);

create function directory_users() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from login_directory where email = lower(old.email) and user_id = old.id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into login_directory (email, tenant_id, user_id) values (lower(new.email), new.tenant_id, new.id);
  end if;
  return null;
end $$;
create trigger users_directory after insert or update of email or delete on users
  for each row execute function directory_users();

create function directory_sessions() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from session_directory where token_hash = old.token_hash and session_id = old.id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into session_directory (token_hash, tenant_id, session_id) values (new.token_hash, new.tenant_id, new.id);
  end if;
  return null;
end $$;
create trigger sessions_directory after insert or update of token_hash or delete on sessions
  for each row execute function directory_sessions();

create function directory_api_keys() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from api_key_directory where key_hash = old.key_hash and key_id = old.id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into api_key_directory (key_hash, tenant_id, key_id) values (new.key_hash, new.tenant_id, new.id);
  end if;
  return null;
end $$;
create trigger api_keys_directory after insert or update of key_hash or delete on api_keys
  for each row execute function directory_api_keys();

create function directory_recipients() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from unsubscribe_directory where token = old.unsubscribe_token and tenant_id = old.tenant_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into unsubscribe_directory (token, tenant_id, email) values (new.unsubscribe_token, new.tenant_id, new.email);
  end if;
  return null;
end $$;
create trigger notification_recipients_directory
  after insert or update of unsubscribe_token, email or delete on notification_recipients
  for each row execute function directory_recipients();

create or replace function auth_login_lookup(p_email text)
returns table (tenant_id uuid, user_id uuid, password_hash text, role text, active boolean)
language sql stable security definer set search_path = public as $$
  select u.tenant_id, u.id, u.password_hash, u.role, u.active
    from login_directory d join users u on u.tenant_id = d.tenant_id and u.id = d.user_id
   where d.email = lower(p_email)
$$;

create or replace function auth_session_lookup(p_token_hash text)
returns table (tenant_id uuid, session_id uuid, user_id uuid, csrf_token text, expires_at timestamptz)
language sql stable security definer set search_path = public as $$
  select s.tenant_id, s.id, s.user_id, s.csrf_token, s.expires_at
    from session_directory d join sessions s on s.tenant_id = d.tenant_id and s.id = d.session_id
   where d.token_hash = p_token_hash
$$;

create or replace function auth_api_key_lookup(p_key_hash text)
returns table (tenant_id uuid, key_id uuid, revoked boolean, scopes text[])
language sql stable security definer set search_path = public as $$
  select k.tenant_id, k.id, k.revoked_at is not null, k.scopes
    from api_key_directory d join api_keys k on k.tenant_id = d.tenant_id and k.id = d.key_id
   where d.key_hash = p_key_hash
$$;

create or replace function notifications_unsubscribe_lookup(p_token text)
returns table (tenant_id uuid, email text)
language sql stable security definer set search_path = public as $$
  select r.tenant_id, r.email
    from unsubscribe_directory d
    join notification_recipients r on r.tenant_id = d.tenant_id and r.email = d.email
   where d.token = p_token
$$;

revoke all on table login_directory, session_directory, api_key_directory, unsubscribe_directory from public;
revoke all on function directory_users(), directory_sessions(), directory_api_keys(), directory_recipients()
  from public;
