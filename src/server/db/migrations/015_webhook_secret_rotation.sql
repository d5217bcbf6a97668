-- Webhook secret rotation (docs/product.md, Webhooks): a new secret signs at once, and the one it
-- replaced signs beside it until `previous_webhook_secret_until` (a day), so a receiver can be
-- moved to the new secret without refusing a delivery.
alter table alert_settings
  add column previous_webhook_secret text,
  add column previous_webhook_secret_until timestamptz;
