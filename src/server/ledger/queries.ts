import { DateTime } from 'luxon';
import { ledgerActorName } from '../../shared/actors.js';
import { localDate } from '../../shared/calendar.js';
import {
  EXPIRY_WARNING_DAYS,
  type LedgerKind,
  LOT_KINDS,
  type LotKind,
} from '../../shared/contract/credits.js';
import type { Queryable } from '../db/database.js';
import { type Account, readAccount } from './account.js';
import { PERIOD_LOT_KINDS } from './close.js';
import { periodContaining } from './periods.js';
import type { BillingContext } from './plans.js';

/** A billing period and the allotment it grants. */
export interface PeriodAllotment {
  start: Date;
  end: Date;
  allotmentMilli: number;
}

export interface LotView {
  id: string;
  kind: LotKind;
  amountMilli: number;
  remainingMilli: number;
  grantedAt: Date;
  expiresAt: Date | null;
}

/** Credits that expire together on one date, and where they came from. */
export interface ExpiryView {
  milli: number;
  expiresAt: Date;
  kinds: LotKind[];
}

export interface BalanceView extends Account {
  period: PeriodAllotment;
  lots: LotView[];
  /** Credits left in open lots by kind; their sum less the overage is the balance. */
  breakdownMilli: Record<LotKind, number>;
  nextExpiry: ExpiryView | null;
  expiringSoon: ExpiryView | null;
  purchasedThisPeriod: { milli: number; totalCents: number; currency: string };
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

/**
 * The earliest day (in the tenant's zone) on which credits expire for good, its first expiry and
 * every credit expiring that day: purchased and given-back lots end on their own dates, while the
 * period's lots (grant, rollover) expire or roll over at the period's end as the plan says, so they
 * are not counted (docs/product.md, The balance).
 */
export function nextExpiryOf(lots: readonly LotView[], timeZone: string): ExpiryView | null {
  const own = lots.filter(
    (l): l is LotView & { expiresAt: Date } =>
      l.expiresAt !== null && l.remainingMilli > 0 && !PERIOD_LOT_KINDS.includes(l.kind),
  );
  if (own.length === 0) return null;
  const first = Math.min(...own.map((l) => l.expiresAt.getTime()));
  const day = localDate(new Date(first), timeZone);
  const due = own.filter((l) => localDate(l.expiresAt, timeZone) === day);
  return {
    milli: due.reduce((sum, l) => sum + l.remainingMilli, 0),
    expiresAt: new Date(first),
    kinds: LOT_KINDS.filter((k) => due.some((l) => l.kind === k)),
  };
}

/** `expiry` when it falls within EXPIRY_WARNING_DAYS of `now`, counted in days of the tenant's zone. */
export function expiringSoon(expiry: ExpiryView | null, now: Date, timeZone: string): ExpiryView | null {
  if (!expiry) return null;
  const limit = DateTime.fromJSDate(now, { zone: timeZone }).plus({ days: EXPIRY_WARNING_DAYS });
  return expiry.expiresAt.getTime() <= limit.toMillis() ? expiry : null;
}

/** Balance, period, every lot with credits left, where the credits came from and when they expire. */
export async function balanceOf(tx: Queryable, ctx: BillingContext, now: Date): Promise<BalanceView> {
  const { tenantId } = ctx;
  const account = await readAccount(tx, tenantId, { lock: false });
  const period = await currentPeriod(tx, ctx, now);
  const rows = await tx.query<{
    id: string;
    kind: LotKind;
    amount_milli: number;
    remaining_milli: number;
    granted_at: Date;
    expires_at: Date | null;
  }>(
    `select id, kind, amount_milli, remaining_milli, granted_at, expires_at from credit_lots
      where tenant_id = $1 and remaining_milli > 0 order by expires_at nulls last, granted_at`,
    [tenantId],
  );
  const lots = rows.map((l) => ({
    id: l.id,
    kind: l.kind,
    amountMilli: Number(l.amount_milli),
    remainingMilli: Number(l.remaining_milli),
    grantedAt: l.granted_at,
    expiresAt: l.expires_at,
  }));
  const breakdownMilli = Object.fromEntries(LOT_KINDS.map((k) => [k, 0])) as Record<LotKind, number>;
  for (const l of lots) breakdownMilli[l.kind] += l.remainingMilli;
  // Purchases are priced in the plan's currency; the period's are what the next invoice bills.
  const [bought] = await tx.query<{ milli: string; cents: string }>(
    `select coalesce(sum(credits_milli), 0)::text as milli, coalesce(sum(total_cents), 0)::text as cents
       from purchases where tenant_id = $1 and currency = $2 and created_at >= $3 and created_at < $4`,
    [tenantId, ctx.plan.currency, period.start, period.end],
  );
  const nextExpiry = nextExpiryOf(lots, ctx.timeZone);
  return {
    ...account,
    period,
    lots,
    breakdownMilli,
    nextExpiry,
    expiringSoon: expiringSoon(nextExpiry, now, ctx.timeZone),
    purchasedThisPeriod: {
      milli: Number(bought?.milli ?? 0),
      totalCents: Number(bought?.cents ?? 0),
      currency: ctx.plan.currency,
    },
  };
}

export interface LedgerEntryView {
  id: number;
  kind: LedgerKind;
  amountMilli: number;
  lotId: string | null;
  interviewId: string | null;
  rule: string | null;
  ruleVersion: number | null;
  reason: string | null;
  reference: string | null;
  openingId: string | null;
  jobTitle: string | null;
  candidateId: string | null;
  effectiveAt: Date;
  createdAt: Date;
  actor: string;
  actorName: string;
}

export interface LedgerFilter {
  interviewId?: string;
  kinds?: readonly LedgerKind[];
}

/** The filters' conditions on `ledger_entries e`, their parameters after the tenant's ($1). */
function ledgerWhere(tenantId: string, filter: LedgerFilter): { where: string[]; params: unknown[] } {
  const params: unknown[] = [tenantId];
  const where = ['e.tenant_id = $1'];
  if (filter.interviewId !== undefined) {
    params.push(filter.interviewId);
    where.push(`e.interview_id = $${params.length}`);
  }
  if (filter.kinds !== undefined) {
    params.push(filter.kinds);
    where.push(`e.kind = any($${params.length}::text[])`);
  }
  return { where, params };
}

/**
 * A page of the ledger, newest first by when each entry took effect, entries of one instant by id
 * (the later written first), by keyset: `after` is the id of the last entry of the page before,
 * and the next page goes on from that entry's place in the order (migration 011 indexes it). Each
 * entry carries its interview's opening, job title and candidate, and its actor's name
 * (docs/product.md, The ledger). Undefined when `after` names no entry of the tenant.
 */
export async function ledgerPage(
  tx: Queryable,
  tenantId: string,
  opts: LedgerFilter & { limit: number; after?: number },
): Promise<LedgerEntryView[] | undefined> {
  const { where, params } = ledgerWhere(tenantId, opts);
  if (opts.after !== undefined) {
    const [cursor] = await tx.query<{ effective_at: Date }>(
      'select effective_at from ledger_entries where tenant_id = $1 and id = $2',
      [tenantId, opts.after],
    );
    if (!cursor) return undefined;
    params.push(cursor.effective_at, opts.after);
    where.push(`(e.effective_at, e.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  params.push(opts.limit);
  const rows = await tx.query<Record<string, unknown>>(
    `select e.id, e.kind, e.amount_milli, e.lot_id, e.interview_id, e.rule, e.rule_version, e.reason,
            e.reference, e.effective_at, e.created_at, e.actor, i.opening_id, o.job_title, i.candidate_id,
            coalesce((select u.name from users u
                       where e.actor like 'user:%' and u.tenant_id = e.tenant_id
                         and lower(u.email) = lower(substr(e.actor, 6))),
                     (select k.name from api_keys k
                       where e.actor like 'api_key:%' and k.tenant_id = e.tenant_id
                         and k.id::text = substr(e.actor, 9))) as actor_name
       from ledger_entries e
       left join interviews i on i.tenant_id = e.tenant_id and i.id = e.interview_id
       left join openings o on o.tenant_id = i.tenant_id and o.id = i.opening_id
      where ${where.join(' and ')}
      order by e.effective_at desc, e.id desc limit $${params.length}`,
    params,
  );
  return rows.map((r) => {
    const kind = r.kind as LedgerKind;
    const actor = r.actor as string;
    return {
      id: Number(r.id),
      kind,
      amountMilli: Number(r.amount_milli),
      lotId: (r.lot_id as string | null) ?? null,
      interviewId: (r.interview_id as string | null) ?? null,
      rule: (r.rule as string | null) ?? null,
      ruleVersion: r.rule_version === null ? null : Number(r.rule_version),
      reason: (r.reason as string | null) ?? null,
      reference: (r.reference as string | null) ?? null,
      openingId: (r.opening_id as string | null) ?? null,
      jobTitle: (r.job_title as string | null) ?? null,
      candidateId: (r.candidate_id as string | null) ?? null,
      effectiveAt: r.effective_at as Date,
      createdAt: r.created_at as Date,
      actor,
      actorName: ledgerActorName(actor, (r.actor_name as string | null) ?? null, kind === 'consumption'),
    };
  });
}

/** How many entries the filters match, all pages. */
export async function ledgerCount(tx: Queryable, tenantId: string, filter: LedgerFilter): Promise<number> {
  const { where, params } = ledgerWhere(tenantId, filter);
  const [row] = await tx.query<{ n: number }>(
    `select count(*)::int as n from ledger_entries e where ${where.join(' and ')}`,
    params,
  );
  return Number(row?.n ?? 0);
}
