// Calendar arithmetic for tenants' local days, weeks and months. Every "day" in Meterline is a day in the
// tenant's IANA time zone, so all conversions between instants and local dates go through this file.
// Time zone rules come from Luxon; date-only arithmetic is in local-dates.ts (which the console
// imports without Luxon), re-exported here for the server.
import { IANAZone } from 'luxon';
import { DAY_MS, dateOfDayNumber, dayNumberOf } from './local-dates.js';

export {
  addDays,
  addMonthsClamped,
  calendarMonthsBetween,
  daysBetween,
  isValidDate,
  startOfMonth,
  startOfWeek,
} from './local-dates.js';

const MINUTE_MS = 60_000;
// An IANA name, not an offset like '+05:00' (which Intl also accepts but has no DST rules).
const ZONE_NAME_RE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

const zones = new Map<string, IANAZone>();

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || !ZONE_NAME_RE.test(tz)) return false;
  return zones.has(tz) || IANAZone.isValidZone(tz);
}

// Only valid zones are cached, so the cache is bounded by the tz database.
function zoneOf(timeZone: string): IANAZone {
  let zone = zones.get(timeZone);
  if (!zone) {
    if (!isValidTimeZone(timeZone)) throw new RangeError(`Invalid IANA time zone '${timeZone}'`);
    zone = IANAZone.create(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

function instantMillis(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError('Invalid instant');
  return ms;
}

// Luxon's offset() formats a date through Intl (tens of microseconds); ingest asks for the local day
// of every milestone of every interview. Offsets are cached per zone and UTC day where the offset is
// the same at both ends of the day (no zone changes its offset and back within a day), and per quarter
// hour on the few days with a transition (transitions fall on whole quarter hours of UTC); a quarter
// with a transition inside asks Luxon each time.
const QUARTER_MS = 15 * MINUTE_MS;
interface ZoneOffsets {
  /** Per UTC day: its one offset, or null when it has a transition. */
  days: Map<number, number | null>;
  quarters: Map<number, number>;
}
const offsetCache = new Map<string, ZoneOffsets>();
const OFFSET_CACHE_MAX = 200_000;

/** The offset in `span` (ms) number `n`, when it is the same at both ends; else undefined. */
function steadyOffset(zone: IANAZone, span: number, n: number): number | undefined {
  const start = zone.offset(n * span);
  return zone.offset((n + 1) * span - 1) === start ? start : undefined;
}

function offsetAt(timeZone: string, ms: number): number {
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    cache = { days: new Map(), quarters: new Map() };
    offsetCache.set(timeZone, cache);
  }
  const day = Math.floor(ms / DAY_MS);
  let dayOffset = cache.days.get(day);
  if (dayOffset === undefined) {
    dayOffset = steadyOffset(zoneOf(timeZone), DAY_MS, day) ?? null;
    if (cache.days.size >= OFFSET_CACHE_MAX) cache.days.clear();
    cache.days.set(day, dayOffset);
  }
  if (dayOffset !== null) return dayOffset;
  const quarter = Math.floor(ms / QUARTER_MS);
  const known = cache.quarters.get(quarter);
  if (known !== undefined) return known;
  const zone = zoneOf(timeZone);
  const steady = steadyOffset(zone, QUARTER_MS, quarter);
  if (steady === undefined) return zone.offset(ms);
  if (cache.quarters.size >= OFFSET_CACHE_MAX) cache.quarters.clear();
  cache.quarters.set(quarter, steady);
  return steady;
}

/** The local date ('YYYY-MM-DD') of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const ms = instantMillis(instant);
  const local = ms + offsetAt(timeZone, ms) * MINUTE_MS;
  return dateOfDayNumber(Math.floor(local / DAY_MS));
}

// Day starts are asked for over and over (every period boundary); the answer never changes, so keep
// recent ones. Cleared wholesale when full: simple, and bounded.
const dayStarts = new Map<string, number>();
const DAY_STARTS_MAX = 50_000;

/**
 * The first instant of a local date: its midnight, or where DST skips midnight, the transition that
 * starts the day. Where midnight happens twice (clocks fall back to 00:00), the earlier one.
 */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const key = `${timeZone}|${date}`;
  let ms = dayStarts.get(key);
  if (ms === undefined) {
    ms = computeStartOfLocalDate(date, timeZone);
    if (dayStarts.size >= DAY_STARTS_MAX) dayStarts.clear();
    dayStarts.set(key, ms);
  }
  return new Date(ms);
}

function computeStartOfLocalDate(date: string, timeZone: string): number {
  const zone = zoneOf(timeZone);
  // Local midnight read as if it were UTC; the real instant is this minus the offset in force then.
  const wall = dayNumberOf(date) * DAY_MS;
  const before = zone.offset(wall - DAY_MS);
  const after = zone.offset(wall + DAY_MS);
  // No transition within a day either side (nearly always): midnight is unambiguous.
  if (before === after) return wall - before * MINUTE_MS;

  // A day sees at most one transition in practice, so these offsets cover every candidate midnight.
  const offsets = [before, zone.offset(wall), after];
  let best: number | null = null;
  for (const offset of offsets) {
    const t = wall - offset * MINUTE_MS;
    if (zone.offset(t) === offset && (best === null || t < best)) best = t;
  }
  if (best !== null) return best;

  // Midnight was skipped: find the first instant whose local time is at or past it (the transition).
  const localAt = (t: number) => t + zone.offset(t) * MINUTE_MS;
  let lo = wall - Math.max(...offsets) * MINUTE_MS; // local time still on the previous day
  let hi = wall - Math.min(...offsets) * MINUTE_MS; // local time already past midnight
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localAt(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
