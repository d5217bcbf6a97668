import type { StepForecast } from '../band.js';
import { MONTHS_PER_YEAR } from './holt-winters.js';

/** The recent-rate model on monthly history: the daily rate of the last two complete months (≈ eight weeks). */
export const RECENT_MONTHS = 2;

const rms = (errors: readonly number[]) =>
  errors.length === 0 ? 0 : Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);

/**
 * "Same as last month": the last month's credits for every month ahead. Its errors are a random
 * walk's: σ, the root mean square of the month-to-month changes, grows as √h.
 */
export function lastMonth(series: readonly number[], horizon: number): StepForecast[] | null {
  const n = series.length;
  if (n === 0) return null;
  const changes = series.slice(1).map((y, t) => y - (series[t] as number));
  const sigma = rms(changes);
  const last = series[n - 1] as number;
  return Array.from({ length: horizon }, (_, i) => ({ mean: last, sd: sigma * Math.sqrt(i + 1) }));
}

/**
 * "Same month last year": each month ahead as the same calendar month in the latest year seen.
 * σ is the root mean square of the year-on-year changes in the history (of the month-to-month
 * ones when it holds a single year); it grows with each further year the forecast reaches back
 * over, √(⌊(h − 1) / 12⌋ + 1), as for the seasonal random walk.
 */
export function seasonalNaive(series: readonly number[], horizon: number): StepForecast[] | null {
  const n = series.length;
  const m = MONTHS_PER_YEAR;
  if (n < m) return null;
  const yearly = series.slice(m).map((y, t) => y - (series[t] as number));
  const sigma =
    yearly.length > 0 ? rms(yearly) : rms(series.slice(1).map((y, t) => y - (series[t] as number)));
  return Array.from({ length: horizon }, (_, i) => ({
    mean: series[n - m + (i % m)] as number,
    sd: sigma * Math.sqrt(Math.floor(i / m) + 1),
  }));
}

/**
 * The recent rate on monthly history: the credits of the last RECENT_MONTHS months per day,
 * times the days of each month ahead. σ is the root mean square of the same rule's one-month-ahead
 * errors over the history, growing as √h (the rate drifts as a random walk would).
 * `lengths[i]` is the number of days of month i, for the history's months and the months ahead.
 */
export function recentRate(
  series: readonly number[],
  lengths: readonly number[],
  horizon: number,
): StepForecast[] | null {
  const n = series.length;
  if (n < RECENT_MONTHS) return null;
  const rateBefore = (t: number) => {
    let credits = 0;
    let days = 0;
    for (let u = t - RECENT_MONTHS; u < t; u++) {
      credits += series[u] as number;
      days += lengths[u] as number;
    }
    return credits / days;
  };
  const errors: number[] = [];
  for (let t = RECENT_MONTHS; t < n; t++)
    errors.push((series[t] as number) - rateBefore(t) * (lengths[t] as number));
  const sigma =
    errors.length > 0 ? rms(errors) : rms(series.slice(1).map((y, t) => y - (series[t] as number)));
  const rate = rateBefore(n);
  return Array.from({ length: horizon }, (_, i) => ({
    mean: rate * (lengths[n + i] as number),
    sd: sigma * Math.sqrt(i + 1),
  }));
}
