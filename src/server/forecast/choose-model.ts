import type { ModelName } from '../../shared/contract/forecast.js';
import type { StepForecast } from './band.js';
import { holt, holtWinters, MONTHS_PER_YEAR } from './models/holt-winters.js';
import { RECENT_DAYS, recentMean } from './models/recent-mean.js';

export type { ModelName };

/** What a tenant's history offers the models. */
export interface History {
  /** Credits used in each complete month, oldest first, the last being the month before the current one. */
  months: readonly number[];
  /** Credits used on each complete day, oldest first, up to yesterday (at most the latest weeks). */
  days: readonly number[];
  /** Days from the first day with usage to yesterday. */
  daysOfHistory: number;
}

export interface ModelChoice {
  name: ModelName;
  /** Why this model ran, in a sentence an admin can read. */
  reason: string;
  steps: StepForecast[];
}

export const SEASONAL_MONTHS = 2 * MONTHS_PER_YEAR;
export const TREND_MONTHS = 6;
export const MIN_DAYS = 7;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
const spikeNote = (spikes: number[]) =>
  spikes.length === 0 ? '' : ` ${plural(spikes.length, 'one-off spike')} damped for the fit.`;

/**
 * The model a history supports: two years or more of complete months, Holt-Winters (yearly
 * season, damped trend); six months or more, Holt's damped trend; a week or more, the recent
 * daily rate; less, no projection (zero, and the reason says so). `monthLengths` are the days of
 * each projected month (the recent-rate model needs them).
 */
export function chooseModel(history: History, monthLengths: readonly number[]): ModelChoice {
  const horizon = monthLengths.length;
  const n = history.months.length;
  if (n >= SEASONAL_MONTHS) {
    const { fit, steps, spikes } = holtWinters(history.months, horizon);
    return {
      name: 'holt-winters',
      reason: `${plural(n, 'complete month')} of history: Holt-Winters with a yearly ${fit.seasonality} season and a damped trend.${spikeNote(spikes)}`,
      steps,
    };
  }
  if (n >= TREND_MONTHS) {
    const { steps, spikes } = holt(history.months, horizon);
    return {
      name: 'holt',
      reason: `${plural(n, 'complete month')} of history, under the ${SEASONAL_MONTHS} a yearly season needs: Holt's damped trend, without seasonality.${spikeNote(spikes)}`,
      steps,
    };
  }
  if (history.daysOfHistory >= MIN_DAYS && history.days.length >= MIN_DAYS) {
    const used = Math.min(RECENT_DAYS, history.days.length);
    return {
      name: 'recent-rate',
      reason: `${plural(history.daysOfHistory, 'day')} of history, under the ${TREND_MONTHS} complete months a trend needs: the daily rate of the last ${used} days.`,
      steps: recentMean(history.days, monthLengths),
    };
  }
  return {
    name: 'none',
    reason:
      history.daysOfHistory === 0
        ? 'No usage yet: nothing to project from, so the projection is zero.'
        : `Only ${plural(history.daysOfHistory, 'day')} of history: not enough to project from (a week is needed), so the projection is zero.`,
    steps: monthLengths.map(() => ({ mean: 0, sd: 0 })),
  };
}
