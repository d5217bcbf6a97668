import {
  addDays,
  addMonthsClamped,
  calendarMonthsBetween,
  daysBetween,
  isValidDate,
  localDate,
  startOfLocalDate,
} from '../../shared/calendar.js';
import { MAX_RANGE_DAYS } from '../../shared/local-dates.js';
import { DomainError } from '../errors.js';
import { periodContaining } from '../ledger/periods.js';
import type { BillingContext } from '../ledger/plans.js';

/** A range of local dates, both ends included. */
export interface DateRange {
  from: string;
  to: string;
}

/**
 * The dates a range may hold. Its figures reach past its ends (the range before it, for the
 * summary's comparison; whole weeks and months; the day after it), and those dates must stay in
 * the calendar (years 1…9999): the range before 0001-01-01 is in year 0, the day after 9999-12-31
 * in year 10000. Usage exists from 2000 on, so these bounds refuse no question with an answer.
 */
export const EARLIEST_RANGE_DATE = '1900-01-01';
export const LATEST_RANGE_DATE = '2999-12-31';

/** The days from `from` to `to` inclusive. */
export const rangeDays = (r: DateRange) => daysBetween(r.from, r.to) + 1;

/**
 * The range a console request asks for: `from`/`to` as given (both or neither), else the
 * current billing period. Bad dates, dates outside EARLIEST_RANGE_DATE … LATEST_RANGE_DATE, a
 * reversed range and ranges over five years are refused.
 */
export function resolveRange(q: { from?: string; to?: string }, ctx: BillingContext, now: Date): DateRange {
  if (q.from === undefined && q.to === undefined) return currentPeriodRange(ctx, now);
  if (q.from === undefined || q.to === undefined) {
    throw new DomainError(
      'invalid_range',
      'Give both from and to, or neither for the current billing period.',
    );
  }
  for (const [name, value] of [
    ['from', q.from],
    ['to', q.to],
  ] as const) {
    if (!isValidDate(value))
      throw new DomainError('invalid_date', `${name} must be a date as YYYY-MM-DD, got ${value}.`);
    if (value < EARLIEST_RANGE_DATE || value > LATEST_RANGE_DATE) {
      throw new DomainError(
        'invalid_date',
        `${name} must be from ${EARLIEST_RANGE_DATE} to ${LATEST_RANGE_DATE}, got ${value}.`,
      );
    }
  }
  const range = { from: q.from, to: q.to };
  if (range.from > range.to) throw new DomainError('invalid_range', 'from must not be after to.');
  if (rangeDays(range) > MAX_RANGE_DAYS)
    throw new DomainError('range_too_long', 'A range can span at most five years.');
  return range;
}

export function currentPeriodRange(ctx: BillingContext, now: Date): DateRange {
  const p = periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, now);
  return { from: p.startDate, to: addDays(p.endDate, -1) };
}

/**
 * How many whole calendar months `range` is, when it starts on a month's first day and ends on a
 * month's last (a month, a quarter, a year); else null.
 */
function wholeMonths(range: DateRange): number | null {
  const after = addDays(range.to, 1);
  if (!range.from.endsWith('-01') || !after.endsWith('-01')) return null;
  return calendarMonthsBetween(range.from, after);
}

/**
 * The range a range is compared with: for a billing period, the previous period; for whole
 * calendar months (a month, a quarter, a year), as many months right before (2025 against 2024,
 * whatever their lengths, as year over year does); else the days of equal length right before.
 */
export function previousRange(range: DateRange, ctx: BillingContext): DateRange {
  const p = periodContaining(
    ctx.anchor,
    ctx.plan.periodUnit,
    ctx.timeZone,
    startOfLocalDate(range.from, ctx.timeZone),
  );
  if (p.startDate === range.from && addDays(p.endDate, -1) === range.to) {
    const prev = periodContaining(
      ctx.anchor,
      ctx.plan.periodUnit,
      ctx.timeZone,
      new Date(p.start.getTime() - 1),
    );
    return { from: prev.startDate, to: addDays(prev.endDate, -1) };
  }
  const months = wholeMonths(range);
  if (months !== null) return { from: addMonthsClamped(range.from, -months), to: addDays(range.from, -1) };
  const n = rangeDays(range);
  return { from: addDays(range.from, -n), to: addDays(range.from, -1) };
}

export const today = (ctx: BillingContext, now: Date) => localDate(now, ctx.timeZone);

/**
 * A range is in progress on `day` from its first day to the day before its last: on its last day
 * every day of it is counted, and it is set against the whole of the range before
 * (docs/product.md, Time series and comparisons).
 */
export const inProgressOn = (range: DateRange, day: string) => range.from <= day && day < range.to;

/**
 * For a range in progress on `day`, the part of `previous` as long as the part of `range` gone by
 * (`day` included, clipped to `previous`'s length), so that figures so far are set against the
 * same days of the range before, not all of it; null for a range that is over or not begun. The
 * summary cards (against the previous range) and the year over year's month in progress (against
 * the same month a year before: 1–3 Dec against 1–3 Dec) both compare by it.
 */
export function elapsedPart(range: DateRange, previous: DateRange, day: string): DateRange | null {
  if (!inProgressOn(range, day)) return null;
  const gone = Math.min(daysBetween(range.from, day), daysBetween(previous.from, previous.to));
  return { from: previous.from, to: addDays(previous.from, gone) };
}
