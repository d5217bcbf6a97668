import {
  addDays,
  addMonthsClamped,
  daysBetween,
  endOfMonth,
  isValidDate,
  MAX_RANGE_DAYS,
  startOfMonth,
} from '../../shared/local-dates';
import type { Granularity, Summary } from '../api/types';

/**
 * The period picker's presets and the chart windows, on local dates (YYYY-MM-DD) with the
 * server's own date arithmetic (shared/local-dates.ts). Pure: "today" is passed in (the tenant's
 * local date), nothing reads the browser's zone. The page and the export dialog both take their
 * ranges from `presetRange`.
 */
export type PresetKey =
  | 'current'
  | 'previous'
  | 'month'
  | 'lastMonth'
  | 'last3'
  | 'lastQuarter'
  | 'year'
  | 'lastYear'
  | 'custom';

export const PRESETS: { value: PresetKey; label: string }[] = [
  { value: 'current', label: 'Current billing period' },
  { value: 'previous', label: 'Previous billing period' },
  { value: 'month', label: 'This month' },
  { value: 'lastMonth', label: 'Last month' },
  { value: 'last3', label: 'Last 3 months' },
  { value: 'lastQuarter', label: 'Last quarter' },
  { value: 'year', label: 'This year' },
  { value: 'lastYear', label: 'Last year' },
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

type CalendarPreset = Exclude<PresetKey, 'current' | 'previous' | 'custom'>;

const monthOf = (date: string): LocalRange => ({ from: startOfMonth(date), to: endOfMonth(date) });

/** The first day of the calendar quarter (Jan, Apr, Jul, Oct) holding the date. */
function startOfQuarter(date: string): string {
  const month = Number(date.slice(5, 7));
  return addMonthsClamped(startOfMonth(date), -((month - 1) % 3));
}

const wholeYear = (year: number): LocalRange => {
  const y = String(year).padStart(4, '0');
  return { from: `${y}-01-01`, to: `${y}-12-31` };
};

/** The ranges of the presets that follow the calendar rather than the billing period. */
export function calendarPreset(key: CalendarPreset, today: string): LocalRange {
  const year = Number(today.slice(0, 4));
  switch (key) {
    case 'month':
      return monthOf(today);
    case 'lastMonth':
      return monthOf(addMonthsClamped(startOfMonth(today), -1));
    case 'last3':
      return { from: startOfMonth(addMonthsClamped(today, -2)), to: endOfMonth(today) };
    case 'lastQuarter': {
      const quarter = startOfQuarter(today);
      return { from: addMonthsClamped(quarter, -3), to: addDays(quarter, -1) };
    }
    case 'year':
      return wholeYear(year);
    case 'lastYear':
      return wholeYear(year - 1);
  }
}

/** The billing periods the server computed with the tenant's anchor (from the summary). */
export interface BillingPeriods {
  current: LocalRange;
  previous: LocalRange;
}

export function billingPeriods(summary: Summary | undefined): BillingPeriods | undefined {
  return (
    summary && {
      current: { from: summary.periodStart, to: summary.periodEnd },
      previous: { from: summary.previous.periodStart, to: summary.previous.periodEnd },
    }
  );
}

/**
 * The dates of a preset: billing periods as the server gives them, the rest by the calendar
 * from the tenant's today, a custom range when both ends are dates in order. Undefined while
 * the periods are loading or the custom range is incomplete.
 */
export function presetRange(
  preset: PresetKey,
  at: { today: string; periods: BillingPeriods | undefined; custom?: Partial<LocalRange> },
): LocalRange | undefined {
  if (preset === 'current') return at.periods?.current;
  if (preset === 'previous') return at.periods?.previous;
  if (preset === 'custom') {
    const { from, to } = at.custom ?? {};
    return isLocalDate(from) && isLocalDate(to) && !customRangeProblem({ from, to })
      ? { from, to }
      : undefined;
  }
  return calendarPreset(preset, at.today);
}

/**
 * Why a custom range given whole (both ends, as in a link) cannot be shown, in the API's words;
 * undefined when it can, or while an end is still to be picked.
 */
export function customRangeProblem(custom: Partial<LocalRange>): string | undefined {
  const { from, to } = custom;
  if (!from || !to) return undefined;
  for (const [name, value] of [
    ['start', from],
    ['end', to],
  ] as const) {
    if (!isLocalDate(value)) return `its ${name}, “${value}”, is not a date`;
  }
  if (from > to) return 'it starts after it ends';
  if (rangeDays({ from, to }) > MAX_RANGE_DAYS) return 'a range can span at most five years';
  return undefined;
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
    // The twelve months that end on its last day (a year and a day after `to` a year before).
    from: addDays(addMonthsClamped(r.to, -12), 1),
    to: r.to,
    granularity,
    note: 'its last 12 months: daily points go back two years at most',
  };
}
