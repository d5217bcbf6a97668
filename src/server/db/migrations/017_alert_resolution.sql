-- Credit alerts resolve (docs/product.md, Credit alerts): when the balance rises back above a
-- reached threshold (a purchase, a grant, a reversal) the alert is resolved and re-armed, so the
-- threshold can be reached again in the same period. At most one alert per threshold and period is
-- open at a time (the partial index); each reach is its own row, with an id of its own.
alter table credit_alerts
  add column resolved_at timestamptz,
  add column resolved_balance_milli bigint;
alter table credit_alerts drop constraint credit_alerts_pkey;
alter table credit_alerts add column id bigint generated always as identity primary key;
create unique index credit_alerts_open_once on credit_alerts (tenant_id, period_start, threshold_percent)
  where resolved_at is null;
