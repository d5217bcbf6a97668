/**
 * Credit alert thresholds (docs/product.md, Credit alerts): shares of the period's allotment. A
 * threshold is reached when the credits left are at or below that share of it; 0 % means none left.
 */
export const DEFAULT_THRESHOLDS: readonly number[] = [25, 10, 0];

/** The thresholds reached at this balance, highest first; none when the plan grants nothing. */
export function reachedThresholds(
  thresholds: readonly number[],
  balanceMilli: number,
  allotmentMilli: number,
): number[] {
  if (allotmentMilli <= 0) return [];
  // Integers on both sides: balance / allotment <= t / 100 without a division.
  return thresholds.filter((t) => balanceMilli * 100 <= t * allotmentMilli).sort((a, b) => b - a);
}

/** Credits left as a percentage of the allotment, to one decimal (negative in overage). */
export function percentLeft(balanceMilli: number, allotmentMilli: number): number {
  if (allotmentMilli <= 0) return 0;
  // In tenths of a percent, on integers, then to one decimal.
  return Math.round((balanceMilli * 100 * 10) / allotmentMilli) / 10;
}

/** Thresholds as stored: distinct whole percentages, highest first. */
export function normalizeThresholds(thresholds: readonly number[]): number[] {
  return [...new Set(thresholds)].sort((a, b) => b - a);
}
