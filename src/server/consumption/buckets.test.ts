import { describe, expect, it } from 'vitest';
import { bucketStarts } from './buckets.js';

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
