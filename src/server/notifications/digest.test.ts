import { describe, expect, it } from 'vitest';
import { dueDigestWeek, nextDigestCheck } from './digest.js';

describe('the weekly digest', () => {
  it("is due from Monday 08:00 in the tenant's zone for a day, and reports the week before", () => {
    const week = { from: '2026-11-23', to: '2026-11-29' };
    // Monday 30 November 2026, New York (UTC−5).
    expect(dueDigestWeek(new Date('2026-11-30T12:59:59Z'), 'America/New_York')).toBeNull();
    expect(dueDigestWeek(new Date('2026-11-30T13:00:00Z'), 'America/New_York')).toEqual(week);
    expect(dueDigestWeek(new Date('2026-12-01T12:59:59Z'), 'America/New_York')).toEqual(week);
    expect(dueDigestWeek(new Date('2026-12-01T13:00:00Z'), 'America/New_York')).toBeNull();
    // The same instant is already Monday evening in Auckland: due there since 08:00 local.
    expect(dueDigestWeek(new Date('2026-11-30T05:00:00Z'), 'Pacific/Auckland')).toEqual(week);
  });

  it('keeps 08:00 local across a change of clocks', () => {
    // Monday 2 November 2026, the day after New York leaves summer time (UTC−5 from 1 November).
    expect(dueDigestWeek(new Date('2026-11-02T12:59:00Z'), 'America/New_York')).toBeNull();
    expect(dueDigestWeek(new Date('2026-11-02T13:00:00Z'), 'America/New_York')).toEqual({
      from: '2026-10-26',
      to: '2026-11-01',
    });
  });

  it('is looked for again at the next Monday 08:00, or a minute on while due', () => {
    const ny = 'America/New_York';
    // Friday: the next look is Monday 30 November, 08:00 in New York.
    expect(nextDigestCheck(new Date('2026-11-27T15:00:00Z'), ny)).toBe(Date.parse('2026-11-30T13:00:00Z'));
    // Monday before 08:00: that same morning.
    expect(nextDigestCheck(new Date('2026-11-30T12:00:00Z'), ny)).toBe(Date.parse('2026-11-30T13:00:00Z'));
    // While due: a minute on.
    expect(nextDigestCheck(new Date('2026-11-30T14:00:00Z'), ny)).toBe(Date.parse('2026-11-30T14:01:00Z'));
    // After the window: the Monday after.
    expect(nextDigestCheck(new Date('2026-12-01T13:00:00Z'), ny)).toBe(Date.parse('2026-12-07T13:00:00Z'));
  });
});
