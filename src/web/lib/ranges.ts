import {
  addMonthsClamped,
  daysBetween,
  endOfMonth,
  isValidDate,
  startOfMonth,
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
  /** Why the window is not the chosen range, when it is not. */
  note?: string;
}

/** The longest range the API gives daily points for (two years). */
export const MAX_DAILY_DAYS = 2 * 366;

/**
 * What a time view draws for the chosen range: the range itself, by day, week or month, so the
 * chart's totals are the cards' (docs/product.md, Time series and comparisons). Daily points
 * cover two years at most: a longer range is drawn by day for its last twelve months, and says so.
 */
export function chartWindow(view: Exclude<ViewKey, 'yoy' | 'forecast'>, r: LocalRange): ChartWindow {
  const granularity = view === 'daily' ? 'day' : view === 'weekly' ? 'week' : 'month';
  if (view !== 'daily' || rangeDays(r) <= MAX_DAILY_DAYS) return { ...r, granularity };
  return {
    from: startOfMonth(addMonthsClamped(r.to, -11)),
    to: r.to,
    granularity,
    note: 'its last 12 months: daily points go back two years at most',
  };
}
