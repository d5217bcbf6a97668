import { afterEach, describe, expect, it } from 'vitest';
import {
  formatChange,
  formatDate,
  formatDateRange,
  formatDaySpan,
  formatPercent,
  formatPeriod,
  formatPoint,
  formatYearOverYearMonth,
  setDisplayTimeZone,
} from './format';

describe('percentages', () => {
  it('reads one way: no space before the sign, at most one decimal', () => {
    expect(formatPercent(0.37)).toBe('37%');
    expect(formatPercent(0.2)).toBe('20%');
    expect(formatChange(50, 100)).toBe('-50%');
    expect(formatChange(112.5, 100)).toBe('+12.5%');
  });

  it("writes the API's percent figures (one decimal, e.g. percentUsed 57.5) as given, through the share", () => {
    for (let tenths = 0; tenths <= 1500; tenths++) {
      const percent = tenths / 10;
      expect(formatPercent(percent / 100)).toBe(`${percent.toLocaleString('en-GB')}%`);
    }
  });
});

describe('dates', () => {
  afterEach(() => setDisplayTimeZone('UTC'));

  it('writes a day and a range one way', () => {
    expect(formatDate('2026-03-09')).toBe('9 Mar 2026');
    expect(formatDateRange('2026-03-01', '2026-03-31')).toBe('1 – 31 Mar 2026');
    expect(formatDateRange('2026-02-28', '2026-03-27')).toBe('28 Feb – 27 Mar 2026');
    expect(formatDateRange('2025-12-01', '2026-01-31')).toBe('1 Dec 2025 – 31 Jan 2026');
    expect(formatDateRange('2026-03-09', '2026-03-09')).toBe('9 Mar 2026');
  });

  it('writes a period of instants as the local days it covers, its end excluded', () => {
    setDisplayTimeZone('America/New_York');
    // March 2026 in New York: midnight EST to midnight EDT.
    expect(formatPeriod('2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z')).toBe('1 – 31 Mar 2026');
    setDisplayTimeZone('Pacific/Auckland');
    expect(formatPeriod('2025-12-14T11:00:00.000Z', '2026-01-14T11:00:00.000Z')).toBe(
      '15 Dec 2025 – 14 Jan 2026',
    );
  });
});

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
