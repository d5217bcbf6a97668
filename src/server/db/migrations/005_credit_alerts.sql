-- Credit alerts (docs/product.md, Credit alerts): when the credits left fall to a threshold share
-- of the period's allotment (default 25 %, 10 %, 0 %), an alert is raised in the console and a
-- signed webhook is sent to the tenant's endpoint, each once per period.

-- A tenant's alert settings; a tenant without a row has the default thresholds (alerts/thresholds.ts)
-- and no webhook.
create table alert_settings (
  tenant_id uuid primary key references tenants(id),
  thresholds int[] not null,
  webhook_url text check (webhook_url ~ '^https?://'),
  -- The key that signs the webhooks (HMAC-SHA256); shown to an admin when it is made.
  webhook_secret text,
  updated_at timestamptz not null default now(),
  check (0 <= all (thresholds) and 100 >= all (thresholds))
);

-- One row per threshold reached in a billing period: the key makes "once per period" a fact of
-- the schema, whatever the number of servers ingesting at once.
create table credit_alerts (
  tenant_id uuid not null,
  period_start timestamptz not null,
  threshold_percent int not null check (threshold_percent between 0 and 100),
  raised_at timestamptz not null,
  balance_milli bigint not null,
  allotment_milli bigint not null,
  primary key (tenant_id, period_start, threshold_percent)
);

-- The webhook outbox: written in the transaction that raises the alert, so an alert is never
-- without its delivery nor a delivery without its alert; sent afterwards, retried with backoff.
create table webhook_deliveries (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  event_type text not null,
  -- The exact body sent and signed.
  body text not null,
  created_at timestamptz not null,
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  -- Set when the retries are used up.
  abandoned_at timestamptz,
  last_status int,
  last_error text,
  primary key (tenant_id, id)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)
  where delivered_at is null and abandoned_at is null;

do $$
declare
  t text;
begin
  foreach t in array array['alert_settings', 'credit_alerts', 'webhook_deliveries']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;

-- The delivery worker finds the tenants with a delivery due before it can set one.
create function system_due_webhook_tenants(p_now timestamptz)
returns table (tenant_id uuid)
language sql stable security definer set search_path = public as $$
  select distinct d.tenant_id from webhook_deliveries d
   where d.delivered_at is null and d.abandoned_at is null and d.next_attempt_at <= p_now
$$;
revoke all on function system_due_webhook_tenants(timestamptz) from public;
grant execute on function system_due_webhook_tenants(timestamptz) to meterline_app;
