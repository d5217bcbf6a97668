-- Login throttling: failed sign-ins counted per account and per client address over a
-- sliding window, in the database, so that every server on it sees the same counts and a restart
-- forgets none.
--
-- A global table, not a tenant table: an attempt is counted before its tenant is known, and an
-- unknown email has no tenant at all. Like schema_migrations, the application role has no
-- privilege on it; the app reaches it only through the SECURITY DEFINER functions below, which
-- take the email and address of the login at hand and answer about those alone, never with
-- another login's row. Row-level security has nothing to keep apart here, and no tenant's data
-- is readable through it.
create table login_failures (
  id bigint generated always as identity primary key,
  -- The email as typed, normalized (trimmed, lower case): known or not, this is the account's key,
  -- so an unknown address is throttled exactly like an account.
  email text not null,
  -- The client's address (an IPv6 address as its /64 network).
  address text not null,
  failed_at timestamptz not null
);
create index login_failures_email_idx on login_failures (email, failed_at);
create index login_failures_address_idx on login_failures (address, failed_at);
create index login_failures_failed_at_idx on login_failures (failed_at);

-- Begins a login attempt at p_now. Refused (allowed = false) while the account or the address has
-- its limit of failures within the window; account_until / address_until then say when the window
-- lets one through again. Otherwise the attempt is counted as a failure at once, before the password
-- is checked, so a burst of parallel attempts cannot all pass the count (auth_login_succeeded takes
-- it back); account_until / address_until then say until when this attempt, should it fail,
-- throttles the account or the address, and address_tenants names the tenants of the known
-- accounts tried from the address within the window (their audit logs record the throttle).
create function auth_login_attempt(p_email text, p_address text, p_now timestamptz,
  p_window_seconds int, p_account_limit int, p_address_limit int)
returns table (allowed boolean, account_until timestamptz, address_until timestamptz, address_tenants uuid[])
language plpgsql security definer set search_path = public as $$
declare
  win constant interval := make_interval(secs => p_window_seconds);
  cutoff constant timestamptz := p_now - make_interval(secs => p_window_seconds);
  -- The newest failures within the window, at most a limit's worth: when the limit-th newest leaves
  -- the window, one attempt is let through.
  by_account timestamptz[];
  by_address timestamptz[];
begin
  -- One attempt at a time per account and per address, on every server. Always the account's lock
  -- first, then the address's, so two attempts never wait for each other in a cycle.
  perform pg_advisory_xact_lock(hashtextextended('meterline.login.account:' || p_email, 0));
  perform pg_advisory_xact_lock(hashtextextended('meterline.login.address:' || p_address, 0));
  -- Pruned on write, a bounded batch at a time; rows another attempt is pruning are skipped.
  delete from login_failures where id in (
    select f.id from login_failures f where f.failed_at <= cutoff limit 200 for update skip locked);
  by_account := array(select f.failed_at from login_failures f
    where f.email = p_email and f.failed_at > cutoff order by f.failed_at desc limit p_account_limit);
  by_address := array(select f.failed_at from login_failures f
    where f.address = p_address and f.failed_at > cutoff order by f.failed_at desc limit p_address_limit);
  if cardinality(by_account) >= p_account_limit or cardinality(by_address) >= p_address_limit then
    allowed := false;
    if cardinality(by_account) >= p_account_limit then
      account_until := by_account[p_account_limit] + win;
    end if;
    if cardinality(by_address) >= p_address_limit then
      address_until := by_address[p_address_limit] + win;
    end if;
    return next;
    return;
  end if;
  insert into login_failures (email, address, failed_at) values (p_email, p_address, p_now);
  allowed := true;
  if cardinality(by_account) + 1 = p_account_limit then
    account_until := coalesce(by_account[p_account_limit - 1], p_now) + win;
  end if;
  if cardinality(by_address) + 1 = p_address_limit then
    address_until := coalesce(by_address[p_address_limit - 1], p_now) + win;
    address_tenants := array(select distinct u.tenant_id from users u
      where lower(u.email) in (select f.email from login_failures f
                                where f.address = p_address and f.failed_at > cutoff));
  end if;
  return next;
end $$;

-- A successful login clears its account's count (the attempt itself included).
create function auth_login_succeeded(p_email text) returns void
language sql security definer set search_path = public as $$
  delete from login_failures where email = p_email
$$;

revoke all on function auth_login_attempt(text, text, timestamptz, int, int, int), auth_login_succeeded(text)
  from public;
grant execute on function auth_login_attempt(text, text, timestamptz, int, int, int), auth_login_succeeded(text)
  to meterline_app;
