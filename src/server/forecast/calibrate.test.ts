import { describe, expect, it } from 'vitest';
import { band, standardisedError, widen, Z_80 } from './band.js';
import { calibrateBand } from './calibrate.js';

/** Held-out points 100 ± 10·u with a step of mean 100 and sd 10: each point's error is u standard deviations. */
const points = (us: number[]) => us.map((u) => ({ actual: 100 + 10 * u, step: { mean: 100, sd: 10 } }));

describe('standardised errors', () => {
  it('in standard deviations of the step, on its own scale', () => {
    expect(standardisedError({ mean: 100, sd: 10 }, 125)).toBe(2.5);
    expect(standardisedError({ mean: 100, sd: 10 }, 100)).toBe(0);
    // A month of zero: 100 below a point of 100 is 10 sd; inside the band (cut at zero) only when that is within z.
    expect(standardisedError({ mean: 10, sd: 10 }, 0)).toBe(1);
    expect(standardisedError({ mean: 100, sd: 0.5, log: true }, 100 * Math.E)).toBeCloseTo(2, 12);
    expect(standardisedError({ mean: 100, sd: 0.5, log: true }, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(standardisedError({ mean: 100, sd: 0 }, 101)).toBe(Number.POSITIVE_INFINITY);
  });

  it('agree with the band: inside exactly when at most Z_80', () => {
    for (const step of [
      { mean: 100, sd: 10 },
      { mean: 5, sd: 10 },
      { mean: 100, sd: 0.3, log: true },
    ]) {
      const b = band(step);
      for (const actual of [0, 1, 50, 80, 95, 100, 110, 120, 140, 200]) {
        const inside = actual >= b.lower && actual <= b.upper;
        expect(standardisedError(step, actual) <= Z_80, `${JSON.stringify(step)} ${actual}`).toBe(inside);
      }
    }
  });

  it('a log-scale band is the median times e^(±z·sd)', () => {
    const b = band({ mean: 100, sd: 0.5, log: true });
    expect(b.credits).toBe(100);
    expect(b.lower).toBeCloseTo(100 * Math.exp(-0.5 * Z_80), 9);
    expect(b.upper).toBeCloseTo(100 * Math.exp(0.5 * Z_80), 9);
    expect(band(widen([{ mean: 100, sd: 0.5, log: true }], 2)[0] ?? { mean: 0, sd: 0 }).upper).toBeCloseTo(
      100 * Math.exp(Z_80),
      9,
    );
  });
});

describe('calibrating the 80 % band on the held-out months', () => {
  it('leaves a band that held 80 % or more as it is', () => {
    // 8 of 10 within 1.28 sd.
    expect(calibrateBand(points([0.1, -0.2, 0.3, 0.5, -0.8, 1, 1.1, -1.2, 2, -3]))).toEqual({
      closedFormCoverage: 0.8,
      coverage: 0.8,
      widenedBy: 1,
    });
  });

  it('widens a band that held too few, to the error that lets 80 % in', () => {
    // 6 of 10 within 1.28 sd; the 8th smallest error is 2 sd, so the band must reach 2 sd: ×2 / 1.2816 = ×1.5606.
    const c = calibrateBand(points([0.2, -0.4, 0.6, 0.8, -1, 1.2, -1.6, 2, -2.5, 3]));
    expect(c.closedFormCoverage).toBe(0.6);
    expect(c.widenedBy).toBeCloseTo(2 / Z_80, 12);
    expect(c.widenedBy).toBeCloseTo(1.5606, 4);
    expect(c.coverage).toBe(0.8);
  });

  it('months no widening can reach count as outside, and the factor comes from those it can', () => {
    const log = (actual: number) => ({ actual, step: { mean: 100, sd: 0.1, log: true } });
    // Seven within a sd, one at 2 sd, two months of zero a log-scale band can never hold.
    const some = [...Array(7).fill(100), 100 * Math.exp(0.2), 0, 0].map(log);
    const c = calibrateBand(some);
    expect(c.closedFormCoverage).toBe(0.7);
    expect(c.widenedBy).toBeCloseTo(2 / Z_80, 9);
    expect(c.coverage).toBe(0.8);
    // When the month that would bring 80 % in cannot be reached, the band is widened to the farthest one that can.
    const most = [...Array(5).fill(100), 100 * Math.exp(0.15), 0, 0, 0, 0].map(log);
    const d = calibrateBand(most);
    expect(d.closedFormCoverage).toBe(0.5);
    expect(d.widenedBy).toBeCloseTo(1.5 / Z_80, 9);
    expect(d.coverage).toBe(0.6);
  });

  it('never narrows, and a backtest without points leaves the band alone', () => {
    expect(calibrateBand(points([0, 0, 0, 0, 0])).widenedBy).toBe(1);
    expect(calibrateBand([])).toEqual({ closedFormCoverage: 1, coverage: 1, widenedBy: 1 });
  });
});
