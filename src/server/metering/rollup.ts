import { localDate } from '../../shared/calendar.js';
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

function add(
  delta: RollupDelta,
  openingId: string,
  at: number,
  tz: string,
  field: keyof UsageCounts,
  n: number,
) {
  // In place: ingest calls this for every milestone of every interview.
  const key = rollupKey(openingId, localDate(new Date(at), tz));
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
 * Adds (sign +1) or removes (sign -1) one interview's contribution to the daily rollups.
 * Each count lands on the local day it happened: invitations on the invitation day, outcomes
 * and credits on the day the interview reached them. The contribution is a function of the
 * interview's final record alone, so rollups do not depend on event order.
 */
export function addContribution(
  delta: RollupDelta,
  r: InterviewRecord,
  chargedMilli: number,
  tz: string,
  sign: 1 | -1,
): void {
  const { state, finishedAt } = deriveState(r);
  if (r.isSimulation) {
    add(delta, r.openingId, r.completedAt ?? r.invitedAt, tz, 'simulations', sign);
    return;
  }
  add(delta, r.openingId, r.invitedAt, tz, 'invited', sign);
  if (r.startedAt !== null) add(delta, r.openingId, r.startedAt, tz, 'started', sign);
  if (state === 'completed' && finishedAt !== null)
    add(delta, r.openingId, finishedAt, tz, 'completed', sign);
  if (state === 'partially_completed' && finishedAt !== null) {
    add(delta, r.openingId, finishedAt, tz, 'partiallyCompleted', sign);
  }
  if (state === 'expired' && r.expiredAt !== null) add(delta, r.openingId, r.expiredAt, tz, 'expired', sign);
  if (state === 'cancelled' && r.cancelledAt !== null) {
    add(delta, r.openingId, r.cancelledAt, tz, 'cancelled', sign);
  }
  if (chargedMilli !== 0 && finishedAt !== null) {
    add(delta, r.openingId, finishedAt, tz, 'creditsMilli', sign * chargedMilli);
  }
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
