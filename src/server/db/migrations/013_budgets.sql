-- Budgets (docs/product.md, Budgets): a cap of credits on one opening, department or recruiter over a
-- window, that alerts at its thresholds and may block new interviews in its scope once used up.

create table budgets (
  tenant_id uuid not null references tenants(id),
  id uuid not null default gen_random_uuid(),
  scope_kind text not null check (scope_kind in ('opening', 'department', 'recruiter')),
  scope_value text not null check (length(scope_value) between 1 and 200),
  credits_milli bigint not null check (credits_milli > 0),
  -- 'window' is a reserved word in SQL.
  budget_window text not null check (budget_window in ('billing_period', 'month', 'total')),
  on_exhausted text not null check (on_exhausted in ('alert', 'block')),
  -- Shares of the budget (percent) that raise an alert, ascending.
  thresholds int[] not null check (1 <= all (thresholds) and 100 >= all (thresholds)),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  -- One budget per scope, so "the opening's budget" is one.
  unique (tenant_id, scope_kind, scope_value)
);

-- One row per threshold reached in a budget's window ('YYYY-MM-DD' of the window's first day, or
-- 'total'): the key makes "once per window" a fact of the schema, as credit_alerts does per period.
create table budget_alerts (
  tenant_id uuid not null,
  budget_id uuid not null,
  window_key text not null,
  threshold_percent int not null check (threshold_percent between 1 and 100),
  raised_at timestamptz not null,
  used_milli bigint not null,
  credits_milli bigint not null,
  primary key (tenant_id, budget_id, window_key, threshold_percent),
  foreign key (tenant_id, budget_id) references budgets (tenant_id, id) on delete cascade
);

do $$
declare
  t text;
begin
  foreach t in array array['budgets', 'budget_alerts']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to meterline_app', t);
  end loop;
end $$;
