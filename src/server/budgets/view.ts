import { addDays, daysBetween, localDate } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import type { Database, Queryable } from '../db/database.js';
import { RECENT_DAYS } from '../forecast/models/recent-mean.js';
import { type BillingContext, loadBillingContext } from '../ledger/plans.js';
import { projectExhaustion } from './projection.js';
import { type BudgetRow, loadBudgets } from './store.js';
import { type BudgetScopeRef, scopeDailyUsage, scopeFirstDay, usedInWindows, windowOf } from './usage.js';

/** The thresholds a budget has reached at this usage, ascending: used ≥ t % of its credits. */
export function reachedBudgetThresholds(
  thresholds: readonly number[],
  usedMilli: number,
  creditsMilli: number,
) {
  // Integers on both sides: used / credits >= t / 100 without a division.
  return thresholds.filter((t) => usedMilli * 100 >= t * creditsMilli);
}

/** Used as a percentage of the credits, to one decimal: in tenths of a percent, then to one decimal. */
export const percentUsed = (usedMilli: number, creditsMilli: number) =>
  Math.round((usedMilli * 100 * 10) / creditsMilli) / 10;

/** What people read for each scope: an opening's job title, a recruiter's name, else the value. */
async function labelsOf(
  tx: Queryable,
  tenantId: string,
  scopes: BudgetScopeRef[],
): Promise<Map<string, string>> {
  const key = (kind: string, value: string) => `${kind}\u0000${value}`;
  const labels = new Map(scopes.map((s) => [key(s.kind, s.value), s.value]));
  const openings = scopes.filter((s) => s.kind === 'opening').map((s) => s.value);
  const recruiters = scopes.filter((s) => s.kind === 'recruiter').map((s) => s.value);
  if (openings.length > 0) {
    const rows = await tx.query<{ id: string; job_title: string }>(
      'select id, job_title from openings where tenant_id = $1 and id = any($2::text[])',
      [tenantId, openings],
    );
    for (const r of rows) labels.set(key('opening', r.id), r.job_title);
  }
  if (recruiters.length > 0) {
    const rows = await tx.query<{ id: string; name: string | null }>(
      'select id, name from recruiters where tenant_id = $1 and id = any($2::text[])',
      [tenantId, recruiters],
    );
    for (const r of rows) if (r.name) labels.set(key('recruiter', r.id), r.name);
  }
  return new Map(scopes.map((s) => [key(s.kind, s.value), labels.get(key(s.kind, s.value)) ?? s.value]));
}

/** The scope's credits (milli) per day before today, oldest first, since its first usage: at most RECENT_DAYS. */
async function recentDays(tx: Queryable, tenantId: string, scope: BudgetScopeRef, today: string) {
  const first = await scopeFirstDay(tx, tenantId, scope);
  if (first === null) return [];
  const n = Math.min(RECENT_DAYS, Math.max(0, daysBetween(first, today)));
  if (n === 0) return [];
  const daily = await scopeDailyUsage(tx, tenantId, scope, {
    from: addDays(today, -n),
    to: addDays(today, -1),
  });
  const out: number[] = [];
  for (let i = n; i >= 1; i--) out.push(daily.get(addDays(today, -i)) ?? 0);
  return out;
}

/** The budgets as the API shows them: each with what its scope used in its current window. */
export async function budgetViews(
  tx: Queryable,
  ctx: BillingContext,
  budgets: readonly BudgetRow[],
  now: Date,
) {
  const { tenantId } = ctx;
  const today = localDate(now, ctx.timeZone);
  const withWindows = budgets.map((b) => ({
    id: b.id,
    scope: b.scope,
    window: windowOf(b.window, ctx, now),
    b,
  }));
  const used = await usedInWindows(tx, tenantId, withWindows);
  const labels = await labelsOf(
    tx,
    tenantId,
    budgets.map((b) => b.scope),
  );
  const items = [];
  for (const { b, window } of withWindows) {
    const usedMilli = used.get(b.id) ?? 0;
    const remainingMilli = Math.max(0, b.creditsMilli - usedMilli);
    const projected =
      remainingMilli > 0
        ? projectExhaustion({
            remainingMilli,
            recentDays: await recentDays(tx, tenantId, b.scope, today),
            today,
            windowEnd: window.to,
          })
        : null;
    items.push({
      budgetId: b.id,
      scope: b.scope,
      label: labels.get(`${b.scope.kind}\u0000${b.scope.value}`) ?? b.scope.value,
      credits: milliToCredits(b.creditsMilli),
      window: b.window,
      onExhausted: b.onExhausted,
      thresholds: b.thresholds,
      windowStart: window.from,
      windowEnd: window.to,
      used: milliToCredits(usedMilli),
      remaining: milliToCredits(remainingMilli),
      percentUsed: percentUsed(usedMilli, b.creditsMilli),
      exhausted: remainingMilli === 0,
      reached: reachedBudgetThresholds(b.thresholds, usedMilli, b.creditsMilli),
      projectedExhaustion: projected,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    });
  }
  return items;
}

/** Every budget of the tenant as the API lists it. */
export async function listBudgetViews(db: Database, tenantId: string, now: Date) {
  return db.withTenant(tenantId, async (tx) =>
    budgetViews(tx, await loadBillingContext(tx, tenantId), await loadBudgets(tx, tenantId), now),
  );
}
