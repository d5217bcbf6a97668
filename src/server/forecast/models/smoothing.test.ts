import { describe, expect, it } from 'vitest';
import { type SmoothingSpec, smoothing } from './holt-winters.js';
import { recentMean } from './recent-mean.js';
import { dampSum, forecastSmoothing, initialState, linearFit, runSmoothing } from './smoothing.js';

const means = (steps: { mean: number }[]) => steps.map((s) => s.mean);
const SEASON = [1.75, 2.0, 1.6, 0.95, 0.8, 0.55, 0.4, 0.5, 1.45, 1.6, 0.85, 0.4];
const ADDITIVE: SmoothingSpec = { season: 'additive', damped: false, log: false };
const MULTIPLICATIVE: SmoothingSpec = { season: 'multiplicative', damped: true, log: false };
const LOG: SmoothingSpec = { season: 'additive', damped: false, log: true };
const HOLT: SmoothingSpec = { season: 'none', damped: false, log: false };
const HOLT_DAMPED: SmoothingSpec = { season: 'none', damped: true, log: false };
/** The model's result, which these series always allow. */
const fitted = (series: number[], horizon: number, spec: SmoothingSpec) => {
  const result = smoothing(series, horizon, spec);
  if (!result) throw new Error('no fit');
  return result;
};

describe('the smoothing recursion, against values worked out by hand', () => {
  it('Holt: two steps with α = β = 0.5 from level 10, trend 0', () => {
    // t0: ŷ 10, e 2, ℓ 11, b 0.5; t1: ŷ 11.5, e 1.5, ℓ 12.25, b 0.875.
    const fit = runSmoothing(
      [12, 13],
      'none',
      1,
      { alpha: 0.5, beta: 0.5, gamma: 0, phi: 1 },
      {
        level: 10,
        trend: 0,
        season: [],
      },
    );
    expect(fit.level).toBeCloseTo(12.25, 12);
    expect(fit.trend).toBeCloseTo(0.875, 12);
    expect(fit.sse).toBeCloseTo(6.25, 12);
    const [h1, h2] = forecastSmoothing(fit, 2);
    expect(h1?.mean).toBeCloseTo(13.125, 12);
    expect(h2?.mean).toBeCloseTo(14, 12);
    // σ² = SSE over the degrees of freedom left, at least one: 6.25 / max(1, 2 − 6), so σ = 2.5;
    // at h = 2 the variance grows by c₁² = (α(1 + β))² = 0.75², so the spread by √1.5625 = 1.25.
    expect(h1?.sd).toBeCloseTo(2.5, 12);
    expect(h2?.sd).toBeCloseTo(3.125, 12);
  });

  it('multiplicative Holt-Winters: two steps of a 2-step cycle', () => {
    // t0: s 0.5, ŷ 5, ℓ = 0.5·12 + 0.5·10 = 11, s₀ = 0.5·6/11 + 0.25; t1: s 1.5, ŷ 16.5, ℓ 10.5, s₁ = 0.5·15/10.5 + 0.75.
    const fit = runSmoothing(
      [6, 15],
      'multiplicative',
      2,
      { alpha: 0.5, beta: 0, gamma: 0.5, phi: 1 },
      { level: 10, trend: 0, season: [0.5, 1.5] },
    );
    expect(fit.level).toBeCloseTo(10.5, 12);
    expect(fit.season[0]).toBeCloseTo(3 / 11 + 0.25, 12);
    expect(fit.season[1]).toBeCloseTo(15 / 21 + 0.75, 12);
    const [h1, h2] = forecastSmoothing(fit, 2);
    expect(h1?.mean).toBeCloseTo(10.5 * (3 / 11 + 0.25), 12);
    expect(h2?.mean).toBeCloseTo(10.5 * (15 / 21 + 0.75), 12);
  });

  it('damps the trend: φ + φ² + … + φ^h', () => {
    expect(dampSum(1, 4)).toBe(4);
    expect(dampSum(0.5, 3)).toBeCloseTo(0.875, 12);
  });

  it('starts from the least-squares line, one step before the first point', () => {
    expect(linearFit([1, 3, 5, 7])).toEqual([1, 2]);
    expect(initialState([1, 3, 5, 7], 'none', 1)).toEqual({ level: -1, trend: 2, season: [] });
    // The line through the first half: a jump at the end does not tilt it.
    expect(initialState([4, 4, 4, 40], 'none', 1)).toEqual({ level: 4, trend: 0, season: [] });
  });
});

