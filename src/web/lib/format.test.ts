import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, formatDateRange, formatPeriod, setDisplayTimeZone } from './format';

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
