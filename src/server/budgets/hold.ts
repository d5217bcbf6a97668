import { BUDGET_WINDOW_LABELS } from '../../shared/budgets.js';
import { milliToCredits } from '../../shared/credits.js';
import { queueDeliveries, webhookEvent } from '../alerts/store.js';
import { writeAudit } from '../auth/audit.js';
import type { Queryable } from '../db/database.js';
import type { BillingContext } from '../ledger/plans.js';
import type { InterviewRecord } from '../metering/state.js';
import type { BudgetRow } from './store.js';
import { type BudgetScopeRef, type BudgetWindowDays, usedInWindows, windowOf } from './usage.js';
import { percentUsed, reachedBudgetThresholds } from './view.js';

/**
 * Budgets at ingest (docs/product.md, Budgets): a used-up `block` budget refuses the first event of
 * a new interview in its scope, and every budget raises its thresholds' alerts as charges reach them.
 */

export const BUDGET_THRESHOLD_EVENT = 'budget.threshold_reached';
export const BUDGET_RESOLVED_EVENT = 'budget.threshold_resolved';

/** The scope values an event (or an interview) names: its opening, department and recruiter. */
export interface ScopeValues {
  openingId: string;
  department?: string | undefined;
  recruiterId?: string | undefined;
}

export function inScope(scope: BudgetScopeRef, v: ScopeValues): boolean {
  if (scope.kind === 'opening') return v.openingId === scope.value;
  if (scope.kind === 'department') return v.department === scope.value;
  return v.recruiterId === scope.value;
}

const scopeValuesOf = (r: InterviewRecord): ScopeValues => ({
  openingId: r.openingId,
  department: r.attribution?.department?.value,
  recruiterId: r.attribution?.recruiter?.value,
});

/** The `block` budgets used up now, in their current windows. */
export async function exhaustedBlocks(
  tx: Queryable,
  ctx: BillingContext,
  budgets: readonly BudgetRow[],
  now: Date,
): Promise<BudgetRow[]> {
  const blocks = budgets.filter((b) => b.onExhausted === 'block');
  if (blocks.length === 0) return [];
  const used = await usedInWindows(
    tx,
    ctx.tenantId,
    blocks.map((b) => ({ id: b.id, scope: b.scope, window: windowOf(b.window, ctx, now) })),
  );
  return blocks.filter((b) => (used.get(b.id) ?? 0) >= b.creditsMilli);
}

/** The refusal of a new interview held by a used-up budget; the message names the budget. */
export function budgetRefusal(b: BudgetRow) {
  return {
    code: 'budget_exhausted' as const,
    message:
      `The budget ${b.id} of ${milliToCredits(b.creditsMilli)} credits ${BUDGET_WINDOW_LABELS[b.window]} ` +
      `for ${b.scope.kind} ${b.scope.value} is used up and blocks new interviews in its scope; ` +
      'raise or remove it to continue.',
  };
}

/**
 * Raises the thresholds reached by the budgets whose scope holds one of the interviews just
 * charged, each once per window (budget_alerts' key), with an audit entry and a webhook queued
 * beside each, in the caller's transaction. Write it last: the audit holds the tenant's chain.
 */
export async function raiseBudgetAlerts(
  tx: Queryable,
  ctx: BillingContext,
  budgets: readonly BudgetRow[],
  charged: readonly InterviewRecord[],
  now: Date,
): Promise<void> {
  const scopes = charged.map(scopeValuesOf);
  await raiseReachedBudgetAlerts(
    tx,
    ctx,
    budgets.filter((b) => scopes.some((v) => inScope(b.scope, v))),
    now,
  );
}

/**
 * Raises each threshold the budgets' usage in their current windows has reached and no alert of
 * that window holds yet (once per window and threshold): after a charge in their scopes, and when
 * a budget is made or changed past a threshold already.
 */
