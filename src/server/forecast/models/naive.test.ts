import { describe, expect, it } from 'vitest';
import { lastMonth, recentRate, seasonalNaive } from './naive.js';

describe('the naive forecasts and their bands, by hand', () => {
  it('same as last month: the last value; σ the root mean square of the monthly changes, times √h', () => {
    // Changes +2, −2, +2, −2: σ = 2.
    const steps = lastMonth([10, 12, 10, 12, 10], 4);
    expect(steps?.map((s) => s.mean)).toEqual([10, 10, 10, 10]);
    expect(steps?.map((s) => s.sd)).toEqual([2, 2 * Math.SQRT2, 2 * Math.sqrt(3), 4]);
    expect(lastMonth([], 3)).toBeNull();
  });

  it('same month last year: last year again; σ from the year-on-year changes, growing each further year', () => {
    const year1 = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    // The second year is the first plus 3 in every month: σ = 3.
    const year2 = year1.map((v) => v + 3);
    const steps = seasonalNaive([...year1, ...year2], 14);
    expect(steps?.slice(0, 12).map((s) => s.mean)).toEqual(year2);
    expect(steps?.slice(12).map((s) => s.mean)).toEqual(year2.slice(0, 2));
    expect(steps?.[0]?.sd).toBe(3);
    expect(steps?.[11]?.sd).toBe(3);
    expect(steps?.[12]?.sd).toBeCloseTo(3 * Math.SQRT2, 12);
    expect(seasonalNaive(year1.slice(1), 3)).toBeNull();
  });

  it('the recent rate: the last two months per day, times the days of each month ahead', () => {
    // 62 credits over the 31 + 31 days of the last two months: 1 a day.
    const steps = recentRate([40, 30, 32], [31, 31, 31, 28, 31], 2);
    expect(steps?.map((s) => s.mean)).toEqual([28, 31]);
    // Its one error in the history: 32 − (70 / 62) · 31 = −3; σ = 3, then 3√2.
    expect(steps?.[0]?.sd).toBeCloseTo(3, 12);
    expect(steps?.[1]?.sd).toBeCloseTo(3 * Math.SQRT2, 12);
    expect(recentRate([4], [30, 30], 1)).toBeNull();
  });
});
