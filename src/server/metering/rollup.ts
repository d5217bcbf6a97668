import { localDate } from '../../shared/calendar.js';
import { ROW_FIGURES, type RowFigure } from '../../shared/contract/consumption.js';
import { emptyUsageCounts, USAGE_COUNT_KEYS, type UsageCounts } from '../../shared/metrics.js';
import type { InterviewRecord } from './state.js';
import { deriveState } from './state.js';

/** The rollup tables' column of each count (daily_usage and tenant_daily_usage alike). */
export const COUNTER_COLUMNS: Record<keyof UsageCounts, string> = {
  invited: 'invited',
  started: 'started',
  completed: 'completed',
  partiallyCompleted: 'partially_completed',
  expired: 'expired',
  cancelled: 'cancelled',
  simulations: 'simulations',
  creditsMilli: 'credits_milli',
};

/** Counts read from a rollup row (snake_case columns), times `sign`. */
export function countsFromRow(row: Record<string, unknown>, sign: 1 | -1 = 1): UsageCounts {
  const counts = emptyUsageCounts();
  for (const k of USAGE_COUNT_KEYS) counts[k] = sign * Number(row[COUNTER_COLUMNS[k]] ?? 0);
  return counts;
}

/** A rollup delta keyed by `${openingId}\u0000${day}`. */
export type RollupDelta = Map<string, UsageCounts>;

export const rollupKey = (openingId: string, day: string) => `${openingId}\u0000${day}`;

function add(delta: RollupDelta, key: string, field: keyof UsageCounts, n: number) {
  // In place: ingest calls this for every milestone of every interview.
  let counts = delta.get(key);
  if (!counts) {
    counts = emptyUsageCounts();
    delta.set(key, counts);
  }
  counts[field] += n;
}

/** Adds counts to the delta's row at `key`. */
export function addCounts(delta: RollupDelta, key: string, counts: UsageCounts): void {
  const existing = delta.get(key);
  if (!existing) {
    delta.set(key, { ...counts });
    return;
  }
  for (const k of USAGE_COUNT_KEYS) existing[k] += counts[k];
}

/**
 * Where an interview counts in the rollups: each count on the instant its milestone happened
 * (invitations on the invitation, outcomes and credits when the interview reached them). A
 * function of the interview's final record alone, so rollups do not depend on event order.
 */
export function milestones(r: InterviewRecord, chargedMilli: number): [keyof UsageCounts, number, number][] {
  const { state, finishedAt } = deriveState(r);
  if (r.isSimulation) return [['simulations', r.completedAt ?? r.invitedAt, 1]];
  const out: [keyof UsageCounts, number, number][] = [['invited', r.invitedAt, 1]];
  if (r.startedAt !== null) out.push(['started', r.startedAt, 1]);
  if (state === 'completed' && finishedAt !== null) out.push(['completed', finishedAt, 1]);
  if (state === 'partially_completed' && finishedAt !== null) out.push(['partiallyCompleted', finishedAt, 1]);
  if (state === 'expired' && r.expiredAt !== null) out.push(['expired', r.expiredAt, 1]);
  if (state === 'cancelled' && r.cancelledAt !== null) out.push(['cancelled', r.cancelledAt, 1]);
  if (chargedMilli !== 0 && finishedAt !== null) out.push(['creditsMilli', finishedAt, chargedMilli]);
  return out;
}

/** The row figure each rollup counter feeds; the others (started, expired, cancelled) feed none. */
const ROW_FIGURE_OF: Partial<Record<keyof UsageCounts, RowFigure>> = {
  invited: 'invited',
  completed: 'completed',
  partiallyCompleted: 'partiallyCompleted',
  simulations: 'simulations',
  creditsMilli: 'creditsUsed',
};

export interface RangeContribution {
  /** The figures it counts in, in ROW_FIGURES order. */
  countedIn: RowFigure[];
  creditsMilli: number;
}

/**
 * What one interview adds to its opening's row for a range of local dates (both ends included):
 * the milestones the rollups count, kept to those on a day in the range, so an opening's
 * interviews add up to its row by construction (docs/product.md, The opening drawer).
 */
export function contributionInRange(
  r: InterviewRecord,
  chargedMilli: number,
  tz: string,
  range: { from: string; to: string },
): RangeContribution {
  const counted = new Set<RowFigure>();
  let creditsMilli = 0;
  for (const [field, at, n] of milestones(r, chargedMilli)) {
    const figure = ROW_FIGURE_OF[field];
    if (figure === undefined || n === 0) continue;
    const day = localDate(new Date(at), tz);
    if (day < range.from || day > range.to) continue;
    counted.add(figure);
    if (field === 'creditsMilli') creditsMilli += n;
  }
  return { countedIn: ROW_FIGURES.filter((f) => counted.has(f)), creditsMilli };
}

