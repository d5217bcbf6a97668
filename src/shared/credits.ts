/** Credits are integer thousandths ("milli") everywhere inside; these are the only conversions. */
export const MILLI_PER_CREDIT = 1000;

export function milliToCredits(milli: number): number {
  return milli / MILLI_PER_CREDIT;
}

/** The nearest whole thousandth to any number of credits (a projection, a rate times a count). */
export function nearestMilli(credits: number): number {
  return Math.round(credits * MILLI_PER_CREDIT);
}

/** Exact for any number of credits given with at most three decimals; rejects finer amounts. */
export function creditsToMilli(credits: number): number {
  const milli = Math.round(credits * MILLI_PER_CREDIT);
  if (!Number.isSafeInteger(milli) || !hasAtMostThreeDecimals(credits)) {
    throw new RangeError(`${credits} is not a whole number of thousandths of a credit`);
  }
  return milli;
}

export function hasAtMostThreeDecimals(credits: number): boolean {
  return (
    Number.isFinite(credits) &&
    Math.abs(Math.round(credits * MILLI_PER_CREDIT) - credits * MILLI_PER_CREDIT) <= 1e-6
  );
}

/** A purchase's price: per whole credit, a fraction charged pro rata and rounded up to a cent. */
export function purchaseTotalCents(creditsMilli: number, unitPriceCents: number): number {
  return Math.ceil((creditsMilli * unitPriceCents) / MILLI_PER_CREDIT);
}

/**
 * What credits are worth at the plan's price, in whole cents: what buying them would cost
 * (docs/product.md, The balance). Integer arithmetic, so a sum of values is exact.
 */
export const creditsValueCents = purchaseTotalCents;
