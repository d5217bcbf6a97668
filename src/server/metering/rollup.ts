import { localDate } from '../../shared/calendar.js';
import type { InterviewRecord } from './state.js';
import { deriveState } from './state.js';

/** The counters of one daily_usage row (tenant × opening × local day). */
export interface UsageCounters {
  invited: number;
  started: number;
  completed: number;
  partiallyCompleted: number;
  expired: number;
  cancelled: number;
  simulations: number;
  creditsMilli: number;
}

export const COUNTER_COLUMNS: Record<keyof UsageCounters, string> = {
  invited: 'invited',
  started: 'started',
  completed: 'completed',
  partiallyCompleted: 'partially_completed',
  expired: 'expired',
  cancelled: 'cancelled',
  simulations: 'simulations',
  creditsMilli: 'credits_milli',
};

export const emptyCounters = (): UsageCounters => ({
  invited: 0,
  started: 0,
  completed: 0,
  partiallyCompleted: 0,
  expired: 0,
  cancelled: 0,
  simulations: 0,
  creditsMilli: 0,
});

/** A rollup delta keyed by `${openingId}\u0000${day}`. */
export type RollupDelta = Map<string, UsageCounters>;

export const rollupKey = (openingId: string, day: string) => `${openingId}\u0000${day}`;

function add(
  delta: RollupDelta,
  openingId: string,
  at: number,
  tz: string,
  field: keyof UsageCounters,
  n: number,
) {
  const key = rollupKey(openingId, localDate(new Date(at), tz));
  let counters = delta.get(key);
  if (!counters) {
    counters = emptyCounters();
    delta.set(key, counters);
  }
  counters[field] += n;
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
export function nonZero(delta: RollupDelta): [string, string, UsageCounters][] {
  const out: [string, string, UsageCounters][] = [];
  for (const [key, c] of delta) {
    if (Object.values(c).every((v) => v === 0)) continue;
    const [openingId, day] = key.split('\u0000') as [string, string];
    out.push([openingId, day, c]);
  }
  return out;
}
