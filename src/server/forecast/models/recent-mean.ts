import type { StepForecast } from '../band.js';

/** How many of the latest days the recent-rate model averages (eight weeks). */
export const RECENT_DAYS = 56;

/**
 * For a tenant with weeks, not months, of history: the daily rate of its latest days (up to
 * eight weeks) times each future month's length. The spread is that of its weekly totals, for a
 * month of W weeks √W of it, plus the rate's own uncertainty (the standard error of the mean over
 * the weeks seen), which grows with the horizon as a random walk's would.
 */
export function recentMean(days: readonly number[], monthLengths: readonly number[]): StepForecast[] {
  const recent = days.slice(-RECENT_DAYS);
  const n = recent.length;
  if (n === 0) return monthLengths.map(() => ({ mean: 0, sd: 0 }));
  const rate = recent.reduce((a, b) => a + b, 0) / n;
  const weekly = weeklySpread(recent);
  const weeksSeen = n / 7;
  return monthLengths.map((len, i) => {
    const weeks = len / 7;
    const variance = weeks * weekly ** 2 + (weeks ** 2 * weekly ** 2 * (i + 1)) / Math.max(1, weeksSeen);
    return { mean: rate * len, sd: Math.sqrt(variance) };
  });
}

/** Standard deviation of 7-day totals, counted back from the latest day; from the days' own when under two weeks. */
export function weeklySpread(days: readonly number[]): number {
  const totals: number[] = [];
  for (let end = days.length; end - 7 >= 0; end -= 7) {
    totals.push(days.slice(end - 7, end).reduce((a, b) => a + b, 0));
  }
  if (totals.length >= 2) return sd(totals);
  return sd(days) * Math.sqrt(7);
}

function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
