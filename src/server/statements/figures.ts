import { localDate } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import { addDays } from '../../shared/local-dates.js';
import type { Queryable } from '../db/database.js';
import type { BillingContext } from '../ledger/plans.js';

/**
 * One billing period's statement in thousandths of a credit (docs/product.md, Statements): every
 * figure a sum of ledger entries, so the statement is the ledger's, the JSON list and the PDF alike.
 */
export interface StatementFigures {
  periodStart: string;
  /** The period's last local date. */
  periodEnd: string;
  start: Date;
  end: Date;
  closed: boolean;
  openingMilli: number;
  grantsMilli: number;
  rolloverMilli: number;
  purchasesMilli: number;
  autoTopUpsMilli: number;
  consumptionMilli: number;
  /** The openings that consumed most in the period, most first; the rest is `otherOpeningsMilli`. */
  topOpenings: OpeningConsumption[];
  otherOpeningsMilli: number;
  reversalsMilli: number;
  adjustmentsMilli: number;
  expiryMilli: number;
  closingMilli: number;
  /** Null for the period in progress. */
  rolledOverMilli: number | null;
}

/** How many openings a statement names in its consumption; the others are summed. */
export const TOP_OPENINGS = 5;

export interface OpeningConsumption {
  openingId: string;
  jobTitle: string | null;
  milli: number;
}

interface Bucket {
  /** The period the entries belong to; null before the first period. */
  start: Date | null;
  kind: string;
  milli: number;
}

/** The tenant's billing periods, each until the next starts (the latest for ever), to place entries in. */
const PERIODS_SQL = `periods as (
  select start_at, coalesce(lead(start_at) over (order by start_at), 'infinity') as until
    from billing_periods where tenant_id = $1
)`;

/**
 * Sums of the ledger by the period each entry belongs to and by kind. An entry belongs to the
 * period its effectiveAt falls in, except an expiry at a period's end instant: the credits expired
 * because that period ended, so it is the ending period's (the next period's rollover and grant,
 * written at the same instant, are the next one's). Entries past the latest period's end belong to it.
 */
async function ledgerBuckets(tx: Queryable, tenantId: string): Promise<Bucket[]> {
  const rows = await tx.query<{ start_at: Date | null; kind: string; milli: string }>(
    `with ${PERIODS_SQL}, placed as (
       select kind, amount_milli,
              effective_at - case when kind = 'expiry' then interval '1 microsecond' else interval '0' end as at
         from ledger_entries where tenant_id = $1
     )
     select p.start_at, e.kind, sum(e.amount_milli)::text as milli
       from placed e left join periods p on e.at >= p.start_at and e.at < p.until
      group by p.start_at, e.kind`,
    [tenantId],
  );
  return rows.map((r) => ({
    start: r.start_at === null ? null : new Date(r.start_at),
    kind: r.kind,
    milli: Number(r.milli),
  }));
}

/** Consumption by period and opening: its charges' interviews' openings. */
async function consumptionByOpening(
  tx: Queryable,
  tenantId: string,
): Promise<(OpeningConsumption & { start: Date | null })[]> {
  const rows = await tx.query<{
    start_at: Date | null;
    opening_id: string;
    job_title: string | null;
    milli: string;
  }>(
    `with ${PERIODS_SQL}, charged as (
       select p.start_at, e.interview_id, sum(e.amount_milli) as milli
         from ledger_entries e
         left join periods p on e.effective_at >= p.start_at and e.effective_at < p.until
        where e.tenant_id = $1 and e.kind = 'consumption'
        group by p.start_at, e.interview_id
     )
     select c.start_at, i.opening_id, o.job_title, (-sum(c.milli))::text as milli
       from charged c
       join interviews i on i.tenant_id = $1 and i.id = c.interview_id
       left join openings o on o.tenant_id = $1 and o.id = i.opening_id
      group by c.start_at, i.opening_id, o.job_title`,
    [tenantId],
  );
  return rows.map((r) => ({
    start: r.start_at === null ? null : new Date(r.start_at),
    openingId: r.opening_id,
    jobTitle: r.job_title,
    milli: Number(r.milli),
  }));
}

