import { describe, expect, it } from 'vitest';
import {
  type BillingPeriods,
  calendarPreset,
  chartWindow,
  customRangeProblem,
  PRESETS,
  presetRange,
} from './ranges';

const range = (from: string, to: string) => ({ from, to });

describe('calendarPreset', () => {
  it('gives the month, the month before and the last three months', () => {
    expect(calendarPreset('month', '2026-02-14')).toEqual(range('2026-02-01', '2026-02-28'));
    expect(calendarPreset('month', '2024-02-29')).toEqual(range('2024-02-01', '2024-02-29'));
    expect(calendarPreset('lastMonth', '2026-03-31')).toEqual(range('2026-02-01', '2026-02-28'));
    expect(calendarPreset('lastMonth', '2024-03-01')).toEqual(range('2024-02-01', '2024-02-29'));
    expect(calendarPreset('last3', '2026-05-31')).toEqual(range('2026-03-01', '2026-05-31'));
  });

  it('crosses into the year before at the year’s start', () => {
    expect(calendarPreset('lastMonth', '2026-01-01')).toEqual(range('2025-12-01', '2025-12-31'));
    expect(calendarPreset('last3', '2026-02-10')).toEqual(range('2025-12-01', '2026-02-28'));
    expect(calendarPreset('lastQuarter', '2026-01-01')).toEqual(range('2025-10-01', '2025-12-31'));
    expect(calendarPreset('lastQuarter', '2026-03-31')).toEqual(range('2025-10-01', '2025-12-31'));
    expect(calendarPreset('year', '2025-12-31')).toEqual(range('2025-01-01', '2025-12-31'));
    expect(calendarPreset('lastYear', '2026-01-01')).toEqual(range('2025-01-01', '2025-12-31'));
  });

  it('gives the whole calendar quarter before the one holding today', () => {
    const cases: [string, string, string][] = [
      ['2026-04-01', '2026-01-01', '2026-03-31'],
      ['2026-05-15', '2026-01-01', '2026-03-31'],
      ['2026-06-30', '2026-01-01', '2026-03-31'],
      ['2026-07-01', '2026-04-01', '2026-06-30'],
      ['2026-09-30', '2026-04-01', '2026-06-30'],
      ['2026-10-01', '2026-07-01', '2026-09-30'],
      ['2026-12-31', '2026-07-01', '2026-09-30'],
      ['2028-05-31', '2028-01-01', '2028-03-31'],
    ];
    for (const [today, from, to] of cases) {
      expect(calendarPreset('lastQuarter', today), today).toEqual(range(from, to));
    }
  });
});

describe('presetRange', () => {
  const periods: BillingPeriods = {
    current: range('2026-03-15', '2026-04-14'),
    previous: range('2026-02-15', '2026-03-14'),
  };
  const today = '2026-04-02';

  it('takes the billing periods from the server, with the tenant’s anchor', () => {
    expect(presetRange('current', { today, periods })).toEqual(periods.current);
    expect(presetRange('previous', { today, periods })).toEqual(periods.previous);
    expect(presetRange('current', { today, periods: undefined })).toBeUndefined();
    expect(presetRange('previous', { today, periods: undefined })).toBeUndefined();
  });

  it('computes the calendar presets from the tenant’s today, periods loaded or not', () => {
    expect(presetRange('lastQuarter', { today, periods: undefined })).toEqual(
      range('2026-01-01', '2026-03-31'),
    );
    expect(presetRange('lastYear', { today, periods })).toEqual(range('2025-01-01', '2025-12-31'));
    expect(presetRange('year', { today, periods })).toEqual(range('2026-01-01', '2026-12-31'));
  });

  it('takes a custom range only when both ends are dates in order', () => {
    const at = (from?: string, to?: string) => ({ today, periods, custom: { from, to } });
    expect(presetRange('custom', at('2025-12-20', '2026-01-10'))).toEqual(range('2025-12-20', '2026-01-10'));
    expect(presetRange('custom', at('2026-01-10', '2026-01-10'))).toEqual(range('2026-01-10', '2026-01-10'));
    expect(presetRange('custom', at('2026-01-10', '2025-12-20'))).toBeUndefined();
    expect(presetRange('custom', at('2026-01-10'))).toBeUndefined();
    expect(presetRange('custom', at('2026-02-30', '2026-03-01'))).toBeUndefined();
  });

  it('has a range for every preset the picker offers', () => {
    const custom = range('2026-01-01', '2026-01-31');
    for (const { value } of PRESETS) {
      const r = presetRange(value, { today, periods, custom });
      expect(r, value).toBeDefined();
      expect(r && r.from <= r.to, value).toBe(true);
    }
  });
});

describe('chartWindow: one range per screen', () => {
  const period = { from: '2026-12-01', to: '2026-12-31' };

  it('draws the range picked in every view, so the chart adds up to the cards', () => {
    expect(chartWindow('daily', period)).toEqual({ ...period, granularity: 'day' });
    expect(chartWindow('weekly', period)).toEqual({ ...period, granularity: 'week' });
    expect(chartWindow('monthly', period)).toEqual({ ...period, granularity: 'month' });
    const years = { from: '2022-01-01', to: '2026-12-31' };
    expect(chartWindow('monthly', years)).toEqual({ ...years, granularity: 'month' });
  });

  it('draws a range longer than daily points allow by day for its last twelve months, and says so', () => {
    const years = { from: '2022-01-01', to: '2026-12-31' };
    expect(chartWindow('daily', years)).toMatchObject({
      from: '2026-01-01',
      to: '2026-12-31',
      granularity: 'day',
      note: expect.stringContaining('last 12 months'),
    });
    expect(chartWindow('daily', { from: '2025-01-01', to: '2026-12-31' })).not.toHaveProperty('note');
    // Ending on a month's first day: the twelve months before it, not eleven and a day.
    expect(chartWindow('daily', { from: '2023-01-01', to: '2026-01-01' })).toMatchObject({
      from: '2025-01-02',
      to: '2026-01-01',
    });
  });
});

describe('customRangeProblem', () => {
  it('says why a whole custom range cannot be shown, and nothing while an end is missing', () => {
    expect(customRangeProblem({ from: '2026-01-01', to: '2026-02-28' })).toBeUndefined();
    expect(customRangeProblem({ from: '2026-01-01' })).toBeUndefined();
    expect(customRangeProblem({ from: '2026-02-30', to: '2026-03-01' })).toMatch(/start.*not a date/);
    expect(customRangeProblem({ from: '2026-03-01', to: '2026-02-01' })).toMatch(/starts after it ends/);
    expect(customRangeProblem({ from: '1999-01-01', to: '2026-01-01' })).toMatch(/five years/);
    // The longest range the API takes is shown.
    expect(customRangeProblem({ from: '2021-01-01', to: '2025-12-31' })).toBeUndefined();
    expect(
      presetRange('custom', {
        today: '2026-12-04',
        periods: undefined,
        custom: { from: '1999-01-01', to: '2026-01-01' },
      }),
    ).toBeUndefined();
  });
});
