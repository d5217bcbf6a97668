import { MILLI_PER_CREDIT, milliToCredits } from '../../shared/credits.js';
import { checkBudget } from '../budgets/input.js';
import { createBudget } from '../budgets/store.js';
import { type BudgetWindowDays, usedInWindows, windowOf } from '../budgets/usage.js';
import type { Database, Queryable } from '../db/database.js';
import { loadBillingContext } from '../ledger/plans.js';

/** Who sets the demo's budgets: Acme's account admin. */
const ADMIN = 'user:admin@acme.test';
const ALL_TIME: BudgetWindowDays = { from: null, to: null, key: 'total' };

/** The opening that used the most credits in the window, with what it used (milli). */
async function busiestOpening(tx: Queryable, tenantId: string, w: BudgetWindowDays) {
  const [top] = await tx.query<{ opening_id: string; used_milli: string | number }>(
    `select opening_id, sum(credits_milli) as used_milli from daily_usage
      where tenant_id = $1 and day between $2::date and $3::date
      group by opening_id order by sum(credits_milli) desc, opening_id limit 1`,
    [tenantId, w.from ?? '-infinity', w.to ?? 'infinity'],
  );
  return top && { openingId: top.opening_id, usedMilli: Number(top.used_milli) };
}

/** Tenths of a credit, rounded up: `usedMilli` is `share` of them, or a little more. */
const creditsFor = (usedMilli: number, share: number) =>
  Math.max(0.1, Math.ceil((usedMilli / share / MILLI_PER_CREDIT) * 10) / 10);

/**
 * Two budgets for Acme (docs/product.md, Budgets), sized from its own usage so they read true at
 * any scale and date: its busiest opening of the billing period (of all time, early in a period
 * with less than a credit used) blocks at about 85 % used, past its 80 % threshold, so the
 * console's banner shows it; and Sales alerts at about 60 % of the period's budget.
 */
export async function addDemoBudgets(db: Database, now: Date): Promise<void> {
  const [acme] = await db.query<{ id: string }>(`select id from system_tenants() where slug = 'acme'`);
  if (!acme) return;
  const tenantId = acme.id;
  const { opening, salesMilli } = await db.withTenant(tenantId, async (tx) => {
    const period = windowOf('billing_period', await loadBillingContext(tx, tenantId), now);
    const inPeriod = await busiestOpening(tx, tenantId, period);
    const busiest =
      inPeriod && inPeriod.usedMilli >= MILLI_PER_CREDIT
        ? { ...inPeriod, window: 'billing_period' as const }
        : { ...(await busiestOpening(tx, tenantId, ALL_TIME)), window: 'total' as const };
    const sales = await usedInWindows(tx, tenantId, [
      { id: 'sales', scope: { kind: 'department', value: 'Sales' }, window: period },
    ]);
    return { opening: busiest, salesMilli: sales.get('sales') ?? 0 };
  });
  const audit = { actor: ADMIN, at: now };
  if (opening.openingId !== undefined && opening.usedMilli !== undefined) {
    const settings = checkBudget({
      scope: { kind: 'opening', value: opening.openingId },
      credits: creditsFor(opening.usedMilli, 0.85),
      window: opening.window,
      onExhausted: 'block',
    });
    await createBudget(db, tenantId, settings, audit);
  }
  const settings = checkBudget({
    scope: { kind: 'department', value: 'Sales' },
    credits: Math.max(10, Math.ceil(milliToCredits(salesMilli) / 0.6 / 10) * 10),
    window: 'billing_period',
    onExhausted: 'alert',
    thresholds: [50, 80, 100],
  });
  await createBudget(db, tenantId, settings, audit);
}