/** Adds (sign +1) or removes (sign -1) one interview's contribution to the daily rollups. */
export function addContribution(
  delta: RollupDelta,
  r: InterviewRecord,
  chargedMilli: number,
  tz: string,
  sign: 1 | -1,
): void {
  for (const [field, at, n] of milestones(r, chargedMilli))
    add(delta, rollupKey(r.openingId, localDate(new Date(at), tz)), field, sign * n);
}

/**
 * Usage by attribute (docs/product.md, Attribution): keyed `${dimension}\u0000${value}\u0000${day}`,
 * with the same counts on the same days as the daily rollups. Only attributed usage is kept; usage
 * without an attribute is the tenant's total less the dimension's values.
 */
export type AttributeDelta = Map<string, UsageCounts>;

export const attributeKey = (dimension: string, value: string, day: string) =>
  `${dimension}\u0000${value}\u0000${day}`;

/**
 * Adds (sign +1) or removes (sign -1) one interview's contribution to the rollups by attribute:
 * its whole contribution under each of its attributes. A later event that changes an attribute
 * moves it, as ingest removes the interview's contribution before and adds the one after.
 */
export function addAttributedContribution(
  delta: AttributeDelta,
  r: InterviewRecord,
  chargedMilli: number,
  tz: string,
  sign: 1 | -1,
): void {
  if (r.attribution === null) return;
  const attributes = Object.entries(r.attribution);
  if (attributes.length === 0) return;
  for (const [field, at, n] of milestones(r, chargedMilli)) {
    const day = localDate(new Date(at), tz);
    for (const [dimension, attribute] of attributes)
      if (attribute) add(delta, attributeKey(dimension, attribute.value, day), field, sign * n);
  }
}

/** The attribute delta's rows with a non-zero counter, as [dimension, value, day, counts]. */
export function attributeChanges(delta: AttributeDelta): [string, string, string, UsageCounts][] {
  const out: [string, string, string, UsageCounts][] = [];
  for (const [key, c] of delta) {
    if (Object.values(c).every((v) => v === 0)) continue;
    const [dimension, value, day] = key.split('\u0000') as [string, string, string];
    out.push([dimension, value, day, c]);
  }
  return out;
}

/**
 * Candidates per opening and day, which cannot be summed from counts: who an interview is for
 * (its candidate, or itself when it names none), keyed `${openingId}\u0000${day}\u0000${who}`,
 * with the number of interviews that put that candidate on that day.
 */
export type CandidateDelta = Map<string, number>;

export const candidateKey = (openingId: string, day: string, who: string) =>
  `${openingId}\u0000${day}\u0000${who}`;

/**
 * Adds (+1) or removes (-1) an interview's candidate on each local day it counts on in the
 * rollups (its milestones; simulations are no candidate's).
 */
export function addCandidateDays(delta: CandidateDelta, r: InterviewRecord, tz: string, sign: 1 | -1): void {
  if (r.isSimulation) return;
  const who = r.candidateId ?? `#${r.id}`;
  const days = new Set(milestones(r, 0).map(([, at]) => localDate(new Date(at), tz)));
  for (const day of days) {
    const key = candidateKey(r.openingId, day, who);
    delta.set(key, (delta.get(key) ?? 0) + sign);
  }
}

/** The candidate delta's non-zero entries as [openingId, day, who, n]. */
export function candidateChanges(delta: CandidateDelta): [string, string, string, number][] {
  const out: [string, string, string, number][] = [];
  for (const [key, n] of delta) {
    if (n === 0) continue;
    const [openingId, day, who] = key.split('\u0000') as [string, string, string];
    out.push([openingId, day, who, n]);
  }
  return out;
}

/** Drops rows whose every counter nets to zero. */
export function nonZero(delta: RollupDelta): [string, string, UsageCounts][] {
  const out: [string, string, UsageCounts][] = [];
  for (const [key, c] of delta) {
    if (Object.values(c).every((v) => v === 0)) continue;
    const [openingId, day] = key.split('\u0000') as [string, string];
    out.push([openingId, day, c]);
  }
  return out;
}

/**
 * Open invitations by the local day of their invitation (docs/product.md, Forecast): an interview
 * that is not a simulation and is still invited or started counts once on the day it was invited.
 * Keyed by day; kept, like the rollups, by removing an interview's count before and adding it after.
 */
export type OpenInvitationDelta = Map<string, number>;

export function addOpenInvitation(
  delta: OpenInvitationDelta,
  r: InterviewRecord,
  tz: string,
  sign: 1 | -1,
): void {
  if (r.isSimulation) return;
  const { state } = deriveState(r);
  if (state !== 'invited' && state !== 'started') return;
  const day = localDate(new Date(r.invitedAt), tz);
  delta.set(day, (delta.get(day) ?? 0) + sign);
}

/** The open-invitation delta's non-zero entries as [day, n]. */
export function openInvitationChanges(delta: OpenInvitationDelta): [string, number][] {
  return [...delta].filter(([, n]) => n !== 0);
}
