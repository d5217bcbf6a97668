import type { Queryable } from '../db/database.js';
import { type Account, readAccount } from './account.js';
import { periodContaining } from './periods.js';
import type { BillingContext } from './plans.js';

/** A billing period and the allotment it grants. */
export interface PeriodAllotment {
  start: Date;
  end: Date;
  allotmentMilli: number;
}

export interface BalanceView extends Account {
  period: PeriodAllotment;
  lots: {
    id: string;
    kind: string;
    amountMilli: number;
    remainingMilli: number;
    grantedAt: Date;
    expiresAt: Date | null;
  }[];
}

/**
 * The billing period in force at `now` and its allotment, the one source of "the period's allotment"
 * (docs/product.md, Ledger and periods): the period opened last at `now`, with the allotment stored
 * when it opened, so a plan changed mid-period changes only the periods opened after. Before the
 * tenant's first period opens, the period `now` falls in and the allotment the plan will grant it.
 */
export async function currentPeriod(tx: Queryable, ctx: BillingContext, now: Date): Promise<PeriodAllotment> {
  const [period] = await tx.query<{ start_at: Date; end_at: Date; allotment_milli: number }>(
    `select start_at, end_at, allotment_milli from billing_periods
      where tenant_id = $1 and start_at <= $2 order by start_at desc limit 1`,
    [ctx.tenantId, now],
  );
  if (period) {
    return { start: period.start_at, end: period.end_at, allotmentMilli: Number(period.allotment_milli) };
  }
  const { start, end } = periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, now);
  return { start, end, allotmentMilli: ctx.plan.allotmentMilli };
}

/** Balance, period and every lot with credits left: what the Plan & credits page shows. */
export async function balanceOf(tx: Queryable, ctx: BillingContext, now: Date): Promise<BalanceView> {
  const { tenantId } = ctx;
  const account = await readAccount(tx, tenantId, { lock: false });
  const period = await currentPeriod(tx, ctx, now);
  const lots = await tx.query<{
    id: string;
    kind: string;
    amount_milli: number;
    remaining_milli: number;
    granted_at: Date;
    expires_at: Date | null;
  }>(
    `select id, kind, amount_milli, remaining_milli, granted_at, expires_at from credit_lots
      where tenant_id = $1 and remaining_milli > 0 order by expires_at nulls last, granted_at`,
    [tenantId],
  );
  return {
    ...account,
    period,
    lots: lots.map((l) => ({
      id: l.id,
      kind: l.kind,
      amountMilli: Number(l.amount_milli),
      remainingMilli: Number(l.remaining_milli),
      grantedAt: l.granted_at,
      expiresAt: l.expires_at,
    })),
  };
}

export interface LedgerEntryView {
  id: number;
  kind: string;
  amountMilli: number;
  lotId: string | null;
  interviewId: string | null;
  rule: string | null;
  ruleVersion: number | null;
  reason: string | null;
  reference: string | null;
  effectiveAt: Date;
  createdAt: Date;
  actor: string;
}

/** Newest first, a page at a time by keyset (`before` an entry id), so deep pages stay fast. */
export async function ledgerPage(
  tx: Queryable,
  tenantId: string,
  opts: { limit: number; before?: number; interviewId?: string },
): Promise<LedgerEntryView[]> {
  const rows = await tx.query<Record<string, unknown>>(
    `select id, kind, amount_milli, lot_id, interview_id, rule, rule_version, reason, reference, effective_at,
            created_at, actor
       from ledger_entries
      where tenant_id = $1 and ($2::bigint is null or id < $2) and ($3::text is null or interview_id = $3)
      order by id desc limit $4`,
    [tenantId, opts.before ?? null, opts.interviewId ?? null, opts.limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as string,
    amountMilli: Number(r.amount_milli),
    lotId: (r.lot_id as string | null) ?? null,
    interviewId: (r.interview_id as string | null) ?? null,
    rule: (r.rule as string | null) ?? null,
    ruleVersion: r.rule_version === null ? null : Number(r.rule_version),
    reason: (r.reason as string | null) ?? null,
    reference: (r.reference as string | null) ?? null,
    effectiveAt: r.effective_at as Date,
    createdAt: r.created_at as Date,
    actor: r.actor as string,
  }));
}
