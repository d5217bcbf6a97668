import { hash } from 'node:crypto';
import { localDate } from '../../shared/calendar.js';
import { emptyUsageCounts, USAGE_COUNT_KEYS, type UsageCounts } from '../../shared/metrics.js';
import { milestones } from './rollup.js';
import type { Attribution, InterviewRecord } from './state.js';

/**
 * An interview's attribution set (docs/product.md, Filters): its recruiter, department, location and
 * tags at once, the grain filters are answered from (migration 014).
 */
export interface AttributionSet {
  id: string;
  recruiterId: string | null;
  department: string | null;
  location: string | null;
  tags: Record<string, string>;
}

/** Keyed by the set's values, so an interview's set is read from its attribution once per process. */
const known = new Map<string, AttributionSet>();
/** Sets are few per tenant; the cache is dropped whole past this many rather than tracked. */
const KNOWN_MAX = 10_000;

const byKey = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/** The set of the values given (tags in any order); its id is a digest of them, the same everywhere. */
export function setOfValues(
  recruiterId: string | null,
  department: string | null,
  location: string | null,
  tags: Record<string, string>,
): AttributionSet {
  const sortedTags = Object.entries(tags).sort(byKey);
  const canonical = JSON.stringify([recruiterId, department, location, sortedTags]);
  let set = known.get(canonical);
  if (!set) {
    if (known.size >= KNOWN_MAX) known.clear();
    set = {
      id: hash('sha256', canonical, 'base64url').slice(0, 22),
      recruiterId,
      department,
      location,
      tags: Object.fromEntries(sortedTags),
    };
    known.set(canonical, set);
  }
  return set;
}

/** The interview's set, or null when it has no attribute (no filter selects it). */
export function setOf(attribution: Attribution | null): AttributionSet | null {
  if (attribution === null) return null;
  const tags: Record<string, string> = {};
  let any = false;
  for (const [dimension, attribute] of Object.entries(attribution)) {
    if (!attribute) continue;
    any = true;
    if (dimension.startsWith('tag:')) tags[dimension.slice(4)] = attribute.value;
  }
  if (!any) return null;
  return setOfValues(
    attribution.recruiter?.value ?? null,
    attribution.department?.value ?? null,
    attribution.location?.value ?? null,
    tags,
  );
}

/**
 * Usage by attribution set, opening and local day, keyed `${setId}\u0000${openingId}\u0000${day}`,
 * with the sets met (to store) in `sets`.
 */
export interface SetDelta {
  rows: Map<string, UsageCounts>;
  sets: Map<string, AttributionSet>;
}

export const emptySetDelta = (): SetDelta => ({ rows: new Map(), sets: new Map() });

export const setRollupKey = (setId: string, openingId: string, day: string) =>
  `${setId}\u0000${openingId}\u0000${day}`;

/**
 * Adds (sign +1) or removes (sign -1) one interview's contribution under its attribution set: the
 * daily rollups' counts on the same days. A later event that changes the attribution moves it, as
 * ingest removes the interview's contribution before and adds the one after.
 */
export function addSetContribution(
  delta: SetDelta,
  r: InterviewRecord,
  chargedMilli: number,
  tz: string,
  sign: 1 | -1,
): void {
  const set = setOf(r.attribution);
  if (set === null) return;
  delta.sets.set(set.id, set);
  for (const [field, at, n] of milestones(r, chargedMilli)) {
    const key = setRollupKey(set.id, r.openingId, localDate(new Date(at), tz));
    let counts = delta.rows.get(key);
    if (!counts) {
      counts = emptyUsageCounts();
      delta.rows.set(key, counts);
    }
    counts[field] += sign * n;
  }
}

/** Adds one delta's rows and sets into another. */
export function mergeSetDelta(into: SetDelta, from: SetDelta): void {
  for (const [id, set] of from.sets) into.sets.set(id, set);
  for (const [key, c] of from.rows) {
    const existing = into.rows.get(key);
    if (!existing) into.rows.set(key, { ...c });
    else for (const k of USAGE_COUNT_KEYS) existing[k] += c[k];
  }
}

/** The delta's rows with a non-zero counter, as [setId, openingId, day, counts]. */
export function setChanges(delta: SetDelta): [string, string, string, UsageCounts][] {
  const out: [string, string, string, UsageCounts][] = [];
  for (const [key, c] of delta.rows) {
    if (USAGE_COUNT_KEYS.every((k) => c[k] === 0)) continue;
    const [setId, openingId, day] = key.split('\u0000') as [string, string, string];
    out.push([setId, openingId, day, c]);
  }
  return out;
}
