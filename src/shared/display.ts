/**
 * How counts, credits, money and local dates read for people, the same in the console and in the PDFs the
 * server writes (statements, receipts). src/web/lib/format.ts re-exports these.
 */
export const DISPLAY_LOCALE = 'en-GB';

const credits = new Intl.NumberFormat(DISPLAY_LOCALE, { maximumFractionDigits: 3 });

/** Credits have at most three decimals: 1,234.5 — never rounded away. */
export const formatCredits = (n: number) => credits.format(n);

const integer = new Intl.NumberFormat(DISPLAY_LOCALE, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(DISPLAY_LOCALE, { style: 'percent', maximumFractionDigits: 1 });

/** A count: 1,204. */
export const formatNumber = (n: number) => integer.format(n);

/** A share in [0, 1] as a percentage: 0.1234 → 12.3%. */
export const formatPercent = (share: number) => percent.format(share);

export const formatCreditsUnit = (n: number) => `${credits.format(n)} ${n === 1 ? 'credit' : 'credits'}`;

/** An amount of money in whole cents of `currency`: "£12.50". */
export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(DISPLAY_LOCALE, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

const MONTHS = Array.from({ length: 12 }, (_, m) =>
  new Intl.DateTimeFormat(DISPLAY_LOCALE, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2000, m, 1)),
);

/** The short name of a month, 1–12. */
export const formatMonthName = (month: number) => MONTHS[month - 1] ?? String(month);

/** A local date (YYYY-MM-DD): "9 Mar 2026". */
export function formatDate(localDate: string): string {
  const [y = 0, m = 1, d = 1] = localDate.split('-').map(Number);
  return `${d} ${formatMonthName(m)} ${y}`;
}
