import type { Database } from '../db/database.js';
import { runOutbox } from '../outbox/run.js';
import { type Resolve, resolveDestination } from './destination.js';
import { postTo } from './post.js';
import { signedHeaders } from './signature.js';

const TIMEOUT_MS = 10_000;

export interface DeliveryOutcome {
  delivered: number;
  failed: number;
  abandoned: number;
}

/** `resolve` answers host names in place of the system's resolver (tests). */
type DeliveryOptions = { allowPrivate: boolean; resolve?: Resolve };

type Claimed = {
  id: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
  /** The secret this one replaced, while it still signs beside it. */
  previous_secret: string | null;
};

/**
 * Sends every webhook due by `now`, for every tenant. A delivery is claimed under a lease in its
 * own short transaction, sent outside any transaction, and its outcome recorded after: several
 * servers may run this at once, and a delivery is sent at least once (receivers deduplicate by
 * the body's `id`).
 */
export async function deliverDueWebhooks(
  db: Database,
  now: () => Date,
  opts: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const { done, failed, abandoned } = await runOutbox(db, now, {
    dueTenants: 'system_due_webhook_tenants($1)',
    claim: (tx, tenantId, at, leaseUntil) =>
      tx.query<Claimed>(
        `with due as (
           select d.id from webhook_deliveries d
            where d.tenant_id = $1 and d.delivered_at is null and d.abandoned_at is null and d.next_attempt_at <= $2
            order by d.next_attempt_at limit 100 for update skip locked)
         update webhook_deliveries d set next_attempt_at = $3
           from due, alert_settings s
          where d.tenant_id = $1 and d.id = due.id and s.tenant_id = $1
            and s.webhook_url is not null and s.webhook_secret is not null
         returning d.id, d.body, d.attempts, s.webhook_url as url, s.webhook_secret as secret,
                   case when s.previous_webhook_secret_until > $2 then s.previous_webhook_secret end
                     as previous_secret`,
        [tenantId, at, leaseUntil],
      ),
    attempt: (_, d) => send(d, now(), opts),
    record: (tx, tenantId, d, r) =>
      tx.query(
        `update webhook_deliveries set attempts = $3, last_status = $4, last_error = $5,
                delivered_at = case when $6 then $7::timestamptz end,
                abandoned_at = case when $8 then $7::timestamptz end,
                next_attempt_at = $9
          where tenant_id = $1 and id = $2`,
        [
          tenantId,
          d.id,
          r.attempts,
          r.result.status,
          r.result.error,
          r.result.ok,
          r.at,
          r.abandon,
          r.nextAttemptAt,
        ],
      ),
  });
  return { delivered: done, failed, abandoned };
}

async function send(
  d: Claimed,
  at: Date,
  opts: DeliveryOptions,
): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const destination = await resolveDestination(d.url, opts.allowPrivate, opts.resolve);
  if ('refused' in destination) return { ok: false, status: null, error: destination.refused };
  try {
    const status = await postTo(
      d.url,
      d.body,
      {
        'content-type': 'application/json',
        'user-agent': 'Meterline-Webhooks/1',
        ...signedHeaders(d.previous_secret ? [d.secret, d.previous_secret] : [d.secret], d.id, d.body, at),
      },
      { addresses: destination.addresses, timeoutMs: TIMEOUT_MS },
    );
    const ok = status >= 200 && status < 300;
    return { ok, status, error: ok ? null : `HTTP ${status}` };
  } catch (err) {
    return { ok: false, status: null, error: (err as Error).message.slice(0, 500) };
  }
}