describe('Holt-Winters on synthetic series with known answers', () => {
  const years = (n: number, f: (t: number) => number) => Array.from({ length: 12 * n }, (_, t) => f(t));

  it('flat: the same value ahead, with no spread', () => {
    for (const spec of [ADDITIVE, MULTIPLICATIVE, LOG])
      for (const s of fitted(
        years(3, () => 100),
        12,
        spec,
      ).steps) {
        expect(s.mean).toBeCloseTo(100, 9);
        expect(s.sd).toBeCloseTo(0, 9);
      }
  });

  it('pure seasonality: the cycle repeats, on either scale', () => {
    const y = years(3, (t) => 100 * (SEASON[t % 12] as number));
    for (const spec of [MULTIPLICATIVE, LOG]) {
      for (const [h, m] of means(fitted(y, 12, spec).steps).entries()) {
        expect(m).toBeCloseTo(100 * (SEASON[h % 12] as number), 6);
      }
    }
  });

  it('on the log scale: the median, a band in proportion to it, and no fit with a month of zero', () => {
    const y = years(3, (t) => 100 * (SEASON[t % 12] as number) * 1.01 ** t * (t % 2 === 0 ? 1.05 : 0.95));
    const { steps } = fitted(y, 12, LOG);
    for (const s of steps) {
      expect(s.log).toBe(true);
      expect(s.sd).toBeGreaterThan(0);
    }
    expect(smoothing([...y.slice(1), 0], 12, LOG)).toBeNull();
    expect(smoothing([...y.slice(1), 0], 12, MULTIPLICATIVE)).toBeNull();
    expect(smoothing(y.slice(0, 23), 12, LOG)).toBeNull();
  });

  it('trend and additive season: the line goes on and the cycle rides on it', () => {
    const offsets = SEASON.map((s) => 100 * (s - 1));
    const y = years(3, (t) => 300 + 4 * t + (offsets[t % 12] as number));
    const { steps } = fitted(y, 12, ADDITIVE);
    for (const [i, m] of means(steps).entries()) {
      expect(m).toBeCloseTo(300 + 4 * (36 + i) + (offsets[i % 12] as number), 6);
    }
  });

  it('trend times season (multiplicative): close to the true path', () => {
    const y = years(3, (t) => (200 + 5 * t) * (SEASON[t % 12] as number));
    const { steps } = fitted(y, 12, MULTIPLICATIVE);
    for (const [i, m] of means(steps).entries()) {
      const truth = (200 + 5 * (36 + i)) * (SEASON[i % 12] as number);
      expect(Math.abs(m - truth) / truth).toBeLessThan(0.03);
    }
  });

  it('one spike: the months after it stay near the usual level', () => {
    const y = years(2, () => 100);
    y[18] = 1000;
    const { steps } = fitted(y, 12, MULTIPLICATIVE);
    for (const s of steps) {
      expect(Number.isFinite(s.mean)).toBe(true);
      expect(s.mean).toBeGreaterThan(50);
      expect(s.mean).toBeLessThan(200);
    }
  });

  it('a spike in the latest month: a modest rise and a wider band, not a new level', () => {
    const y = [...years(3, () => 100).slice(1), 1000];
    const { steps } = fitted(y, 12, MULTIPLICATIVE);
    for (const s of steps) {
      expect(s.mean).toBeGreaterThan(90);
      expect(s.mean).toBeLessThan(250);
      expect(s.sd).toBeGreaterThan(0);
    }
  });

  it('no fit under two years', () => {
    expect(
      smoothing(
        years(1, () => 1),
        3,
        ADDITIVE,
      ),
    ).toBeNull();
    expect(smoothing(years(2, () => 1).slice(1), 3, MULTIPLICATIVE)).toBeNull();
  });
});

describe("Holt's trend", () => {
  it('linear trend: the line goes on; damped, it flattens', () => {
    const y = Array.from({ length: 12 }, (_, t) => 50 + 5 * t);
    for (const [i, m] of means(fitted(y, 3, HOLT).steps).entries())
      expect(m).toBeCloseTo(50 + 5 * (12 + i), 9);
    const damped = means(fitted(y, 3, HOLT_DAMPED).steps);
    expect((damped[2] as number) - (damped[1] as number)).toBeLessThan(5);
    expect(smoothing(y.slice(0, 5), 3, HOLT)).toBeNull();
  });

  it('flat: the same value', () => {
    for (const spec of [HOLT, HOLT_DAMPED]) {
      for (const m of means(fitted(Array(8).fill(40), 4, spec).steps)) expect(m).toBeCloseTo(40, 9);
    }
  });

  it('a spike in the latest month does not become a trend', () => {
    const steps = means(fitted([...Array(11).fill(100), 1000], 6, HOLT_DAMPED).steps);
    for (const m of steps) expect(m).toBeLessThan(250);
    expect(steps[5]).toBeLessThan(1.05 * (steps[0] as number));
  });
});

describe('the recent daily rate (short history)', () => {
  it("three weeks at 2 credits a day: 2 × each month's days", () => {
    const steps = recentMean(Array(21).fill(2), [31, 28, 30]);
    expect(means(steps)).toEqual([62, 56, 60]);
    // No spread in the weeks seen: no spread ahead.
    expect(steps.every((s) => s.sd === 0)).toBe(true);
  });

  it('spread from the weekly totals, growing with the horizon', () => {
    const days = Array.from({ length: 28 }, (_, i) => (Math.floor(i / 7) % 2 === 0 ? 1 : 3));
    const [a, b] = recentMean(days, [28, 28]);
    expect(a?.mean).toBeCloseTo(56, 9);
    expect((a?.sd ?? 0) > 0 && (b?.sd ?? 0) > (a?.sd ?? 0)).toBe(true);
  });

  it('no days: zero', () => {
    expect(recentMean([], [30])).toEqual([{ mean: 0, sd: 0 }]);
  });
});
