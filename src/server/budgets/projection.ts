import { addDays, addMonthsClamped } from '../../shared/calendar.js';
import { HORIZON_MONTHS } from '../../shared/contract/forecast.js';
import { RECENT_DAYS, recentMean } from '../forecast/models/recent-mean.js';

/**
 * The day a budget is used up at its scope's recent pace (docs/product.md, Budgets): the forecast's
 * recent-rate model (the daily rate of up to its last eight weeks) drawn forward a day at a time
 * from today, today included. Null when nothing is left (it is used up already), when the scope
 * used nothing lately, or when that day lies after the window's last day or the forecast's horizon.
 */
export function projectExhaustion(input: {
  remainingMilli: number;
  /** Credits (milli) of each day before today, oldest first, since the scope's first usage; at most RECENT_DAYS. */
  recentDays: readonly number[];
  today: string;
  windowEnd: string | null;
}): string | null {
  if (input.remainingMilli <= 0) return null;
  const [step] = recentMean(input.recentDays.slice(-RECENT_DAYS), [1]);
  const perDay = step?.mean ?? 0;
  if (perDay <= 0) return null;
  const day = addDays(input.today, Math.ceil(input.remainingMilli / perDay) - 1);
  const horizonEnd = addMonthsClamped(input.today, HORIZON_MONTHS);
  // Local dates compare as strings.
  if (day >= horizonEnd || (input.windowEnd !== null && day > input.windowEnd)) return null;
  return day;
}
