-- Auto top-up (docs/product.md, Auto top-up): when a charge takes the balance below the tenant's
-- floor, credits are bought in the charge's transaction, at most up to a monthly cap.

-- A top-up is a purchase like any other (a priced line, a receipt, a purchase lot); its crediting
-- ledger entry has a kind of its own so statements and the ledger tell it from a manual purchase.
alter table ledger_entries drop constraint ledger_entries_kind_check;
alter table ledger_entries add constraint ledger_entries_kind_check check (kind in
  ('grant', 'rollover', 'purchase', 'auto_top_up', 'adjustment', 'consumption', 'reversal', 'expiry',
   'overage_settlement'));

alter table purchases add column automatic boolean not null default false;

create table auto_top_up_settings (
  tenant_id uuid not null references tenants(id),
  enabled boolean not null,
  below_milli bigint not null check (below_milli >= 0),
  buy_milli bigint not null check (buy_milli > 0),
  monthly_cap_milli bigint not null check (monthly_cap_milli >= buy_milli),
  updated_at timestamptz not null,
  updated_by text not null,
  primary key (tenant_id)
);

-- The months in which the cap stopped a top-up: one row, so one alert, per tenant and month.
create table auto_top_up_caps (
  tenant_id uuid not null references tenants(id),
  month date not null,
  capped_at timestamptz not null,
  balance_milli bigint not null,
  bought_milli bigint not null,
  primary key (tenant_id, month)
);

-- Budget alerts resolve as credit alerts do: when the budget's usage falls back below a reached
-- threshold (a reversal, a raised limit) the alert is resolved and re-armed. Each reach is its own
-- row; at most one per threshold and window is open at a time.
alter table budget_alerts
  add column resolved_at timestamptz,
  add column resolved_used_milli bigint;
alter table budget_alerts drop constraint budget_alerts_pkey;
alter table budget_alerts add column id bigint generated always as identity;
alter table budget_alerts add primary key (tenant_id, id);
create unique index budget_alerts_open_once on budget_alerts (tenant_id, budget_id, window_key, threshold_percent)
  where resolved_at is null;

do $$
declare
  t text;
begin
  foreach t in array array['auto_top_up_settings', 'auto_top_up_caps']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;
