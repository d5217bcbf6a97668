import { addDays, addMonthsClamped, startOfMonth } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import { NO_FILTER, type UsageFilter } from '../../shared/filters.js';
import { binder, usageRows } from '../consumption/filters.js';
import { usageByBucket, usageTotals } from '../consumption/queries.js';
import type { DateRange } from '../consumption/range.js';
import type { Queryable } from '../db/database.js';
import { readAccount } from '../ledger/account.js';
import { loadOpenLots } from '../ledger/postings.js';
import { RECENT_DAYS } from './models/recent-mean.js';
import type { SimLot } from './runway.js';

/** At most this many complete months of history are read (the console's own longest range). */
export const MAX_HISTORY_MONTHS = 60;
/** A first month with usage starting after this day of the month is partial: history starts the month after. */
const LATEST_FULL_START_DAY = 7;
/** Credits per invitation are read over the last year, up to two weeks ago (recent invitations are still open). */
const RATE_WINDOW_MONTHS = 12;
const RATE_LAG_DAYS = 14;
/** Invitations from longer ago than this many days no longer count as likely to complete. */
const OPEN_INVITATION_DAYS = 30;

export interface TenantHistory {
  /** The first day with any usage, or null. */
  firstDay: string | null;
  /**
   * The complete months read, oldest first ('YYYY-MM-01' → credits): from the later of the first
   * whole month of usage and the window's start, to the month before the current one. Every one
   * was read, so a month without usage is a real zero.
   */
  months: { month: string; credits: number }[];
  /** True when usage began before the months read (older months are not read). */
  truncated: boolean;
  /** Credits used so far in the current month. */
  currentMonthSoFar: number;
  /** Credits per day over the latest RECENT_DAYS days before today ('YYYY-MM-DD' → credits). */
  daily: Map<string, number>;
}

/** The first month whose history is whole: the first usage month, unless usage began late in it. */
function firstWholeMonth(firstDay: string): string {
  const start = startOfMonth(firstDay);
  return Number(firstDay.slice(8, 10)) <= LATEST_FULL_START_DAY ? start : addMonthsClamped(start, 1);
}

/**
 * The first month a forecast reads: the later of the first whole month of usage and the start of
 * the window of MAX_HISTORY_MONTHS complete months before `today`'s month.
 */
export function firstMonthRead(firstDay: string, today: string): { month: string; truncated: boolean } {
  const windowStart = addMonthsClamped(startOfMonth(today), -MAX_HISTORY_MONTHS);
  const whole = firstWholeMonth(firstDay);
  // Local dates compare as strings.
  return whole < windowStart ? { month: windowStart, truncated: true } : { month: whole, truncated: false };
}

/** Credits used per complete month and per recent day, from the per-tenant daily rollup (or the filter's). */
export async function loadHistory(
  tx: Queryable,
  tenantId: string,
  today: string,
  filter: UsageFilter = NO_FILTER,
): Promise<TenantHistory> {
  const params: unknown[] = [tenantId, today];
  const [row] = await tx.query<{ first_day: string | null }>(
    `select to_char(min(u.day), 'YYYY-MM-DD') as first_day from ${usageRows('tenant', filter, binder(params))} u
      where u.tenant_id = $1 and u.day <= $2 and (u.credits_milli <> 0 or u.invited <> 0)`,
    params,
  );
  const firstDay = row?.first_day ?? null;
  if (firstDay === null) {
    return { firstDay, months: [], truncated: false, currentMonthSoFar: 0, daily: new Map() };
  }
  const currentMonth = startOfMonth(today);
  const first = firstMonthRead(firstDay, today);
  const toCredits = (sums: Map<string, { creditsMilli: number }>) =>
    new Map([...sums].map(([k, c]) => [k, milliToCredits(c.creditsMilli)]));
  // Local dates compare as strings: the earlier of the first month read and the current one.
  const from = [first.month, currentMonth].sort()[0] as string;
  const monthly = toCredits(await usageByBucket(tx, tenantId, { from, to: today }, 'month', filter));
  const months: TenantHistory['months'] = [];
  for (let m = first.month; m < currentMonth; m = addMonthsClamped(m, 1)) {
    months.push({ month: m, credits: monthly.get(m) ?? 0 });
  }
  const recent: DateRange = { from: addDays(today, -RECENT_DAYS), to: addDays(today, -1) };
  const daily = toCredits(await usageByBucket(tx, tenantId, recent, 'day', filter));
  return {
    firstDay,
    months,
    truncated: first.truncated,
    currentMonthSoFar: monthly.get(currentMonth) ?? 0,
    daily,
  };
}

/**
 * Credits per invited candidate over the last year (null without invitations): at one credit per
 * completed interview, what the planner takes as the tenant's observed completion.
 */
export async function creditsPerInvitation(
  tx: Queryable,
  tenantId: string,
  today: string,
  filter: UsageFilter = NO_FILTER,
): Promise<number | null> {
  const to = addDays(today, -RATE_LAG_DAYS);
  const totals = await usageTotals(
    tx,
    tenantId,
    { from: addMonthsClamped(to, -RATE_WINDOW_MONTHS), to },
    filter,
  );
  if (totals.invited === 0) return null;
  return Math.min(1, Math.max(0, milliToCredits(totals.creditsMilli) / totals.invited));
}

/**
 * Interviews invited on one of the last OPEN_INVITATION_DAYS local days (today included) and still
 * invited or started, as ingest keeps them per day of invitation (docs/product.md, Forecast).
 */
export async function openInvitations(tx: Queryable, tenantId: string, today: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `select coalesce(sum(open_invitations), 0)::int as n from open_invitation_days
      where tenant_id = $1 and day > $2::date`,
    [tenantId, addDays(today, -OPEN_INVITATION_DAYS)],
  );
  return Number(row?.n ?? 0);
}

export interface LedgerState {
  balanceMilli: number;
  overageMilli: number;
  lots: SimLot[];
}

/** The balance and open lots (as ingest draws from them, with each lot's kind). */
export async function loadLedgerState(tx: Queryable, tenantId: string, now: Date): Promise<LedgerState> {
  return {
    ...(await readAccount(tx, tenantId, { lock: false })),
    lots: await loadOpenLots(tx, tenantId, now),
  };
}
