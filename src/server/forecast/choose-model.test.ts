import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtest } from './backtest.js';
import { band } from './band.js';
import { chooseModel } from './choose-model.js';
import { planNeeds, planPace } from './planner.js';

const LENGTHS = [31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30, 31];
const SEASON = [1.75, 2.0, 1.6, 0.95, 0.8, 0.55, 0.4, 0.5, 1.45, 1.6, 0.85, 0.4];

describe('which model runs, and why', () => {
  it('Holt-Winters from two years of complete months', () => {
    const c = chooseModel({ months: Array(24).fill(10), days: [], daysOfHistory: 730 }, LENGTHS);
    expect(c.name).toBe('holt-winters');
    expect(c.reason).toMatch(/24 complete months/);
    expect(c.steps).toHaveLength(13);
  });

  it("Holt's damped trend from six months", () => {
    const c = chooseModel({ months: Array(6).fill(10), days: [], daysOfHistory: 190 }, LENGTHS);
    expect(c.name).toBe('holt');
    expect(c.reason).toMatch(/without seasonality/);
  });

  it('the recent daily rate for a tenant a few weeks old', () => {
    const c = chooseModel({ months: [], days: Array(20).fill(3), daysOfHistory: 20 }, LENGTHS);
    expect(c.name).toBe('recent-rate');
    expect(c.steps[0]?.mean).toBe(93);
    expect(c.reason).toMatch(/20 days of history/);
  });

  it('nothing to project from: zero, saying why', () => {
    const none = chooseModel({ months: [], days: [], daysOfHistory: 0 }, LENGTHS);
    expect(none.name).toBe('none');
    expect(none.reason).toMatch(/No usage yet/);
    expect(none.steps.every((s) => s.mean === 0 && s.sd === 0)).toBe(true);
    expect(chooseModel({ months: [], days: [1, 2], daysOfHistory: 2 }, LENGTHS).reason).toMatch(
      /Only 2 days/,
    );
  });

  it('says when a spike was damped', () => {
    const months = Array(12).fill(100);
    months[5] = 900;
    const c = chooseModel({ months, days: [], daysOfHistory: 365 }, LENGTHS);
    expect(c.reason).toMatch(/1 one-off spike damped/);
    expect(band(c.steps[0] ?? { mean: 0, sd: 0 }).credits).toBeLessThan(150);
  });

  it('months with no usage: an additive season, finite and never negative', () => {
    // Hiring only in the first quarter of each year, nothing the rest of it.
    const months = Array.from({ length: 30 }, (_, t) => (t % 12 < 3 ? 60 + t : 0));
    const c = chooseModel({ months, days: [], daysOfHistory: 900 }, LENGTHS);
    expect(c.reason).toMatch(/additive season/);
    const bands = c.steps.map(band);
    for (const b of bands) {
      expect(Number.isFinite(b.credits)).toBe(true);
      expect(b.lower).toBeGreaterThanOrEqual(0);
    }
    // The history ends in June: the next quarter's months ahead (steps 7–9, January to March) carry the usage.
    const [quiet, busy] = [bands[0]?.credits ?? 0, bands[7]?.credits ?? 0];
    expect(busy).toBeGreaterThan(40);
    expect(quiet).toBeLessThan(15);
  });

  it('any non-negative history gives finite, non-negative forecasts inside their band', () => {
    const amount = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(amount, { maxLength: 60 }),
        fc.array(amount, { maxLength: 56 }),
        (months, days) => {
          const c = chooseModel({ months, days, daysOfHistory: days.length + months.length * 30 }, LENGTHS);
          for (const step of c.steps) {
            const b = band(step);
            expect(Number.isFinite(b.credits) && Number.isFinite(b.lower) && Number.isFinite(b.upper)).toBe(
              true,
            );
            expect(b.lower).toBeGreaterThanOrEqual(0);
            expect(b.lower).toBeLessThanOrEqual(b.credits);
            expect(b.credits).toBeLessThanOrEqual(b.upper);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the backtest', () => {
  const names = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
    );

  it('scores the model beside both naive forecasts on the last six months', () => {
    const y = Array.from({ length: 36 }, (_, t) => (100 + 3 * t) * (SEASON[t % 12] as number));
    const b = backtest(y, names(36));
    expect(b).not.toBeNull();
    expect(b?.model).toBe('holt-winters');
    expect(b?.heldOutMonths).toBe(6);
    expect(b?.points.map((p) => p.month)).toEqual(names(36).slice(30));
    expect(b?.mape).toBeLessThan(3);
    expect(b?.mape).toBeLessThan(b?.naiveLastMonthMape ?? 0);
    expect(b?.mape).toBeLessThan(b?.naiveLastYearMape ?? 0);
    // "Same month last year" misses by exactly the year's growth: 36 credits × the season.
    const first = b?.points[0];
    expect(first?.naiveLastYear).toBeCloseTo((100 + 3 * 18) * (SEASON[6] as number), 1);
  });

  it('works out MAPE and the error in credits by hand', () => {
    const y = [...Array(12).fill(100), 50, 100, 150, 100, 100, 100];
    const b = backtest(y, names(18));
    // The year before the held-out months is flat at 100: every forecast, naive or not, is 100.
    expect(b?.points.map((p) => p.forecast)).toEqual([100, 100, 100, 100, 100, 100]);
    // MAPE: (|50 − 100| / 50 + |150 − 100| / 150) / 6 = (1 + 1/3) / 6 = 22.2 %; error: (50 + 50) / 6 = 16.7.
    expect(b?.mape).toBe(22.2);
    expect(b?.errorCredits).toBe(16.7);
    expect(b?.naiveLastMonthMape).toBe(22.2);
    expect(b?.naiveLastYearMape).toBe(22.2);
  });

  it('needs six months to fit on', () => {
    expect(backtest(Array(11).fill(1), names(11))).toBeNull();
    expect(backtest(Array(12).fill(1), names(12))?.model).toBe('holt');
  });

  it('leaves MAPE out when the held-out months had no usage', () => {
    const b = backtest(Array(12).fill(0), names(12));
    expect(b?.mape).toBeNull();
    expect(b?.errorCredits).toBe(0);
  });
});

describe('the planner', () => {
  it("the help article's example: 5 roles × 50 candidates → 250 interviews, 250 credits, 300 with the buffer", () => {
    expect(planNeeds({ roles: 5, candidates: 50, completion: 1, months: 1, buffer: 0.2 })).toEqual({
      interviews: 250,
      credits: 250,
      creditsWithBuffer: 300,
    });
  });

  it('scales with months and completion; the buffer rounds up', () => {
    expect(planNeeds({ roles: 2, candidates: 30, completion: 0.7, months: 3, buffer: 0.1 })).toEqual({
      interviews: 126,
      credits: 126,
      creditsWithBuffer: 139,
    });
  });

  it("spreads the plan's credits evenly over the days of the months from today", () => {
    // March 16 to May 16: 61 days at 10 a day; March holds 31 of the rate's days, April 30, May 31.
    expect(planPace(610_000, '2026-03-16', 2)).toEqual([310_000, 300_000, 310_000]);
  });
});
