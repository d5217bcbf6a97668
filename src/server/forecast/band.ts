/**
 * The 80 % prediction band. Each model gives, per horizon step, its point forecast and the
 * standard deviation of the error at that step, in credits or — for a model fitted to the
 * logarithm of usage — in log credits. The band is point ± z·sd (or point · e^(±z·sd) on the log
 * scale) with z the normal quantile for a central 80 % (Φ⁻¹(0.9)), cut at zero because usage is
 * never negative.
 */
export const BAND_LEVEL = 0.8;
export const Z_80 = 1.2815515655446004;

export interface StepForecast {
  /** Point forecast (credits in the step's month). */
  mean: number;
  /** Standard deviation of the forecast error at this step (of log credits when `log`). */
  sd: number;
  /** The error is multiplicative: the spread is of log credits and `mean` is the median. */
  log?: boolean;
}

export interface Banded {
  credits: number;
  lower: number;
  upper: number;
}

const finiteOrZero = (x: number) => (Number.isFinite(x) ? x : 0);

/** Point and band of one step: finite, never negative, lower ≤ credits ≤ upper. */
export function band(step: StepForecast): Banded {
  const credits = Math.max(0, finiteOrZero(step.mean));
  const half = Z_80 * Math.max(0, finiteOrZero(step.sd));
  if (step.log) {
    const upper = credits * Math.exp(half);
    return { credits, lower: credits * Math.exp(-half), upper: Number.isFinite(upper) ? upper : credits };
  }
  return { credits, lower: Math.max(0, credits - half), upper: credits + half };
}

/**
 * How many standard deviations of its own step an actual month lies from the point forecast
 * (on the step's scale): the band holds the month when this is at most Z_80. A log-scale step
 * cannot reach a month without usage (Infinity); a step without spread holds only its point.
 */
export function standardisedError(step: StepForecast, actual: number): number {
  const mean = Math.max(0, finiteOrZero(step.mean));
  const sd = Math.max(0, finiteOrZero(step.sd));
  const error = step.log
    ? actual > 0 && mean > 0
      ? Math.abs(Math.log(actual / mean))
      : actual === mean
        ? 0
        : Number.POSITIVE_INFINITY
    : Math.abs(actual - mean);
  if (error === 0) return 0;
  return sd > 0 ? error / sd : Number.POSITIVE_INFINITY;
}

/** The same steps with every spread times `factor` (the band widened by it). */
export function widen(steps: readonly StepForecast[], factor: number): StepForecast[] {
  return steps.map((s) => ({ ...s, sd: s.sd * factor }));
}
