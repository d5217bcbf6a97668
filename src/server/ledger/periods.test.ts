import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PeriodUnit, periodAt, periodContaining, periodsBetween } from './periods.js';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const ms = (d: Date) => d.getTime();

describe('periodAt', () => {
  it('starts at local midnight of the anchor and ends where the next begins', () => {
    const p = periodAt('2024-01-15', 'month', 'America/New_York', 0);
    expect(p).toEqual({
      index: 0,
      startDate: '2024-01-15',
      endDate: '2024-02-15',
      start: at('2024-01-15T05:00:00Z'),
      end: at('2024-02-15T05:00:00Z'),
    });
    expect(periodAt('2024-01-15', 'month', 'America/New_York', 1).start).toEqual(p.end);
  });

  it('comes back to the 31st after short months (computed from the anchor, not chained)', () => {
    const starts = [-2, -1, 0, 1, 2, 3, 4].map((i) => periodAt('2024-01-31', 'month', 'UTC', i).startDate);
    expect(starts).toEqual([
      '2023-11-30',
      '2023-12-31',
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
    ]);
    expect(periodAt('2023-01-31', 'month', 'UTC', 1).startDate).toBe('2023-02-28');
    expect(periodAt('2023-01-31', 'month', 'UTC', 0).endDate).toBe('2023-02-28');
  });

  it('handles a Feb 29 anchor, monthly and yearly', () => {
    expect(periodAt('2024-02-29', 'month', 'UTC', 1).startDate).toBe('2024-03-29');
    expect(periodAt('2024-02-29', 'year', 'UTC', 1).startDate).toBe('2025-02-28');
    expect(periodAt('2024-02-29', 'year', 'UTC', 4).startDate).toBe('2028-02-29');
    expect(periodAt('2024-02-29', 'year', 'UTC', -1).startDate).toBe('2023-02-28');
  });

  it('spans DST changes with 23- or 25-hour days inside', () => {
    const spring = periodAt('2024-03-01', 'month', 'America/New_York', 0);
    expect(ms(spring.end) - ms(spring.start)).toBe(31 * 24 * HOUR - HOUR);
    const autumn = periodAt('2024-10-15', 'month', 'Europe/London', 0);
    expect(ms(autumn.end) - ms(autumn.start)).toBe(31 * 24 * HOUR + HOUR);
    const lordHowe = periodAt('2024-10-01', 'month', 'Australia/Lord_Howe', 0);
    expect(lordHowe.start).toEqual(at('2024-09-30T13:30:00Z'));
    expect(lordHowe.end).toEqual(at('2024-10-31T13:00:00Z'));
    const auckland = periodAt('2024-04-01', 'month', 'Pacific/Auckland', 0);
    expect(auckland.start).toEqual(at('2024-03-31T11:00:00Z'));
    expect(auckland.end).toEqual(at('2024-04-30T12:00:00Z'));
  });

  it('rejects bad input', () => {
    expect(() => periodAt('2024-02-30', 'month', 'UTC', 0)).toThrow(/Invalid date/);
    expect(() => periodAt('2024-01-01', 'week' as PeriodUnit, 'UTC', 0)).toThrow(/unit/);
    expect(() => periodAt('2024-01-01', 'month', 'Not/AZone', 0)).toThrow(/time zone/);
    expect(() => periodAt('2024-01-01', 'month', 'UTC', 1.5)).toThrow(/integer/);
  });
});

describe('periodContaining', () => {
  const ny = (iso: string) => periodContaining('2024-01-01', 'month', 'America/New_York', at(iso)).index;

  it('puts the boundary instant in the later period (half-open)', () => {
    expect(ny('2024-02-01T04:59:59.999Z')).toBe(0);
    expect(ny('2024-02-01T05:00:00.000Z')).toBe(1);
    expect(ny('2024-02-01T05:00:00.001Z')).toBe(1);
    // After the spring change the boundary is at 04:00Z.
    expect(ny('2024-04-01T03:59:59.999Z')).toBe(2);
    expect(ny('2024-04-01T04:00:00.000Z')).toBe(3);
  });

  it('uses the local date, not the UTC date', () => {
    const kolkata = (iso: string) => periodContaining('2024-01-01', 'month', 'Asia/Kolkata', at(iso)).index;
    expect(kolkata('2024-01-31T18:29:59.999Z')).toBe(0);
    expect(kolkata('2024-01-31T18:30:00Z')).toBe(1);
    const auckland = periodContaining('2024-01-01', 'month', 'Pacific/Auckland', at('2024-01-31T11:30:00Z'));
    expect(auckland.startDate).toBe('2024-02-01');
  });

  it('finds periods before the anchor', () => {
    const p = periodContaining('2024-01-10', 'month', 'Europe/London', at('2020-06-15T12:00:00Z'));
    expect(p.index).toBe(-43);
    expect(p.startDate).toBe('2020-06-10');
    expect(p.start).toEqual(at('2020-06-09T23:00:00Z'));
    const before = periodContaining('2024-01-10', 'month', 'Europe/London', at('2024-01-09T23:59:59.999Z'));
    expect(before.index).toBe(-1);
    expect(before.startDate).toBe('2023-12-10');
  });

  it('finds the short and long months of a 31st anchor', () => {
    const p = periodContaining('2024-01-31', 'month', 'UTC', at('2024-03-30T12:00:00Z'));
    expect([p.index, p.startDate, p.endDate]).toEqual([1, '2024-02-29', '2024-03-31']);
    const q = periodContaining('2024-01-31', 'month', 'UTC', at('2024-03-31T00:00:00Z'));
    expect([q.index, q.startDate, q.endDate]).toEqual([2, '2024-03-31', '2024-04-30']);
  });

  it('finds yearly periods', () => {
    const kolkata = (iso: string) => periodContaining('2023-04-01', 'year', 'Asia/Kolkata', at(iso));
    expect(kolkata('2025-03-31T18:29:59.999Z').index).toBe(1);
    expect(kolkata('2025-03-31T18:30:00Z').index).toBe(2);
    expect(kolkata('2019-05-01T00:00:00Z').startDate).toBe('2019-04-01');
    expect(kolkata('2019-05-01T00:00:00Z').index).toBe(-4);
  });
});

