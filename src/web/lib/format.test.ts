import { describe, expect, it } from 'vitest';
import { formatDaySpan, formatPoint, formatYearOverYearMonth } from './format';

const point = (p: Partial<Parameters<typeof formatPoint>[0]>) => ({
  start: '2026-11-30',
  from: '2026-11-30',
  to: '2026-12-06',
  partial: false,
  throughDay: null,
  ...p,
});

describe('chart labels', () => {
  it('writes days within a year without it', () => {
    expect(formatDaySpan('2026-12-01', '2026-12-03')).toBe('1 – 3 Dec');
    expect(formatDaySpan('2026-11-30', '2026-12-03')).toBe('30 Nov – 3 Dec');
    expect(formatDaySpan('2026-12-03', '2026-12-03')).toBe('3 Dec');
  });

  it('says when a point counts part of its bucket, and why', () => {
    expect(formatPoint(point({}), 'week')).toBe('w/c 30 Nov');
    expect(formatPoint(point({ from: '2026-12-01', partial: true, throughDay: '2026-12-03' }), 'week')).toBe(
      'w/c 30 Nov: 1 – 3 Dec, in progress',
    );
    expect(formatPoint(point({ from: '2026-12-01', partial: true }), 'week')).toBe(
      'w/c 30 Nov: 1 – 6 Dec only',
    );
    expect(
      formatPoint(
        {
          start: '2026-12-01',
          from: '2026-12-01',
          to: '2026-12-31',
          partial: true,
          throughDay: '2026-12-03',
        },
        'month',
      ),
    ).toBe('Dec 2026: 1 – 3 Dec, in progress');
  });

  it('names the days each side of the month in progress counts in the year over year', () => {
    const lastYear = { periodStart: '2025-12-01', periodEnd: '2025-12-03' };
    expect(formatYearOverYearMonth({ month: 12, throughDay: '2026-12-03', lastYear })).toBe(
      'Dec: 1 – 3 Dec vs 1 – 3 Dec 2025',
    );
    expect(formatYearOverYearMonth({ month: 11, throughDay: null, lastYear })).toBe('Nov');
  });
});
