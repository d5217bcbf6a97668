import { addDays, addMonthsClamped, startOfMonth, startOfWeek } from '../../shared/calendar.js';
import type { Granularity } from '../../shared/contract/consumption.js';
import { type DateRange, inProgressOn } from './range.js';

const nextStart = (d: string, granularity: Granularity) =>
  granularity === 'day' ? addDays(d, 1) : granularity === 'week' ? addDays(d, 7) : addMonthsClamped(d, 1);

/** Every bucket start (local date) a range touches, so empty buckets show as zero. */
export function bucketStarts(range: DateRange, granularity: Granularity): string[] {
  const first =
    granularity === 'day'
      ? range.from
      : granularity === 'week'
        ? startOfWeek(range.from)
        : startOfMonth(range.from);
  const out: string[] = [];
  for (let d = first; d <= range.to; d = nextStart(d, granularity)) out.push(d);
  return out;
}

/** The days of `r` within `within` (local dates compare as strings). */
function clip(r: DateRange, within: DateRange): DateRange {
  const out = { ...r };
  if (out.from < within.from) out.from = within.from;
  if (out.to > within.to) out.to = within.to;
  return out;
}

/** A bucket of a range as the time series and the year over year count it on a given day. */
export interface Bucket {
  /** The bucket's first day (a week's Monday, a month's first), maybe before the range. */
  start: string;
  /** The bucket's days within the range: what its figures count. */
  from: string;
  to: string;
  /** Fewer days than the whole bucket: the range clips it, or it is in progress. */
  partial: boolean;
  /** While the bucket is in progress: the day, the last one gone by; else null. */
  throughDay: string | null;
  /** False while every day of it lies after the day: it has not happened yet. */
  begun: boolean;
}

/** The buckets of a range on `day` (the tenant's local today); docs/product.md, Time series and comparisons. */
export function bucketsOf(range: DateRange, granularity: Granularity, day: string): Bucket[] {
  return bucketStarts(range, granularity).map((start) => {
    const end = addDays(nextStart(start, granularity), -1);
    const counted = clip({ from: start, to: end }, range);
    const throughDay = inProgressOn(counted, day) ? day : null;
    return {
      start,
      ...counted,
      partial: counted.from !== start || counted.to !== end || throughDay !== null,
      throughDay,
      begun: counted.from <= day,
    };
  });
}