/** The statements of every closed period and of the one in progress, newest first. */
export async function statementsOf(tx: Queryable, ctx: BillingContext): Promise<StatementFigures[]> {
  const periods = await tx.query<{ start_at: Date; end_at: Date; closed_at: Date | null }>(
    'select start_at, end_at, closed_at from billing_periods where tenant_id = $1 order by start_at',
    [ctx.tenantId],
  );
  const buckets = await ledgerBuckets(tx, ctx.tenantId);
  const byOpening = await consumptionByOpening(tx, ctx.tenantId);
  const sumOf = (start: Date | null, kind?: string) =>
    buckets
      .filter((b) => b.start?.getTime() === start?.getTime() && (kind === undefined || b.kind === kind))
      .reduce((sum, b) => sum + b.milli, 0);

  let opening = sumOf(null);
  const out: StatementFigures[] = [];
  periods.forEach((p, i) => {
    const start = new Date(p.start_at);
    const end = new Date(p.end_at);
    const next = periods[i + 1];
    const closed = p.closed_at !== null;
    // What the close carried into the next period: that period's rollover, written at this one's end.
    const rolledOver = closed && next ? sumOf(new Date(next.start_at), 'rollover') : closed ? 0 : null;
    const net = sumOf(start);
    const openings = byOpening
      .filter((o) => o.start?.getTime() === start.getTime() && o.milli !== 0)
      .sort((a, b) => b.milli - a.milli || a.openingId.localeCompare(b.openingId))
      .map(({ openingId, jobTitle, milli }) => ({ openingId, jobTitle, milli }));
    const consumption = -sumOf(start, 'consumption');
    const top = openings.slice(0, TOP_OPENINGS);
    // At the close every credit of the period's lots expires, and the rolled part comes back as the
    // next period's rollover: the statement counts only what was lost for good as expired.
    const carried = rolledOver ?? 0;
    out.push({
      periodStart: localDate(start, ctx.timeZone),
      periodEnd: addDays(localDate(end, ctx.timeZone), -1),
      start,
      end,
      closed,
      openingMilli: opening,
      grantsMilli: sumOf(start, 'grant'),
      rolloverMilli: sumOf(start, 'rollover'),
      purchasesMilli: sumOf(start, 'purchase'),
      autoTopUpsMilli: sumOf(start, 'auto_top_up'),
      consumptionMilli: consumption,
      topOpenings: top,
      otherOpeningsMilli: consumption - top.reduce((sum, o) => sum + o.milli, 0),
      reversalsMilli: sumOf(start, 'reversal'),
      adjustmentsMilli: sumOf(start, 'adjustment'),
      expiryMilli: -sumOf(start, 'expiry') - carried,
      closingMilli: opening + net + carried,
      rolledOverMilli: rolledOver,
    });
    opening += net;
  });
  // Periods are written in order and only the latest is open; an older open one has no statement.
  return out.filter((s, i) => s.closed || i === out.length - 1).reverse();
}

/** A statement as the API and the `period.closed` webhook give it: every figure in credits. */
export function statementInCredits(s: StatementFigures) {
  return {
    periodStart: s.periodStart,
    periodEnd: s.periodEnd,
    closed: s.closed,
    openingBalance: milliToCredits(s.openingMilli),
    grants: milliToCredits(s.grantsMilli),
    rollover: milliToCredits(s.rolloverMilli),
    purchases: milliToCredits(s.purchasesMilli),
    autoTopUps: milliToCredits(s.autoTopUpsMilli),
    consumption: milliToCredits(s.consumptionMilli),
    topOpenings: s.topOpenings.map((o) => ({
      openingId: o.openingId,
      jobTitle: o.jobTitle,
      consumption: milliToCredits(o.milli),
    })),
    otherOpenings: milliToCredits(s.otherOpeningsMilli),
    reversals: milliToCredits(s.reversalsMilli),
    adjustments: milliToCredits(s.adjustmentsMilli),
    expiry: milliToCredits(s.expiryMilli),
    closingBalance: milliToCredits(s.closingMilli),
    rolledOver: s.rolledOverMilli === null ? null : milliToCredits(s.rolledOverMilli),
  };
}
