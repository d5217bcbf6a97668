// Billing periods: whole months or years counted from the tenant's anchor date, in the tenant's time zone.
import {
  addMonthsClamped,
  calendarMonthsBetween,
  localDate,
  startOfLocalDate,
} from '../../shared/calendar.js';

import type { PeriodUnit } from '../../shared/contract/credits.js';

export type { PeriodUnit };

/** A half-open period [start, end). endDate is the next period's startDate. */
export interface BillingPeriod {
  index: number;
  startDate: string;
  endDate: string;
  start: Date;
  end: Date;
}

function monthsPerPeriod(unit: PeriodUnit): number {
  if (unit === 'month') return 1;
  if (unit === 'year') return 12;
  throw new RangeError(`Invalid period unit '${unit}'`);
}

/**
 * Period `index` (0 starts at the anchor; negative indexes lie before it). Each boundary is computed from
 * the anchor, never from the previous period, so an anchor on the 31st comes back to the 31st after February.
 */
export function periodAt(anchor: string, unit: PeriodUnit, timeZone: string, index: number): BillingPeriod {
  if (!Number.isSafeInteger(index)) throw new RangeError(`Period index must be an integer, got ${index}`);
  const step = monthsPerPeriod(unit);
  const startDate = addMonthsClamped(anchor, index * step);
  const endDate = addMonthsClamped(anchor, (index + 1) * step);
  return {
    index,
    startDate,
    endDate,
    start: startOfLocalDate(startDate, timeZone),
    end: startOfLocalDate(endDate, timeZone),
  };
}

/** The period whose [start, end) holds the instant, before or after the anchor. */
export function periodContaining(
  anchor: string,
  unit: PeriodUnit,
  timeZone: string,
  instant: Date,
): BillingPeriod {
  const t = instant.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid instant');
  const step = monthsPerPeriod(unit);
  // A period starting in month M ends in month M + step, so this estimate is the index or one above it.
  const months = calendarMonthsBetween(anchor, localDate(instant, timeZone));
  let period = periodAt(anchor, unit, timeZone, Math.floor(months / step));
  // Decide by instants, not dates, so the half-open boundary is exact; at most a step or two.
  for (let i = 0; i < 4; i++) {
    if (t < period.start.getTime()) period = periodAt(anchor, unit, timeZone, period.index - 1);
    else if (t >= period.end.getTime()) period = periodAt(anchor, unit, timeZone, period.index + 1);
    else return period;
  }
  throw new Error(`No billing period found for ${instant.toISOString()} (anchor ${anchor}, ${timeZone})`);
}

/** Every period overlapping [from, to), in order; empty when to <= from. */
export function periodsBetween(
  anchor: string,
  unit: PeriodUnit,
  timeZone: string,
  from: Date,
  to: Date,
): BillingPeriod[] {
  const end = to.getTime();
  if (!Number.isFinite(end)) throw new RangeError('Invalid instant');
  if (end <= from.getTime()) return [];
  const periods: BillingPeriod[] = [];
  let period = periodContaining(anchor, unit, timeZone, from);
  while (period.start.getTime() < end) {
    periods.push(period);
    period = periodAt(anchor, unit, timeZone, period.index + 1);
  }
  return periods;
}
