import type { Queryable } from '../db/database.js';
import { maybeOne } from '../db/database.js';
import type { BillingPeriod } from './periods.js';
import { periodAt, periodContaining } from './periods.js';
import type { BillingContext } from './plans.js';

/** The tenant's latest opened billing period, as the period arithmetic sees it. */
export async function latestPeriod(tx: Queryable, ctx: BillingContext): Promise<BillingPeriod | undefined> {
  const row = await maybeOne<{ start_at: Date }>(
    tx,
    'select start_at from billing_periods where tenant_id = $1 order by start_at desc limit 1',
    [ctx.tenantId],
  );
  if (!row) return undefined;
  return periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, new Date(row.start_at));
}

export const periodIndexOf = (ctx: BillingContext, at: Date) =>
  periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, at).index;

export const periodByIndex = (ctx: BillingContext, index: number) =>
  periodAt(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, index);