describe('periodsBetween', () => {
  it('lists every period overlapping [from, to)', () => {
    const dates = periodsBetween(
      '2024-01-31',
      'month',
      'America/New_York',
      at('2024-02-10T00:00:00Z'),
      at('2024-05-01T00:00:00Z'),
    ).map((p) => [p.index, p.startDate]);
    expect(dates).toEqual([
      [0, '2024-01-31'],
      [1, '2024-02-29'],
      [2, '2024-03-31'],
      [3, '2024-04-30'],
    ]);
  });

  it('excludes a period that starts exactly at `to`', () => {
    const p1 = periodAt('2024-01-01', 'month', 'Europe/London', 1);
    const list = periodsBetween('2024-01-01', 'month', 'Europe/London', at('2024-01-05T00:00:00Z'), p1.start);
    expect(list.map((p) => p.index)).toEqual([0]);
  });

  it('is empty for an empty range', () => {
    const t = at('2024-01-05T00:00:00Z');
    expect(periodsBetween('2024-01-01', 'month', 'UTC', t, t)).toEqual([]);
    expect(periodsBetween('2024-01-01', 'month', 'UTC', t, at('2024-01-04T00:00:00Z'))).toEqual([]);
  });
});

describe('periods (properties)', () => {
  const zones = [
    'UTC',
    'America/New_York',
    'Europe/London',
    'Asia/Kolkata',
    'Pacific/Auckland',
    'Australia/Lord_Howe',
    'America/Sao_Paulo',
  ];
  const anchorArb = fc
    .tuple(
      fc.integer({ min: 1995, max: 2045 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
    )
    .map(([y, m, d]) => {
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
    });
  const instantArb = fc.date({
    min: new Date('1980-01-01'),
    max: new Date('2060-01-01'),
    noInvalidDate: true,
  });
  const unitArb = fc.constantFrom<PeriodUnit>('month', 'year');
  const zoneArb = fc.constantFrom(...zones);

  it('periodContaining holds the instant and its neighbours tile time', () => {
    fc.assert(
      fc.property(anchorArb, unitArb, zoneArb, instantArb, (anchor, unit, tz, instant) => {
        const p = periodContaining(anchor, unit, tz, instant);
        expect(ms(p.start)).toBeLessThanOrEqual(ms(instant));
        expect(ms(instant)).toBeLessThan(ms(p.end));
        expect(p).toEqual(periodAt(anchor, unit, tz, p.index));
        expect(periodAt(anchor, unit, tz, p.index + 1).start).toEqual(p.end);
        expect(periodAt(anchor, unit, tz, p.index - 1).end).toEqual(p.start);
        expect(periodAt(anchor, unit, tz, p.index + 1).startDate).toBe(p.endDate);
      }),
      { numRuns: 300 },
    );
  });

  it('periodsBetween covers [from, to) without gaps or overlaps', () => {
    // Ranges up to ~5 years, so the monthly lists stay short.
    const spanArb = fc.integer({ min: 0, max: 5 * 366 * 24 * HOUR });
    fc.assert(
      fc.property(anchorArb, unitArb, zoneArb, instantArb, spanArb, (anchor, unit, tz, from, span) => {
        const to = new Date(ms(from) + span);
        const list = periodsBetween(anchor, unit, tz, from, to);
        if (ms(from) === ms(to)) {
          expect(list).toEqual([]);
          return;
        }
        const first = list[0];
        const last = list.at(-1);
        if (!first || !last) throw new Error('expected periods');
        expect(ms(first.start)).toBeLessThanOrEqual(ms(from));
        expect(ms(last.end)).toBeGreaterThanOrEqual(ms(to));
        expect(ms(last.start)).toBeLessThan(ms(to));
        list.forEach((p, i) => {
          expect(ms(p.start)).toBeLessThan(ms(p.end));
          const next = list[i + 1];
          if (next) {
            expect(next.index).toBe(p.index + 1);
            expect(next.start).toEqual(p.end);
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});
