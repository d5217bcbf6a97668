import { randomUUID } from 'node:crypto';
import { milliToCredits } from '../../shared/credits.js';
import type { Queryable } from '../db/database.js';
import type { PeriodAllotment } from '../ledger/queries.js';
import { queueAlertEmails } from '../notifications/outbox.js';
import { DEFAULT_THRESHOLDS, percentLeft } from './thresholds.js';

export const THRESHOLD_EVENT = 'credits.threshold_reached';

export interface AlertSettings {
  thresholds: number[];
  webhookUrl: string | null;
  hasSecret: boolean;
}

export async function loadAlertSettings(tx: Queryable, tenantId: string): Promise<AlertSettings> {
  const [row] = await tx.query<{ thresholds: number[]; webhook_url: string | null; has_secret: boolean }>(
    `select thresholds, webhook_url, webhook_secret is not null as has_secret
       from alert_settings where tenant_id = $1`,
    [tenantId],
  );
  return row
    ? { thresholds: row.thresholds, webhookUrl: row.webhook_url, hasSecret: row.has_secret }
    : { thresholds: [...DEFAULT_THRESHOLDS], webhookUrl: null, hasSecret: false };
}

/** Stores the settings; a secret is made with the first webhook URL (returned once, as made). */
export async function saveAlertSettings(
  tx: Queryable,
  tenantId: string,
  settings: { thresholds: number[]; webhookUrl: string | null },
  newSecret: () => string,
): Promise<{ createdSecret: string | null }> {
  const secret = newSecret();
  const [row] = await tx.query<{ created: boolean }>(
    `insert into alert_settings (tenant_id, thresholds, webhook_url, webhook_secret, updated_at)
     values ($1, $2, $3, case when $3::text is null then null else $4 end, now())
     on conflict (tenant_id) do update set
       thresholds = excluded.thresholds, webhook_url = excluded.webhook_url,
       webhook_secret = coalesce(alert_settings.webhook_secret, excluded.webhook_secret), updated_at = now()
     returning webhook_secret = $4 as created`,
    [tenantId, settings.thresholds, settings.webhookUrl, secret],
  );
  return { createdSecret: row?.created ? secret : null };
}

/** How long a replaced secret still signs beside the new one. */
export const PREVIOUS_SECRET_HOURS = 24;

/** Replaces the secret; the one replaced signs beside it for PREVIOUS_SECRET_HOURS. */
export async function rotateWebhookSecret(
  tx: Queryable,
  tenantId: string,
  secret: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `update alert_settings set webhook_secret = $2, previous_webhook_secret = webhook_secret,
            previous_webhook_secret_until = $3, updated_at = now()
      where tenant_id = $1 and webhook_url is not null returning 1`,
    [tenantId, secret, new Date(now.getTime() + PREVIOUS_SECRET_HOURS * 3_600_000)],
  );
  return rows.length > 0;
}

/** A webhook's body (docs/product.md, Webhooks): its own id, the event's type, when, and its data. */
export function webhookEvent(
  type: string,
  at: Date,
  data: Record<string, unknown>,
): { id: string; body: string } {
  const id = randomUUID();
  return { id, body: JSON.stringify({ id, type, createdAt: at.toISOString(), data }) };
}

/** What a credit alert's webhook says: the threshold, and the balance against the period's allotment. */
export function creditAlertData(thresholdPercent: number, balanceMilli: number, period: PeriodAllotment) {
  return {
    thresholdPercent,
    percentLeft: percentLeft(balanceMilli, period.allotmentMilli),
    balance: milliToCredits(balanceMilli),
    allotment: milliToCredits(period.allotmentMilli),
    periodStart: period.start.toISOString(),
    periodEnd: period.end.toISOString(),
  };
}

/**
 * Raises the reached thresholds not raised yet in the period, and queues a webhook for each
 * when the tenant has an endpoint; in the caller's transaction, so alert and delivery go together.
 */
