import { describe, expect, it } from 'vitest';
import type { BillingContext } from '../ledger/plans.js';
import { elapsedPart, inProgressOn, previousRange } from './range.js';

const month = (ym: string, last: number) => ({
  from: `${ym}-01`,
  to: `${ym}-${String(last).padStart(2, '0')}`,
});

describe('elapsedPart: the same days of the range before', () => {
  it('sets the first days of a month against the same first days of the month a year before', () => {
    expect(elapsedPart(month('2026-12', 31), month('2025-12', 31), '2026-12-03')).toEqual({
      from: '2025-12-01',
      to: '2025-12-03',
    });
  });

  it('is null for a range over, on its last day, or not begun', () => {
    const dec = month('2026-12', 31);
    const before = month('2025-12', 31);
    expect(elapsedPart(dec, before, '2027-01-05')).toBeNull();
    expect(elapsedPart(dec, before, '2026-12-31')).toBeNull();
    expect(elapsedPart(dec, before, '2026-11-30')).toBeNull();
    expect(inProgressOn(dec, '2026-12-30')).toBe(true);
    expect(inProgressOn(dec, '2026-12-31')).toBe(false);
  });

  it('keeps to the shorter February: 1–28 Feb 2028 against all of Feb 2027, 1–27 Feb 2029 against 1–27 Feb 2028', () => {
    expect(elapsedPart(month('2028-02', 29), month('2027-02', 28), '2028-02-28')).toEqual(
      month('2027-02', 28),
    );
    expect(elapsedPart(month('2028-02', 29), month('2027-02', 28), '2028-02-29')).toBeNull();
    expect(elapsedPart(month('2029-02', 28), month('2028-02', 29), '2029-02-27')).toEqual(
      month('2028-02', 27),
    );
  });

  it('clips to the range before when that one is shorter (a 31-day period after a 28-day one)', () => {
    expect(elapsedPart(month('2026-03', 31), month('2026-02', 28), '2026-03-30')).toEqual(
      month('2026-02', 28),
    );
  });
});

describe('previousRange: what a range is compared with', () => {
  // Billing periods from the 15th, so calendar months are not billing periods here.
  const ctx = {
    tenantId: 't',
    timeZone: 'America/New_York',
    anchor: '2024-01-15',
    plan: { periodUnit: 'month' },
    alertThresholds: [],
    autoTopUp: null,
  } as unknown as BillingContext;

  it('sets whole calendar months against as many months before, whatever their lengths', () => {
    expect(previousRange({ from: '2025-01-01', to: '2025-12-31' }, ctx)).toEqual({
      from: '2024-01-01',
      to: '2024-12-31',
    });
    expect(previousRange({ from: '2026-07-01', to: '2026-09-30' }, ctx)).toEqual({
      from: '2026-04-01',
      to: '2026-06-30',
    });
    expect(previousRange({ from: '2026-11-01', to: '2026-11-30' }, ctx)).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
    });
    expect(previousRange({ from: '2024-03-01', to: '2024-03-31' }, ctx)).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
  });

  it('sets a billing period against the one before, and other ranges against as many days before', () => {
    expect(previousRange({ from: '2026-11-15', to: '2026-12-14' }, ctx)).toEqual({
      from: '2026-10-15',
      to: '2026-11-14',
    });
    expect(previousRange({ from: '2026-11-05', to: '2026-11-14' }, ctx)).toEqual({
      from: '2026-10-26',
      to: '2026-11-04',
    });
    expect(previousRange({ from: '2026-11-01', to: '2026-11-29' }, ctx)).toEqual({
      from: '2026-10-03',
      to: '2026-10-31',
    });
  });
});
