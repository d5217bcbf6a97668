import {
  addDays,
  addMonthsClamped,
  daysBetween,
  endOfMonth,
  isValidDate,
  startOfMonth,
  startOfWeek,
} from '../../shared/local-dates';
import type { Granularity } from '../api/types';

/**
 * The period picker's presets and the chart windows, on local dates (YYYY-MM-DD) with the
 * server's own date arithmetic (shared/local-dates.ts). Pure: "today" is passed in (the tenant's
 * local date), nothing reads the browser's zone.
 */
export type PresetKey = 'current' | 'previous' | 'month' | 'last3' | 'year' | 'custom';

export const PRESETS: { value: PresetKey; label: string }[] = [
  { value: 'current', label: 'Current billing period' },
  { value: 'previous', label: 'Previous billing period' },
  { value: 'month', label: 'This month' },
  { value: 'last3', label: 'Last 3 months' },
  { value: 'year', label: 'This year' },
  { value: 'custom', label: 'Custom range' },
];

export const isPreset = (v: string | null): v is PresetKey => PRESETS.some((p) => p.value === v);

export interface LocalRange {
  from: string;
  to: string;
}

/** A real calendar date written YYYY-MM-DD (a query parameter, an input). */
export function isLocalDate(s: string | null | undefined): s is string {
  return typeof s === 'string' && isValidDate(s);
}

export const rangeDays = (r: LocalRange) => daysBetween(r.from, r.to) + 1;

/** The calendar ranges of the presets that do not depend on the billing period. */
export function calendarPreset(key: 'month' | 'last3' | 'year', today: string): LocalRange {
  if (key === 'month') return { from: startOfMonth(today), to: endOfMonth(today) };
  if (key === 'last3') return { from: startOfMonth(addMonthsClamped(today, -2)), to: endOfMonth(today) };
  return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
}

/** The granularity that draws a range in a readable number of points. */
export function trendGranularity(r: LocalRange): Granularity {
  const days = rangeDays(r);
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

export type ViewKey = 'daily' | 'weekly' | 'monthly' | 'yoy' | 'forecast';

export const VIEWS: { value: ViewKey; label: string }[] = [
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'monthly', label: 'Monthly' },
  { value: 'yoy', label: 'Year over year' },
  { value: 'forecast', label: 'Forecast' },
];

export const isView = (v: string | null): v is ViewKey => VIEWS.some((x) => x.value === v);

export interface ChartWindow extends LocalRange {
  granularity: Granularity;
  /** Why the window differs from the chosen range, when it does. */
  note?: string;
}

/**
 * What a time view draws for the chosen range. Daily: the month of the range's end, day by day
 * (the current month for the current period). Weekly: the range by week, at least the 12 weeks
 * to its end. Monthly: the range by month, at least the 12 months to its end.
 */
export function chartWindow(view: Exclude<ViewKey, 'yoy' | 'forecast'>, r: LocalRange): ChartWindow {
  if (view === 'daily') {
    if (rangeDays(r) <= 62) return { ...r, granularity: 'day' };
    const from = startOfMonth(r.to);
    return { from, to: endOfMonth(r.to), granularity: 'day', note: 'the last month of the range' };
  }
  if (view === 'weekly') {
    if (rangeDays(r) >= 56) return { ...r, granularity: 'week' };
    return {
      from: startOfWeek(addDays(r.to, -77)),
      to: r.to,
      granularity: 'week',
      note: 'the 12 weeks to the end of the range',
    };
  }
  if (daysBetween(startOfMonth(r.from), r.to) >= 85) return { ...r, granularity: 'month' };
  return {
    from: startOfMonth(addMonthsClamped(r.to, -11)),
    to: r.to,
    granularity: 'month',
    note: 'the 12 months to the end of the range',
  };
}