export async function raiseAlerts(
  tx: Queryable,
  tenantId: string,
  a: { period: PeriodAllotment; thresholds: number[]; at: Date; balanceMilli: number },
): Promise<number[]> {
  const raised = await tx.query<{ threshold_percent: number }>(
    `insert into credit_alerts (tenant_id, period_start, threshold_percent, raised_at, balance_milli, allotment_milli)
     select $1, $2, t, $3, $4, $5 from unnest($6::int[]) as t
     on conflict do nothing
     returning threshold_percent`,
    [tenantId, a.period.start, a.at, a.balanceMilli, a.period.allotmentMilli, a.thresholds],
  );
  if (raised.length === 0) return [];
  const deliveries = raised.map(({ threshold_percent }) =>
    webhookEvent(THRESHOLD_EVENT, a.at, creditAlertData(threshold_percent, a.balanceMilli, a.period)),
  );
  await queueDeliveries(tx, tenantId, THRESHOLD_EVENT, deliveries, a.at);
  return raised.map((r) => r.threshold_percent);
}

/** Queues webhook bodies, only when the tenant has an endpoint, and their emails to the alert recipients. */
export async function queueDeliveries(
  tx: Queryable,
  tenantId: string,
  eventType: string,
  deliveries: { id: string; body: string }[],
  at: Date,
): Promise<void> {
  await tx.query(
    `insert into webhook_deliveries (tenant_id, id, event_type, body, created_at, next_attempt_at)
     select $1, d.id, $2, d.body, $3, $3
       from json_to_recordset($4::json) as d(id uuid, body text)
      where exists (select 1 from alert_settings s where s.tenant_id = $1 and s.webhook_url is not null)`,
    [tenantId, eventType, at, JSON.stringify(deliveries)],
  );
  await queueAlertEmails(tx, tenantId, eventType, deliveries, at);
}

export interface AlertRow {
  periodStart: Date;
  thresholdPercent: number;
  raisedAt: Date;
  balanceMilli: number;
  allotmentMilli: number;
  resolvedAt: Date | null;
}

export async function recentAlerts(tx: Queryable, tenantId: string, limit: number): Promise<AlertRow[]> {
  const rows = await tx.query<{
    period_start: Date;
    threshold_percent: number;
    raised_at: Date;
    balance_milli: number;
    allotment_milli: number;
    resolved_at: Date | null;
  }>(
    `select period_start, threshold_percent, raised_at, balance_milli, allotment_milli, resolved_at from credit_alerts
      where tenant_id = $1 order by raised_at desc, threshold_percent, id desc limit $2`,
    [tenantId, limit],
  );
  return rows.map((r) => ({
    periodStart: r.period_start,
    thresholdPercent: r.threshold_percent,
    raisedAt: r.raised_at,
    balanceMilli: Number(r.balance_milli),
    allotmentMilli: Number(r.allotment_milli),
    resolvedAt: r.resolved_at,
  }));
}

export interface DeliveryRow {
  id: string;
  eventType: string;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  abandonedAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
}

export async function recentDeliveries(
  tx: Queryable,
  tenantId: string,
  limit: number,
): Promise<DeliveryRow[]> {
  const rows = await tx.query<Record<string, unknown>>(
    `select id, event_type, created_at, attempts, next_attempt_at, delivered_at, abandoned_at, last_status, last_error
       from webhook_deliveries where tenant_id = $1 order by created_at desc, id limit $2`,
    [tenantId, limit],
  );
  return rows.map((r) => ({
    id: r.id as string,
    eventType: r.event_type as string,
    createdAt: r.created_at as Date,
    attempts: Number(r.attempts),
    nextAttemptAt: r.delivered_at || r.abandoned_at ? null : (r.next_attempt_at as Date),
    deliveredAt: (r.delivered_at as Date | null) ?? null,
    abandonedAt: (r.abandoned_at as Date | null) ?? null,
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: (r.last_error as string | null) ?? null,
  }));
}
