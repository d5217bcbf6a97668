import { addDays, addMonthsClamped, startOfMonth, startOfWeek } from '../../shared/calendar.js';
import type { Granularity } from '../../shared/contract/consumption.js';
import type { DateRange } from './range.js';

/** Every bucket start (local date) a range touches, so empty buckets show as zero. */
export function bucketStarts(range: DateRange, granularity: Granularity): string[] {
  const first =
    granularity === 'day'
      ? range.from
      : granularity === 'week'
        ? startOfWeek(range.from)
        : startOfMonth(range.from);
  const step = (d: string) =>
    granularity === 'day' ? addDays(d, 1) : granularity === 'week' ? addDays(d, 7) : addMonthsClamped(d, 1);
  const out: string[] = [];
  for (let d = first; d <= range.to; d = step(d)) out.push(d);
  return out;
}
