import type { BandCalibration, HeldOutPoint } from './backtest.js';
import { BAND_LEVEL, standardisedError, Z_80 } from './band.js';

/**
 * Checks the model's closed-form 80 % band on the backtest's held-out months, and widens it when
 * it held too few of them: the spread is multiplied by the factor that brings the band, applied
 * the same way at every origin and horizon, to hold 80 % of those months (each month's error in
 * standard deviations of its own step, so short and long horizons weigh alike). Never narrowed:
 * a few dozen months cannot show that a band is too wide as surely as that it is too narrow.
 * Months no widening can reach (a log-scale step against a month without usage) count as
 * outside and leave the factor to the ones that can be reached.
 */
export function calibrateBand(points: readonly Pick<HeldOutPoint, 'actual' | 'step'>[]): BandCalibration {
  const errors = points.map((p) => standardisedError(p.step, p.actual)).sort((a, b) => a - b);
  const share = (limit: number) =>
    errors.length === 0 ? 1 : errors.filter((e) => e <= limit * (1 + 1e-12)).length / errors.length;
  const closedFormCoverage = share(Z_80);
  if (closedFormCoverage >= BAND_LEVEL) {
    return { closedFormCoverage, coverage: closedFormCoverage, widenedBy: 1 };
  }
  // The smallest error that, inside the band, leaves at least 80 % of the months inside.
  const needed = errors[Math.ceil(BAND_LEVEL * errors.length) - 1] as number;
  const reachable = Number.isFinite(needed) ? needed : Math.max(0, ...errors.filter(Number.isFinite));
  const widenedBy = Math.max(1, reachable / Z_80);
  return { closedFormCoverage, coverage: share(Z_80 * widenedBy), widenedBy };
}
