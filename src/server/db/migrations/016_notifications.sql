-- Email notifications (docs/product.md, Email): who of a tenant receives what, and the outbox the
-- mail worker sends from.

-- The tenant's recipients: addresses, not users (a finance mailbox need not sign in). Each has its
-- own unsubscribe token, so a link in an email turns off that recipient's mail and nothing else.
create table notification_recipients (
  tenant_id uuid not null references tenants(id),
  email text not null check (email = lower(email)),
  alerts boolean not null,
  weekly_digest boolean not null,
  statements boolean not null,
  unsubscribe_token text not null unique,
  updated_at timestamptz not null,
  primary key (tenant_id, email)
);

-- One row per email to send, written in the transaction of what it tells (an alert beside its
-- webhook), sent afterwards and retried with backoff, as the webhook outbox is. It holds what the
-- email tells (`payload`: the alert's webhook body); the mail worker writes the email from it
-- when it sends (notifications/render.ts). `dedupe_key` makes "once" a fact of the schema.
create table email_outbox (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  recipient text not null,
  kind text not null check (kind in ('alert', 'weekly_digest', 'statement')),
  dedupe_key text,
  payload jsonb not null,
  created_at timestamptz not null,
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  sent_at timestamptz,
  abandoned_at timestamptz,
  last_error text,
  primary key (tenant_id, id),
  unique (tenant_id, dedupe_key)
);
create index email_outbox_due_idx on email_outbox (next_attempt_at) where sent_at is null and abandoned_at is null;

do $$
declare
  t text;
begin
  foreach t in array array['notification_recipients', 'email_outbox']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;

-- The mail worker finds the tenants with an email due before it can set one.
create function system_due_email_tenants(p_now timestamptz)
returns table (tenant_id uuid)
language sql stable security definer set search_path = public as $$
  select distinct o.tenant_id from email_outbox o
   where o.sent_at is null and o.abandoned_at is null and o.next_attempt_at <= p_now
$$;

-- An unsubscribe link carries only its token: this finds whose it is, before a tenant is set.
create function notifications_unsubscribe_lookup(p_token text)
returns table (tenant_id uuid, email text)
language sql stable security definer set search_path = public as $$
  select r.tenant_id, r.email from notification_recipients r where r.unsubscribe_token = p_token
$$;

revoke all on function system_due_email_tenants(timestamptz), notifications_unsubscribe_lookup(text) from public;
grant execute on function system_due_email_tenants(timestamptz), notifications_unsubscribe_lookup(text)
  to meterline_app;