export async function raiseReachedBudgetAlerts(
  tx: Queryable,
  ctx: BillingContext,
  budgets: readonly BudgetRow[],
  now: Date,
): Promise<void> {
  const watched = budgets.filter((b) => b.thresholds.length > 0);
  if (watched.length === 0) return;
  const withWindows = watched.map((b) => ({
    id: b.id,
    scope: b.scope,
    window: windowOf(b.window, ctx, now),
    b,
  }));
  const used = await usedInWindows(tx, ctx.tenantId, withWindows);
  const candidates = withWindows.flatMap(({ b, window }) => {
    const usedMilli = used.get(b.id) ?? 0;
    return reachedBudgetThresholds(b.thresholds, usedMilli, b.creditsMilli).map((t) => ({
      budget: b,
      window,
      threshold: t,
      usedMilli,
    }));
  });
  if (candidates.length === 0) return;
  const raised = await tx.query<{ budget_id: string; threshold_percent: number }>(
    `insert into budget_alerts (tenant_id, budget_id, window_key, threshold_percent, raised_at, used_milli, credits_milli)
     select $1, a.budget_id, a.window_key, a.threshold_percent, $2, a.used_milli, a.credits_milli
       from json_to_recordset($3::json)
         as a(budget_id uuid, window_key text, threshold_percent int, used_milli bigint, credits_milli bigint)
     on conflict do nothing
     returning budget_id, threshold_percent`,
    [
      ctx.tenantId,
      now,
      JSON.stringify(
        candidates.map((c) => ({
          budget_id: c.budget.id,
          window_key: c.window.key,
          threshold_percent: c.threshold,
          used_milli: c.usedMilli,
          credits_milli: c.budget.creditsMilli,
        })),
      ),
    ],
  );
  if (raised.length === 0) return;
  const isRaised = new Set(raised.map((r) => `${r.budget_id}:${r.threshold_percent}`));
  const alerts = candidates.filter((c) => isRaised.has(`${c.budget.id}:${c.threshold}`));
  const payloads = alerts.map((c) => budgetAlertData(c.budget, c.window, c.threshold, c.usedMilli));
  const deliveries = payloads.map((data) => webhookEvent(BUDGET_THRESHOLD_EVENT, now, data));
  await queueDeliveries(tx, ctx.tenantId, BUDGET_THRESHOLD_EVENT, deliveries, now);
  for (const data of payloads) {
    await writeAudit(tx, ctx.tenantId, { actor: 'system', at: now }, BUDGET_THRESHOLD_EVENT, data);
  }
}

/** What a budget alert's webhook says: the budget, its window, the threshold and the usage against it. */
function budgetAlertData(
  b: BudgetRow,
  window: BudgetWindowDays,
  thresholdPercent: number,
  usedMilli: number,
) {
  return {
    budgetId: b.id,
    scope: b.scope,
    window: b.window,
    windowStart: window.from,
    windowEnd: window.to,
    thresholdPercent,
    percentUsed: percentUsed(usedMilli, b.creditsMilli),
    used: milliToCredits(usedMilli),
    credits: milliToCredits(b.creditsMilli),
    onExhausted: b.onExhausted,
  };
}

/**
 * After usage fell or a limit rose (a reversal, a changed budget): resolves each open alert of a
 * budget's current window whose threshold the usage is now below, which re-arms it, with a
 * `budget.threshold_resolved` webhook (and its emails) and an audit entry for each; in the caller's
 * transaction. Write it last: the audit holds the tenant's chain.
 */
export async function resolveBudgetAlerts(
  tx: Queryable,
  ctx: BillingContext,
  budgets: readonly BudgetRow[],
  now: Date,
): Promise<void> {
  if (budgets.length === 0) return;
  const open = await tx.query<{
    id: string;
    budget_id: string;
    window_key: string;
    threshold_percent: number;
  }>(
    `select id::text, budget_id::text, window_key, threshold_percent from budget_alerts
      where tenant_id = $1 and resolved_at is null`,
    [ctx.tenantId],
  );
  const alerted = budgets.filter((b) => open.some((a) => a.budget_id === b.id));
  if (alerted.length === 0) return;
  const windows = alerted.map((b) => ({ id: b.id, scope: b.scope, window: windowOf(b.window, ctx, now), b }));
  const used = await usedInWindows(tx, ctx.tenantId, windows);
  const recovered = open.flatMap((a) => {
    const w = windows.find((x) => x.id === a.budget_id);
    if (!w || w.window.key !== a.window_key) return [];
    const usedMilli = used.get(w.id) ?? 0;
    if (reachedBudgetThresholds([a.threshold_percent], usedMilli, w.b.creditsMilli).length > 0) return [];
    return [
      { alertId: a.id, data: budgetAlertData(w.b, w.window, a.threshold_percent, usedMilli), usedMilli },
    ];
  });
  if (recovered.length === 0) return;
  await tx.query(
    `update budget_alerts a set resolved_at = $2, resolved_used_milli = r.used_milli
       from json_to_recordset($3::json) as r(id bigint, used_milli bigint)
      where a.tenant_id = $1 and a.id = r.id`,
    [ctx.tenantId, now, JSON.stringify(recovered.map((r) => ({ id: r.alertId, used_milli: r.usedMilli })))],
  );
  const deliveries = recovered.map((r) => webhookEvent(BUDGET_RESOLVED_EVENT, now, r.data));
  await queueDeliveries(tx, ctx.tenantId, BUDGET_RESOLVED_EVENT, deliveries, now);
  for (const r of recovered) {
    await writeAudit(tx, ctx.tenantId, { actor: 'system', at: now }, BUDGET_RESOLVED_EVENT, r.data);
  }
}
