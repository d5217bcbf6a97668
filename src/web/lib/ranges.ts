import type { Granularity } from '../api/types';

/**
 * Date arithmetic on local dates (YYYY-MM-DD) for the period picker and the chart windows.
 * Pure: "today" is passed in (the tenant's local date), nothing reads the browser's zone.
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

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isLocalDate(s: string | null | undefined): s is string {
  if (!s || !DATE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const toUtc = (s: string) => {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};
const fromUtc = (t: Date) => t.toISOString().slice(0, 10);

export function addDays(s: string, n: number): string {
  const t = toUtc(s);
  t.setUTCDate(t.getUTCDate() + n);
  return fromUtc(t);
}

/** The Monday of the ISO week holding the date (the API's weekly buckets start on Mondays). */
export function startOfWeek(s: string): string {
  const sinceMonday = (toUtc(s).getUTCDay() + 6) % 7;
  return addDays(s, -sinceMonday);
}

export const daysBetween = (from: string, to: string) =>
  Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);

export const rangeDays = (r: LocalRange) => daysBetween(r.from, r.to) + 1;

export function startOfMonth(s: string, monthsBack = 0): string {
  const t = toUtc(s);
  return fromUtc(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - monthsBack, 1)));
}

export function endOfMonth(s: string): string {
  const t = toUtc(s);
  return fromUtc(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)));
}

/** The calendar ranges of the presets that do not depend on the billing period. */
export function calendarPreset(key: 'month' | 'last3' | 'year', today: string): LocalRange {
  if (key === 'month') return { from: startOfMonth(today), to: endOfMonth(today) };
  if (key === 'last3') return { from: startOfMonth(today, 2), to: endOfMonth(today) };
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
    from: startOfMonth(r.to, 11),
    to: r.to,
    granularity: 'month',
    note: 'the 12 months to the end of the range',
  };
}
