import type { StepForecast } from '../band.js';
import { fitSmoothing, forecastSmoothing, type SmoothingFit } from './smoothing.js';
import { dampSpikes } from './spikes.js';

export const MONTHS_PER_YEAR = 12;

export interface ModelResult {
  steps: StepForecast[];
  fit: SmoothingFit;
  /** Indexes of the months taken as one-off spikes and damped for the fit. */
  spikes: number[];
}

/**
 * Holt-Winters on monthly totals (needs two full years): a damped trend and a yearly season,
 * multiplicative when every month has usage (hiring seasons scale with the company), else
 * additive; of the two, the one with the smaller one-step SSE.
 */
export function holtWinters(series: readonly number[], horizon: number): ModelResult {
  if (series.length < 2 * MONTHS_PER_YEAR) throw new RangeError('Holt-Winters needs at least 24 months');
  const { values: y, replaced } = dampSpikes(series, MONTHS_PER_YEAR);
  const additive = fitSmoothing(y, 'additive', MONTHS_PER_YEAR);
  const multiplicative = y.every((v) => v > 0)
    ? fitSmoothing(y, 'multiplicative', MONTHS_PER_YEAR)
    : undefined;
  const fit = multiplicative && multiplicative.sse <= additive.sse ? multiplicative : additive;
  return { steps: forecastSmoothing(fit, horizon), fit, spikes: replaced };
}

/** Holt's damped trend on monthly totals, without season (for under two years of history). */
export function holt(series: readonly number[], horizon: number): ModelResult {
  if (series.length < 2) throw new RangeError("Holt's method needs at least 2 points");
  const { values: y, replaced } = dampSpikes(series, 1);
  const fit = fitSmoothing(y, 'none', 1);
  return { steps: forecastSmoothing(fit, horizon), fit, spikes: replaced };
}
