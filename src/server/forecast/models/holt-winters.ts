import type { StepForecast } from '../band.js';
import {
  DAMPED_PHIS,
  fitSmoothing,
  forecastSmoothing,
  type SmoothingFit,
  UNDAMPED_PHIS,
} from './smoothing.js';
import { dampSpikes } from './spikes.js';

export const MONTHS_PER_YEAR = 12;
/** A yearly season is estimated from two full years at least. */
export const SEASONAL_MONTHS = 2 * MONTHS_PER_YEAR;
/** Holt's trend is fitted from six months at least. */
export const TREND_MONTHS = 6;

/** One exponential smoothing model: Holt-Winters (with a season) or Holt (without). */
export interface SmoothingSpec {
  season: 'additive' | 'multiplicative' | 'none';
  damped: boolean;
  /**
   * Fitted to the logarithm of each month's usage (an additive model there is multiplicative in
   * credits: season, trend and noise all scale with the level). Needs usage in every month.
   */
  log: boolean;
}

export interface ModelResult {
  steps: StepForecast[];
  fit: SmoothingFit;
  /** Indexes of the months taken as one-off spikes and damped for the fit. */
  spikes: number[];
}

/** Whether `spec` can be fitted to `series`: enough months, and usage in every one where it multiplies or takes logarithms. */
function fitsSeries(series: readonly number[], spec: SmoothingSpec): boolean {
  const needed = spec.season === 'none' ? TREND_MONTHS : SEASONAL_MONTHS;
  if (series.length < needed) return false;
  return !(spec.season === 'multiplicative' || spec.log) || series.every((v) => v > 0);
}

/**
 * Holt-Winters (a yearly season) or Holt (none) on monthly totals, one-off spikes damped for the
 * fit; null when the series cannot carry `spec` (too short, or a month without usage where the
 * spec multiplies or takes logarithms) or no parameters fit it.
 */
export function smoothing(
  series: readonly number[],
  horizon: number,
  spec: SmoothingSpec,
): ModelResult | null {
  if (!fitsSeries(series, spec)) return null;
  const period = spec.season === 'none' ? 1 : MONTHS_PER_YEAR;
  const { values, replaced } = dampSpikes(series, period);
  const y = spec.log ? values.map(Math.log) : values;
  const fit = fitSmoothing(y, spec.season, period, spec.damped ? DAMPED_PHIS : UNDAMPED_PHIS);
  if (!Number.isFinite(fit.sse)) return null;
  const steps = forecastSmoothing(fit, horizon);
  return {
    steps: spec.log ? steps.map((s) => ({ mean: Math.exp(s.mean), sd: s.sd, log: true })) : steps,
    fit,
    spikes: replaced,
  };
}
