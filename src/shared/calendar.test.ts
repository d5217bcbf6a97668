import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsClamped,
  calendarMonthsBetween,
  daysBetween,
  isValidDate,
  isValidTimeZone,
  localDate,
  startOfLocalDate,
  startOfMonth,
  startOfWeek,
} from './calendar.js';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const start = (date: string, tz: string) => startOfLocalDate(date, tz).toISOString();
const dayLengthHours = (date: string, tz: string) =>
  (startOfLocalDate(addDays(date, 1), tz).getTime() - startOfLocalDate(date, tz).getTime()) / HOUR;

describe('localDate', () => {
  it('reads the date in the zone, not in UTC', () => {
    const instant = at('2024-03-01T03:00:00Z');
    expect(localDate(instant, 'UTC')).toBe('2024-03-01');
    expect(localDate(instant, 'America/New_York')).toBe('2024-02-29');
    expect(localDate(at('2024-03-01T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2024-03-01');
    expect(localDate(at('2024-03-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2024-03-02');
    expect(localDate(at('2024-12-31T11:00:00Z'), 'Pacific/Auckland')).toBe('2025-01-01');
  });

  it('rejects bad zones and instants', () => {
    expect(() => localDate(at('2024-01-01T00:00:00Z'), 'Mars/Olympus')).toThrow(/time zone/);
    expect(() => localDate(new Date(Number.NaN), 'UTC')).toThrow(/instant/);
  });
});

describe('startOfLocalDate', () => {
  it('is local midnight in zones with fractional offsets', () => {
    expect(start('2024-01-01', 'Asia/Kolkata')).toBe('2023-12-31T18:30:00.000Z');
    expect(start('2024-01-01', 'Australia/Lord_Howe')).toBe('2023-12-31T13:00:00.000Z');
    expect(start('2024-07-01', 'Australia/Lord_Howe')).toBe('2024-06-30T13:30:00.000Z');
  });

  it('gives 23- and 25-hour days at DST changes', () => {
    expect(dayLengthHours('2024-03-10', 'America/New_York')).toBe(23);
    expect(dayLengthHours('2024-11-03', 'America/New_York')).toBe(25);
    expect(dayLengthHours('2024-03-31', 'Europe/London')).toBe(23);
    expect(dayLengthHours('2024-10-27', 'Europe/London')).toBe(25);
    expect(dayLengthHours('2024-09-29', 'Pacific/Auckland')).toBe(23);
    expect(dayLengthHours('2024-04-07', 'Pacific/Auckland')).toBe(25);
    // Lord Howe shifts by half an hour.
    expect(dayLengthHours('2024-10-06', 'Australia/Lord_Howe')).toBe(23.5);
    expect(dayLengthHours('2024-04-07', 'Australia/Lord_Howe')).toBe(24.5);
    expect(dayLengthHours('2024-06-01', 'Asia/Kolkata')).toBe(24);
  });

  it('starts a day whose midnight is skipped at the transition', () => {
    // Brazil sprang forward at 00:00 → 01:00; Azores at 00:00 → 01:00 too.
    expect(start('2018-11-04', 'America/Sao_Paulo')).toBe('2018-11-04T03:00:00.000Z');
    expect(localDate(startOfLocalDate('2018-11-04', 'America/Sao_Paulo'), 'America/Sao_Paulo')).toBe(
      '2018-11-04',
    );
    expect(start('2024-03-31', 'Atlantic/Azores')).toBe('2024-03-31T01:00:00.000Z');
    expect(start('2022-09-11', 'America/Santiago')).toBe('2022-09-11T04:00:00.000Z');
  });

  it('takes the first of two midnights when clocks fall back to 00:00', () => {
    // Azores falls back 01:00 → 00:00, so 00:00-00:59 happens twice on 2024-10-27.
    expect(start('2024-10-27', 'Atlantic/Azores')).toBe('2024-10-27T00:00:00.000Z');
    expect(localDate(at('2024-10-26T23:59:59.999Z'), 'Atlantic/Azores')).toBe('2024-10-26');
  });

  it('maps a day that never happened to the start of the next one', () => {
    // Samoa skipped 2011-12-30 when it crossed the date line.
    expect(start('2011-12-30', 'Pacific/Apia')).toBe(start('2011-12-31', 'Pacific/Apia'));
    expect(start('2011-12-31', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
  });

  it('rejects bad dates and zones', () => {
    expect(() => startOfLocalDate('2023-02-29', 'UTC')).toThrow(/Invalid date/);
    expect(() => startOfLocalDate('2024-01-01', 'Nowhere/Land')).toThrow(/time zone/);
  });

  it('is the first instant whose local date is that date (property)', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Asia/Kolkata',
      'Pacific/Auckland',
      'Australia/Lord_Howe',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2060-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (instant, tz) => {
          const date = localDate(instant, tz);
          const s = startOfLocalDate(date, tz);
          expect(s.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(localDate(s, tz)).toBe(date);
          expect(localDate(new Date(s.getTime() - 1), tz)).toBe(addDays(date, -1));
        },
      ),
    );
  });
});

describe('addMonthsClamped', () => {
  it('clamps the day to the month end', () => {
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonthsClamped('2024-01-31', 2)).toBe('2024-03-31');
    expect(addMonthsClamped('2024-03-31', 1)).toBe('2024-04-30');
    expect(addMonthsClamped('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonthsClamped('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('goes backwards and across years', () => {
    expect(addMonthsClamped('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonthsClamped('2024-01-15', -1)).toBe('2023-12-15');
    expect(addMonthsClamped('2024-01-15', -25)).toBe('2021-12-15');
    expect(addMonthsClamped('2024-05-20', 0)).toBe('2024-05-20');
  });

  it('rejects fractional months and dates out of range', () => {
    expect(() => addMonthsClamped('2024-01-01', 0.5)).toThrow(/integer/);
    expect(() => addMonthsClamped('9999-12-01', 1)).toThrow(/out of range/);
  });
});

describe('isValidDate / isValidTimeZone', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2023-02-29')).toBe(false);
    expect(isValidDate('2024-04-31')).toBe(false);
    expect(isValidDate('2024-13-01')).toBe(false);
    expect(isValidDate('2024-00-10')).toBe(false);
    expect(isValidDate('2024-1-01')).toBe(false);
    expect(isValidDate('2024-01-01T00:00')).toBe(false);
    expect(isValidDate(' 2024-01-01')).toBe(false);
    expect(isValidDate('0000-01-01')).toBe(false);
    expect(isValidDate(20240101 as unknown as string)).toBe(false);
  });

  it('accepts IANA names only', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Auckland']) {
      expect(isValidTimeZone(tz)).toBe(true);
    }
    for (const tz of ['', 'Mars/Olympus', '+05:00', 'America/New York', 'local']) {
      expect(isValidTimeZone(tz)).toBe(false);
    }
  });
});

describe('weeks, months and days', () => {
  it('starts ISO weeks on Monday', () => {
    expect(startOfWeek('2024-01-01')).toBe('2024-01-01'); // a Monday
    expect(startOfWeek('2024-01-07')).toBe('2024-01-01'); // Sunday belongs to the week before
    expect(startOfWeek('2024-01-08')).toBe('2024-01-08');
    expect(startOfWeek('2021-01-01')).toBe('2020-12-28');
    expect(startOfWeek('2024-03-02')).toBe('2024-02-26');
  });

  it('starts months on the 1st', () => {
    expect(startOfMonth('2024-02-29')).toBe('2024-02-01');
    expect(startOfMonth('2024-12-01')).toBe('2024-12-01');
  });

  it('adds and counts whole days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2024-01-01')).toBe(-366);
    expect(daysBetween('2024-03-09', '2024-03-11')).toBe(2); // DST plays no part in date arithmetic
    expect(calendarMonthsBetween('2024-01-31', '2024-02-01')).toBe(1);
    expect(calendarMonthsBetween('2024-03-15', '2023-01-01')).toBe(-14);
  });

  it('addDays and daysBetween agree (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: -5000, max: 5000 }),
        (d, n) => {
          const date = d.toISOString().slice(0, 10);
          expect(daysBetween(date, addDays(date, n))).toBe(n);
        },
      ),
    );
  });
});

describe('localDate against Luxon', () => {
  it('agrees for any instant in zones with DST, half-hour and quarter-hour offsets', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/St_Johns',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          // Twice: the second answer comes from the offset cache.
          for (let i = 0; i < 2; i++) {
            expect(localDate(new Date(ms), zone)).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees minute by minute through days with a transition, however the cache was filled', () => {
    // Each day is walked twice, from either end: a day's cached offset must not leak across its transition.
    const days: [string, string][] = [
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Australia/Lord_Howe', '2026-04-05'],
      ['Australia/Lord_Howe', '2026-10-04'],
      ['America/St_Johns', '2026-03-08'],
    ];
    for (const [zone, day] of days) {
      const start = Date.parse(`${day}T00:00:00Z`) - 12 * 3_600_000;
      const minutes = [...Array(48 * 60).keys()];
      for (const order of [minutes, [...minutes].reverse()]) {
        for (const m of order) {
          const ms = start + m * 60_000;
          expect(localDate(new Date(ms), zone)).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
        }
      }
    }
  });
});
