import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { milliToCredits } from '../../shared/credits.js';
import { resolveRecoveredAlerts } from '../alerts/resolve.js';
import { queueDeliveries, webhookEvent } from '../alerts/store.js';
import { writeAudit } from '../auth/audit.js';
import type { Queryable } from '../db/database.js';
import type { Account } from './account.js';
import type { BillingContext } from './plans.js';
import { type PurchaseReceipt, purchaseData, recordPurchase } from './purchases.js';

/**
 * Auto top-up (docs/product.md, Auto top-up): when a charge takes the balance from at or above the
 * tenant's floor to below it, credits are bought in the charge's own transaction, once per such
 * crossing, never past the calendar month's cap.
 */

export const AUTO_TOP_UP_EVENT = 'credits.auto_top_up';
export const AUTO_TOP_UP_CAPPED_EVENT = 'credits.auto_top_up_capped';
/** The audit action of a change of the settings. */
export const AUTO_TOP_UP_CHANGED = 'credits.auto_top_up_changed';

export interface AutoTopUpSettings {
  enabled: boolean;
  belowMilli: number;
  buyMilli: number;
  monthlyCapMilli: number;
}

/** Does a charge from `beforeMilli` to `afterMilli` cross the floor? Only a fall through it does. */
export function crossesFloor(s: AutoTopUpSettings | null, beforeMilli: number, afterMilli: number): boolean {
  if (!s?.enabled) return false;
  return beforeMilli >= s.belowMilli && afterMilli < s.belowMilli;
}

/** The calendar month (tenant time zone) holding `now`: its first day and its bounds as instants. */
export function calendarMonth(now: Date, timeZone: string): { first: string; start: Date; end: Date } {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('month');
  return {
    first: start.toISODate() ?? '',
    start: start.toJSDate(),
    end: start.plus({ months: 1 }).toJSDate(),
  };
}

/** Credits bought automatically in [start, end), and how many top-ups bought them. */
export async function boughtInMonth(
  tx: Queryable,
  tenantId: string,
  month: { start: Date; end: Date },
): Promise<{ milli: number; count: number }> {
  const [row] = await tx.query<{ milli: string; count: number }>(
    `select coalesce(sum(credits_milli), 0)::text as milli, count(*)::int as count from purchases
      where tenant_id = $1 and automatic and created_at >= $2 and created_at < $3`,
    [tenantId, month.start, month.end],
  );
  return { milli: Number(row?.milli ?? 0), count: row?.count ?? 0 };
}

export type TopUpOutcome =
  | { kind: 'bought'; receipt: PurchaseReceipt }
  | { kind: 'capped'; alerted: boolean }
  | { kind: 'over_limit' };

/**
 * After a charge crossed the floor: buys the settings' credits as an `auto_top_up` purchase, or, when
 * that would pass the month's cap, buys nothing and raises the cap alert (once a month). In the
 * charge's transaction, which holds the account lock, so a crash loses both or neither.
 */
export async function topUpAfterCrossing(
  tx: Queryable,
  ctx: BillingContext,
  account: Account,
  settings: AutoTopUpSettings,
  now: Date,
): Promise<TopUpOutcome> {
  // The plan's limit may have been lowered since the settings were saved: a purchase past it is never made.
  if (settings.buyMilli > ctx.plan.purchaseLimitMilli) return { kind: 'over_limit' };
  const month = calendarMonth(now, ctx.timeZone);
  const bought = await boughtInMonth(tx, ctx.tenantId, month);
  if (bought.milli + settings.buyMilli > settings.monthlyCapMilli) {
    return {
      kind: 'capped',
      alerted: await raiseCapAlert(tx, ctx, account, settings, month, bought.milli, now),
    };
  }
  const idempotencyKey = `auto-top-up:${randomUUID()}`;
  const receipt = await recordPurchase(tx, ctx, account, {
    idempotencyKey,
    requestHash: createHash('sha256')
      .update(JSON.stringify({ credits: settings.buyMilli, automatic: true }))
      .digest('hex'),
    creditsMilli: settings.buyMilli,
    actor: 'system',
    now,
    automatic: true,
  });
  const data = {
    ...purchaseData(receipt),
    belowCredits: milliToCredits(settings.belowMilli),
    boughtThisMonth: milliToCredits(bought.milli + settings.buyMilli),
    monthlyCapCredits: milliToCredits(settings.monthlyCapMilli),
  };
  await queueDeliveries(
    tx,
    ctx.tenantId,
    AUTO_TOP_UP_EVENT,
    [webhookEvent(AUTO_TOP_UP_EVENT, now, data)],
    now,
  );
  await resolveRecoveredAlerts(tx, ctx, account.balanceMilli, now);
  await writeAudit(tx, ctx.tenantId, { actor: 'system', at: now }, AUTO_TOP_UP_EVENT, {
    purchaseId: receipt.purchaseId,
    credits: milliToCredits(receipt.creditsMilli),
    totalCents: receipt.totalCents,
    currency: receipt.currency,
  });
  return { kind: 'bought', receipt };
}

/** The cap stopped a top-up: the month's one alert, webhook and audit entry, if not raised yet. */
async function raiseCapAlert(
  tx: Queryable,
  ctx: BillingContext,
  account: Account,
  settings: AutoTopUpSettings,
  month: { first: string },
  boughtMilli: number,
  now: Date,
): Promise<boolean> {
  const inserted = await tx.query(
    `insert into auto_top_up_caps (tenant_id, month, capped_at, balance_milli, bought_milli)
     values ($1, $2, $3, $4, $5) on conflict do nothing returning 1`,
    [ctx.tenantId, month.first, now, account.balanceMilli, boughtMilli],
  );
  if (inserted.length === 0) return false;
  const data = {
    month: month.first,
    balance: milliToCredits(account.balanceMilli),
    belowCredits: milliToCredits(settings.belowMilli),
    buyCredits: milliToCredits(settings.buyMilli),
    boughtThisMonth: milliToCredits(boughtMilli),
    monthlyCapCredits: milliToCredits(settings.monthlyCapMilli),
  };
  await queueDeliveries(
    tx,
    ctx.tenantId,
    AUTO_TOP_UP_CAPPED_EVENT,
    [webhookEvent(AUTO_TOP_UP_CAPPED_EVENT, now, data)],
    now,
  );
  await writeAudit(tx, ctx.tenantId, { actor: 'system', at: now }, AUTO_TOP_UP_CAPPED_EVENT, data);
  return true;
}
