/**
 * The demo's calendar of hiring: how busy recruiting is in each month of the year, relative to
 * an average month. Hiring peaks early in the year (new budgets, January to March) and again in
 * the autumn (September, October); it is quiet in the summer holidays and in December.
 */
export const MONTH_WEIGHTS: readonly number[] = [
  1.75, // January
  2.0, // February
  1.6, // March
  0.95, // April
  0.8, // May
  0.55, // June
  0.4, // July
  0.5, // August
  1.45, // September
  1.6, // October
  0.85, // November
  0.4, // December
];

/**
 * Relative hiring activity of a month: the seasonal weight of its calendar month (1..12) times
 * the tenant's growth since its first month (`monthsSinceStart`), compounded smoothly.
 */
export function hiringIntensity(
  calendarMonth: number,
  monthsSinceStart: number,
  growthPerYear: number,
): number {
  const weight = MONTH_WEIGHTS[calendarMonth - 1];
  if (weight === undefined) throw new RangeError(`No such month: ${calendarMonth}`);
  return weight * (1 + growthPerYear) ** (monthsSinceStart / 12);
}
