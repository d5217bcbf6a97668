import { resolveRecoveredAlerts } from '../alerts/resolve.js';
import type { Database, Queryable } from '../db/database.js';
import { announceClosedPeriods } from '../notifications/period-closed.js';
import { type Account, readAccount } from './account.js';
import type { BillingPeriod } from './periods.js';
import { periodContaining } from './periods.js';
import { latestPeriod, periodByIndex, periodIndexOf } from './periods-store.js';
import { type BillingContext, loadBillingContext } from './plans.js';
import { appendEntries, createLot, type EntryInput } from './postings.js';
import { planRollover } from './rules.js';

export const SYSTEM_ACTOR = 'system';

/** Lots that live and die with a billing period: its close expires or rolls them over; other kinds expire on their own dates. */
export const PERIOD_LOT_KINDS: readonly string[] = ['grant', 'rollover'];

export interface CloseResult {
  closed: number;
  opened: number;
  expiredLots: number;
}

/**
 * Brings a tenant's billing periods up to `now`: closes every period that has ended (expiring or
 * rolling over its credits, by the plan), opens the next with its grant, and expires purchased
 * credits past their date. Catches up after downtime one period at a time. The account lock and
 * the one-grant-per-period index make it happen exactly once, however many processes run it.
 */
export async function closeDuePeriods(db: Database, tenantId: string, now: Date): Promise<CloseResult> {
  return db.withTenant(tenantId, async (tx) => {
    const account = await readAccount(tx, tenantId, { lock: true });
    const ctx = await loadBillingContext(tx, tenantId);
    const result: CloseResult = { closed: 0, opened: 0, expiredLots: 0 };
    let current = await latestPeriod(tx, ctx);
    if (!current) {
      await openPeriod(
        tx,
        account,
        ctx,
        periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, now),
        [],
      );
      result.opened++;
      return result;
    }
    const closedStarts: string[] = [];
    while (current.end.getTime() <= now.getTime()) {
      const rollovers = await closePeriod(tx, account, ctx, current, now);
      result.closed++;
      closedStarts.push(current.startDate);
      const next = periodByIndex(ctx, current.index + 1);
      await openPeriod(tx, account, ctx, next, rollovers);
      result.opened++;
      current = next;
    }
    result.expiredLots = await expireLapsedLots(tx, account, now);
    if (result.opened > 0) await resolveRecoveredAlerts(tx, ctx, account.balanceMilli, now);
    await announceClosedPeriods(tx, ctx, closedStarts, now);
    return result;
  });
}

interface Rollover {
  originPeriodIndex: number;
  milli: number;
}

async function closePeriod(
  tx: Queryable,
  account: Account,
  ctx: BillingContext,
  period: BillingPeriod,
  now: Date,
): Promise<Rollover[]> {
  const lots = await tx.query<{ id: string; remaining_milli: number; origin: Date }>(
    `select id, remaining_milli, coalesce(origin_period_start, period_start) as origin from credit_lots
      where tenant_id = $1 and kind = any($3::text[]) and remaining_milli > 0 and expires_at <= $2`,
    [ctx.tenantId, period.end, PERIOD_LOT_KINDS],
  );
  const plan = planRollover(
    lots.map((l) => ({
      id: l.id,
      remainingMilli: Number(l.remaining_milli),
      originPeriodIndex: Math.min(periodIndexOf(ctx, new Date(l.origin)), period.index),
    })),
    ctx.plan.rollover,
    ctx.plan.allotmentMilli,
    period.index,
  );
  const expiries: EntryInput[] = plan.expire.map((x) => ({
    kind: 'expiry',
    amountMilli: -x.milli,
    lotId: x.lotId,
    reason: 'period_end',
    effectiveAt: period.end,
    actor: SYSTEM_ACTOR,
  }));
  await appendEntries(tx, account, expiries);
  await tx.query('update billing_periods set closed_at = $3 where tenant_id = $1 and start_at = $2', [
    ctx.tenantId,
    period.start,
    now,
  ]);
  return plan.rollover;
}

async function openPeriod(
  tx: Queryable,
  account: Account,
  ctx: BillingContext,
  period: BillingPeriod,
  rollovers: Rollover[],
): Promise<void> {
  await tx.query(
    `insert into billing_periods (tenant_id, start_at, end_at, plan_id, allotment_milli) values ($1, $2, $3, $4, $5)`,
    [ctx.tenantId, period.start, period.end, ctx.plan.id, ctx.plan.allotmentMilli],
  );
  const reference = `period ${period.startDate}`;
  for (const r of rollovers) {
    await createLot(
      tx,
      account,
      {
        kind: 'rollover',
        amountMilli: r.milli,
        grantedAt: period.start,
        expiresAt: period.end,
        periodStart: period.start,
        originPeriodStart: periodByIndex(ctx, r.originPeriodIndex).start,
      },
      { actor: SYSTEM_ACTOR, reason: 'rollover', reference },
    );
  }
  if (ctx.plan.allotmentMilli > 0) {
    await createLot(
      tx,
      account,
      {
        kind: 'grant',
        amountMilli: ctx.plan.allotmentMilli,
        grantedAt: period.start,
        expiresAt: period.end,
        periodStart: period.start,
        originPeriodStart: period.start,
      },
      { actor: SYSTEM_ACTOR, reason: 'period_grant', reference },
    );
  }
}

/** Purchased and adjustment credits expire on their own dates, not at a period's end. */
async function expireLapsedLots(tx: Queryable, account: Account, now: Date): Promise<number> {
  const lots = await tx.query<{ id: string; remaining_milli: number; expires_at: Date }>(
    `select id, remaining_milli, expires_at from credit_lots
      where tenant_id = $1 and remaining_milli > 0 and expires_at <= $2`,
    [account.tenantId, now],
  );
  await appendEntries(
    tx,
    account,
    lots.map((l) => ({
      kind: 'expiry',
      amountMilli: -Number(l.remaining_milli),
      lotId: l.id,
      reason: 'lot_expired',
      effectiveAt: new Date(l.expires_at),
      actor: SYSTEM_ACTOR,
    })),
  );
  return lots.length;
}

export type TenantCloseOutcome = CloseResult | { error: Error };

/**
 * Closes due periods for every tenant (the scheduler and `periods close` call this). One tenant's
 * failure is reported for it and does not hold back the tenants after it.
 */
export async function closeAllDuePeriods(db: Database, now: Date): Promise<Map<string, TenantCloseOutcome>> {
  const tenants = await db.query<{ id: string; slug: string }>('select id, slug from system_tenants()');
  const out = new Map<string, TenantCloseOutcome>();
  for (const t of tenants) {
    try {
      out.set(t.slug, await closeDuePeriods(db, t.id, now));
    } catch (err) {
      out.set(t.slug, { error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return out;
}
