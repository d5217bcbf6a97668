/**
 * Every number, credit amount, price and date the console shows goes through here, so they
 * read the same way on every screen.
 */
import {
  formatDate,
  formatMonthName,
  formatNumber,
  formatPercent,
  DISPLAY_LOCALE as LOCALE,
} from '../../shared/display';

export {
  formatCredits,
  formatCreditsUnit,
  formatDate,
  formatMoney,
  formatMonthName,
  formatNumber,
  formatPercent,
} from '../../shared/display';

let displayTimeZone = 'UTC';

/** Instants (ledger entries, interview times, lot expiry) are shown in the tenant's time zone. */
export function setDisplayTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone });
    displayTimeZone = timeZone;
  } catch {
    displayTimeZone = 'UTC';
  }
}

export const getDisplayTimeZone = () => displayTimeZone;

/** A count of interviews with its noun: "1 interview", "1,204 interviews". */
export const formatInterviewsUnit = (n: number) =>
  `${formatNumber(n)} ${n === 1 ? 'interview' : 'interviews'}`;

/** The change from `previous` to `current`, e.g. "+12.5%"; undefined when there is no base. */
export function formatChange(current: number, previous: number): string | undefined {
  if (previous === 0) return current === 0 ? '0%' : undefined;
  const change = (current - previous) / previous;
  return `${change > 0 ? '+' : ''}${formatPercent(change)}`;
}

function parts(localDate: string): [number, number, number] {
  const [y = 0, m = 1, d = 1] = localDate.split('-').map(Number);
  return [y, m, d];
}

/** "1 – 31 Mar 2026", "28 Feb – 27 Mar 2026", "1 Dec 2025 – 31 Jan 2026". */
export function formatDateRange(from: string, to: string): string {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  if (from === to) return formatDate(from);
  if (fy === ty && fm === tm) return `${fd} – ${td} ${formatMonthName(tm)} ${ty}`;
  if (fy === ty) return `${fd} ${formatMonthName(fm)} – ${td} ${formatMonthName(tm)} ${ty}`;
  return `${formatDate(from)} – ${formatDate(to)}`;
}

/** A chart bucket's label: a day "9 Mar", a week "w/c 9 Mar", a month "Mar 2026". */
export function formatBucket(start: string, granularity: 'day' | 'week' | 'month'): string {
  const [y, m, d] = parts(start);
  if (granularity === 'month') return `${formatMonthName(m)} ${y}`;
  if (granularity === 'week') return `w/c ${d} ${formatMonthName(m)}`;
  return `${d} ${formatMonthName(m)}`;
}

/** Days within one year, without it: "3 Dec", "1 – 3 Dec", "30 Nov – 3 Dec". */
export function formatDaySpan(from: string, to: string): string {
  const [, fm, fd] = parts(from);
  const [, tm, td] = parts(to);
  if (from === to) return `${fd} ${formatMonthName(fm)}`;
  if (fm === tm) return `${fd} – ${td} ${formatMonthName(tm)}`;
  return `${fd} ${formatMonthName(fm)} – ${td} ${formatMonthName(tm)}`;
}

/**
 * A chart point's label, saying when it counts part of its bucket: "w/c 30 Nov: 1 – 3 Dec, in
 * progress" (today lies in it), "w/c 28 Dec: 28 – 31 Dec only" (the range cuts it), "w/c 7 Dec".
 */
export function formatPoint(
  p: { start: string; from: string; to: string; partial: boolean; throughDay: string | null },
  granularity: 'day' | 'week' | 'month',
): string {
  const bucket = formatBucket(p.start, granularity);
  if (p.throughDay) return `${bucket}: ${formatDaySpan(p.from, p.throughDay)}, in progress`;
  if (p.partial) return `${bucket}: ${formatDaySpan(p.from, p.to)} only`;
  return bucket;
}

/**
 * A year-over-year month's label: "Mar" when both sides are whole months; for the month in
 * progress the days each side counts, "Dec: 1 – 3 Dec vs 1 – 3 Dec 2025".
 */
export function formatYearOverYearMonth(m: {
  month: number;
  throughDay: string | null;
  lastYear: { periodStart: string; periodEnd: string } | null;
}): string {
  const name = formatMonthName(m.month);
  if (!m.throughDay || !m.lastYear) return name;
  const thisYear = formatDaySpan(`${m.throughDay.slice(0, 8)}01`, m.throughDay);
  return `${name}: ${thisYear} vs ${formatDateRange(m.lastYear.periodStart, m.lastYear.periodEnd)}`;
}

const dateTime = new Map<string, Intl.DateTimeFormat>();

/** An instant (ISO string) in the tenant's time zone: "9 Mar 2026, 14:05". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  let f = dateTime.get(displayTimeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: displayTimeZone,
    });
    dateTime.set(displayTimeZone, f);
  }
  return f.format(new Date(iso));
}

const timeOfDay = new Map<string, Intl.DateTimeFormat>();

/** An instant's time of day in the tenant's time zone, to the second: "10:42:07". */
export function formatTimeOfDay(iso: string): string {
  let f = timeOfDay.get(displayTimeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZone: displayTimeZone,
    });
    timeOfDay.set(displayTimeZone, f);
  }
  return f.format(new Date(iso));
}

/** An instant's local date in the tenant's time zone, as YYYY-MM-DD. */
export function localDateOf(instant: Date | string): string {
  return new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: displayTimeZone,
  }).format(new Date(instant));
}

/** An instant's date only: "9 Mar 2026". */
export const formatDay = (iso: string | null | undefined) => (iso ? formatDate(localDateOf(iso)) : '—');

/**
 * A span of instants, its end excluded (a billing period as the ledger keeps it), as the range of
 * local days it covers: "1 – 31 Mar 2026", as the same period reads on the Consumption page.
 */
export function formatPeriod(startIso: string, endIso: string): string {
  const lastDay = localDateOf(new Date(Date.parse(endIso) - 1));
  return formatDateRange(localDateOf(startIso), lastDay);
}

const words = (s: string) => s.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

const ROLE_LABELS: Record<string, string> = {
  account_admin: 'Account Admin',
  recruiter: 'Recruiter',
  viewer: 'Viewer',
};
export const formatRole = (role: string) => ROLE_LABELS[role] ?? words(role);

/** An interview state or ledger kind for people: partially_completed → Partially completed. */
export const formatLabel = (value: string) => words(value);
