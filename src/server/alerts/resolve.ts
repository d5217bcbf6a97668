import type { Queryable } from '../db/database.js';
import type { BillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { creditAlertData, queueDeliveries, webhookEvent } from './store.js';

export const RESOLVED_EVENT = 'credits.threshold_resolved';

/**
 * After the balance rose (a purchase, a grant, a reversal): resolves every open alert whose
 * threshold the balance is now above, as a share of the current period's allotment, which re-arms
 * it; queues a `credits.threshold_resolved` webhook (and its emails) for each. In the caller's
 * transaction, which holds the account lock.
 */
export async function resolveRecoveredAlerts(
  tx: Queryable,
  ctx: BillingContext,
  balanceMilli: number,
  now: Date,
): Promise<number[]> {
  const period = await currentPeriod(tx, ctx, now);
  if (period.allotmentMilli <= 0) return [];
  // Above a threshold: balance / allotment > t / 100, on integers as reachedThresholds has it.
  const resolved = await tx.query<{ threshold_percent: number; period_start: Date; raised_at: Date }>(
    `update credit_alerts set resolved_at = $2, resolved_balance_milli = $3
      where tenant_id = $1 and resolved_at is null and $3::bigint * 100 > threshold_percent::bigint * $4
      returning threshold_percent, period_start, raised_at`,
    [ctx.tenantId, now, balanceMilli, period.allotmentMilli],
  );
  if (resolved.length === 0) return [];
  const deliveries = resolved.map((r) =>
    webhookEvent(RESOLVED_EVENT, now, {
      ...creditAlertData(r.threshold_percent, balanceMilli, period),
      reachedAt: new Date(r.raised_at).toISOString(),
    }),
  );
  await queueDeliveries(tx, ctx.tenantId, RESOLVED_EVENT, deliveries, now);
  return resolved.map((r) => r.threshold_percent).sort((a, b) => b - a);
}
