import { describe, expect, it } from 'vitest';
import { bucketStarts, bucketsOf } from './buckets.js';

describe('bucketStarts', () => {
  it('lists every day of a range, both ends included', () => {
    expect(bucketStarts({ from: '2024-02-27', to: '2024-03-01' }, 'day')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
  });
  it('starts weeks on the Monday on or before the range start', () => {
    expect(bucketStarts({ from: '2026-11-25', to: '2026-12-08' }, 'week')).toEqual([
      '2026-11-23',
      '2026-11-30',
      '2026-12-07',
    ]);
  });
  it('lists months from the month of the range start', () => {
    expect(bucketStarts({ from: '2025-11-15', to: '2026-02-01' }, 'month')).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ]);
  });
});

describe('bucketsOf', () => {
  it('marks the bucket holding today in progress through today, and the buckets after it not begun', () => {
    const weeks = bucketsOf({ from: '2026-12-01', to: '2026-12-31' }, 'week', '2026-12-03');
    expect(weeks[0]).toEqual({
      start: '2026-11-30',
      from: '2026-12-01',
      to: '2026-12-06',
      partial: true,
      throughDay: '2026-12-03',
      begun: true,
    });
    expect(weeks.slice(1).map((w) => [w.start, w.begun, w.partial])).toEqual([
      ['2026-12-07', false, false],
      ['2026-12-14', false, false],
      ['2026-12-21', false, false],
      ['2026-12-28', false, true],
    ]);
    expect(weeks[4]).toMatchObject({ from: '2026-12-28', to: '2026-12-31', throughDay: null });
  });

  it('counts a bucket whole on its last day, and a day never partial', () => {
    expect(bucketsOf({ from: '2026-11-01', to: '2026-11-30' }, 'month', '2026-11-30')[0]).toMatchObject({
      partial: false,
      throughDay: null,
      begun: true,
    });
    const days = bucketsOf({ from: '2026-12-02', to: '2026-12-04' }, 'day', '2026-12-03');
    expect(days.map((d) => [d.start, d.partial, d.throughDay, d.begun])).toEqual([
      ['2026-12-02', false, null, true],
      ['2026-12-03', false, null, true],
      ['2026-12-04', false, null, false],
    ]);
  });

  it('marks a bucket the range clips as partial with the days it counts, in the past too', () => {
    const months = bucketsOf({ from: '2024-01-15', to: '2024-02-29' }, 'month', '2026-12-03');
    expect(months).toEqual([
      {
        start: '2024-01-01',
        from: '2024-01-15',
        to: '2024-01-31',
        partial: true,
        throughDay: null,
        begun: true,
      },
      {
        start: '2024-02-01',
        from: '2024-02-01',
        to: '2024-02-29',
        partial: false,
        throughDay: null,
        begun: true,
      },
    ]);
  });

  it('has not begun a bucket whose start is before today when its days in the range are all after it', () => {
    // The week of Monday 7 Dec, cut to 10–13 Dec, on Tuesday 8 Dec.
    expect(bucketsOf({ from: '2026-12-10', to: '2026-12-13' }, 'week', '2026-12-08')).toEqual([
      {
        start: '2026-12-07',
        from: '2026-12-10',
        to: '2026-12-13',
        partial: true,
        throughDay: null,
        begun: false,
      },
    ]);
  });
});
