import { describe, expect, it } from 'vitest';
import { chartWindow } from './ranges';

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
  });
});
