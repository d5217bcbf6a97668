// Date-only arithmetic on local dates: plain 'YYYY-MM-DD' strings, which compare and sort correctly
// as strings. Exact integer day counting, no time zone involved, so the console shares it with the
// server without loading time-zone rules (calendar.ts adds the zone-aware part and re-exports these).

export const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Years 1..9999: what Postgres `date` and a 4-digit YYYY can both hold.
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

interface Ymd {
  year: number;
  month: number;
  day: number;
}

// Day numbers since 1970-01-01. setUTCFullYear, unlike Date.UTC, does not remap years 0-99 to 19xx.
function toDayNumber(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() / DAY_MS;
}

function fromDayNumber(n: number): Ymd {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function daysInMonth(year: number, month: number): number {
  return toDayNumber(year, month + 1, 1) - toDayNumber(year, month, 1);
}

function toYmd(s: string): Ymd | null {
  const m = typeof s === 'string' ? DATE_RE.exec(s) : null;
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isValidDate(s: string): boolean {
  return toYmd(s) !== null;
}

function parseDate(date: string): Ymd {
  const ymd = toYmd(date);
  if (!ymd) throw new RangeError(`Invalid date '${date}': expected a real calendar date as YYYY-MM-DD`);
  return ymd;
}

/** Days since 1970-01-01 of a local date. */
export function dayNumberOf(date: string): number {
  const { year, month, day } = parseDate(date);
  return toDayNumber(year, month, day);
}

function formatDate({ year, month, day }: Ymd): string {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`Date out of range: year ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function requireInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

/** The local date of a day number (days since 1970-01-01). */
export function dateOfDayNumber(n: number): string {
  return formatDate(fromDayNumber(n));
}

/** Adds calendar months; the day is clamped to the target month's end (Jan 31 + 1 month = Feb 28/29). */
export function addMonthsClamped(date: string, months: number): string {
  requireInteger(months, 'months');
  const { year, month, day } = parseDate(date);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  if (y < MIN_YEAR || y > MAX_YEAR) throw new RangeError(`Date out of range: year ${y}`);
  return formatDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

/** Whole calendar months from a's month to b's month, ignoring the days (2024-01-31 → 2024-02-01 is 1). */
export function calendarMonthsBetween(a: string, b: string): number {
  const da = parseDate(a);
  const db = parseDate(b);
  return (db.year - da.year) * 12 + (db.month - da.month);
}

/** The Monday of the ISO week holding the date. */
export function startOfWeek(date: string): string {
  const n = dayNumberOf(date);
  // Day 0 (1970-01-01) was a Thursday, so (n + 3) mod 7 counts days since Monday.
  const sinceMonday = (((n + 3) % 7) + 7) % 7;
  return formatDate(fromDayNumber(n - sinceMonday));
}

export function startOfMonth(date: string): string {
  return formatDate({ ...parseDate(date), day: 1 });
}

export function addDays(date: string, n: number): string {
  requireInteger(n, 'days');
  return formatDate(fromDayNumber(dayNumberOf(date) + n));
}

/** Whole days from a to b (b - a); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return dayNumberOf(b) - dayNumberOf(a);
}

/** The last day of the date's month. */
export function endOfMonth(date: string): string {
  return addDays(addMonthsClamped(startOfMonth(date), 1), -1);
}

/** The longest range the console and the API take: five years, leap days included (docs/product.md, Filters). */
export const MAX_RANGE_DAYS = 5 * 366;
