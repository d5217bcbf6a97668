/**
 * The 80 % prediction band. Each model gives, per horizon step, its point forecast and the
 * standard deviation of the error at that step; the band is point ± z·sd with z the normal
 * quantile for a central 80 % (Φ⁻¹(0.9)), cut at zero because usage is never negative.
 */
export const BAND_LEVEL = 0.8;
export const Z_80 = 1.2815515655446004;

export interface StepForecast {
  /** Point forecast (credits in the step's month). */
  mean: number;
  /** Standard deviation of the forecast error at this step. */
  sd: number;
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
  return { credits, lower: Math.max(0, credits - half), upper: credits + half };
}
