// The credit rules (docs/product.md, Credit rules) and the rollover plan at a period's close. Pure
// and exact: credits are integer thousandths ("milli"), so no float ever reaches the ledger.
import type { InterviewState } from '../../shared/contract/consumption.js';
import type { RolloverMode } from '../../shared/contract/credits.js';
import { MILLI_PER_CREDIT } from '../../shared/credits.js';

export interface PartialTier {
  minCompletion: number;
  creditsMilli: number;
}

export interface PartialRule {
  version: number;
  tiers: PartialTier[];
}

/** Under 25 % → 0; 25 % to under 75 % → 0.5 credit; 75 % and over → 1 credit. */
export const DEFAULT_PARTIAL_RULE: PartialRule = Object.freeze({
  version: 1,
  tiers: Object.freeze([
    Object.freeze({ minCompletion: 0, creditsMilli: 0 }),
    Object.freeze({ minCompletion: 0.25, creditsMilli: MILLI_PER_CREDIT / 2 }),
    Object.freeze({ minCompletion: 0.75, creditsMilli: MILLI_PER_CREDIT }),
  ]) as PartialTier[],
});

const MAX_TIERS = 100;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function rejectUnknownKeys(x: Record<string, unknown>, allowed: string[], where: string): void {
  const extra = Object.keys(x).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new Error(`${where}: unknown field(s) ${extra.join(', ')}`);
}

/** Validates a stored or submitted partial rule; returns a clean copy or throws with the reason. */
export function parsePartialRule(x: unknown): PartialRule {
  if (!isRecord(x)) throw new Error('Partial rule must be an object with version and tiers');
  rejectUnknownKeys(x, ['version', 'tiers'], 'Partial rule');
  const { version, tiers } = x;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new Error('Partial rule version must be a positive integer');
  }
  if (!Array.isArray(tiers) || tiers.length === 0) throw new Error('Partial rule needs at least one tier');
  if (tiers.length > MAX_TIERS) throw new Error(`Partial rule has more than ${MAX_TIERS} tiers`);

  const parsed: PartialTier[] = [];
  for (const [i, tier] of tiers.entries()) {
    const where = `Partial rule tier ${i}`;
    if (!isRecord(tier)) throw new Error(`${where} must be an object with minCompletion and creditsMilli`);
    rejectUnknownKeys(tier, ['minCompletion', 'creditsMilli'], where);
    const { minCompletion, creditsMilli } = tier;
    if (typeof minCompletion !== 'number' || !(minCompletion >= 0 && minCompletion <= 1)) {
      throw new Error(`${where}: minCompletion must be a number from 0 to 1`);
    }
    if (typeof creditsMilli !== 'number' || !Number.isInteger(creditsMilli)) {
      throw new Error(`${where}: creditsMilli must be an integer (thousandths of a credit)`);
    }
    if (creditsMilli < 0 || creditsMilli > MILLI_PER_CREDIT) {
      throw new Error(
        `${where}: creditsMilli must be from 0 to ${MILLI_PER_CREDIT} (one interview costs at most 1 credit)`,
      );
    }
    const prev = parsed[i - 1];
    if (prev === undefined && minCompletion !== 0) {
      throw new Error(
        `${where}: the first tier must start at minCompletion 0 so every completion is covered`,
      );
    }
    if (prev !== undefined && minCompletion <= prev.minCompletion) {
      throw new Error(`${where}: minCompletion must be greater than the previous tier's`);
    }
    if (prev !== undefined && creditsMilli < prev.creditsMilli) {
      throw new Error(`${where}: creditsMilli must not be less than the previous tier's`);
    }
    parsed.push({ minCompletion, creditsMilli });
  }
  return { version, tiers: parsed };
}

export type { InterviewState };

export interface ChargeInput {
  state: InterviewState;
  /** Share of the interview done: answered questions / total, 0..1. */
  completion: number;
  isSimulation: boolean;
  reversed: boolean;
}

/** What an interview costs and which rule (and version) decided it, so every credit can be explained. */
export interface Charge {
  milli: number;
  rule: string;
  ruleVersion: number;
}

/**
 * The total an interview costs in its current state. Callers charge the difference from what was already
 * charged, so a partial that later completes pays only the rest.
 */
export function chargeFor(input: ChargeInput, partialRule: PartialRule): Charge {
  if (input.isSimulation) return { milli: 0, rule: 'simulation', ruleVersion: 1 };
  if (input.reversed) return { milli: 0, rule: 'reversed', ruleVersion: 1 };
  switch (input.state) {
    case 'completed':
      return { milli: MILLI_PER_CREDIT, rule: 'completed', ruleVersion: 1 };
    case 'partially_completed':
      return {
        milli: partialMilli(input.completion, partialRule),
        rule: 'partial',
        ruleVersion: partialRule.version,
      };
    case 'invited':
    case 'started':
    case 'expired':
    case 'cancelled':
      return { milli: 0, rule: 'not_charged', ruleVersion: 1 };
    default:
      throw new Error(`Unknown interview state '${String(input.state satisfies never)}'`);
  }
}

function partialMilli(completion: number, rule: PartialRule): number {
  if (!Number.isFinite(completion))
    throw new RangeError(`Completion must be a number from 0 to 1, got ${completion}`);
  // Clamp: answered/total can stray past 1 only through bad input, and must never cost more than a credit.
  const share = Math.min(1, Math.max(0, completion));
  let milli = 0;
  for (const tier of rule.tiers) {
    if (tier.minCompletion <= share) milli = tier.creditsMilli;
    else break;
  }
  return Math.min(MILLI_PER_CREDIT, Math.max(0, milli));
}

/** Credits expiring at a period's close; origin is the period whose grant they first came from. */
export interface ExpiringLot {
  id: string;
  remainingMilli: number;
  originPeriodIndex: number;
}

export interface RolloverPolicy {
  mode: RolloverMode;
  capMilli: number | null;
  capPercent: number | null;
  /** Credits granted in period g may be used in periods g..g+K; null: no age limit. */
  expiresAfterPeriods: number | null;
}

export interface RolloverPlan {
  /** One item per lot with credits left: all of it expires from that lot. */
  expire: { lotId: string; milli: number }[];
  /** What carries into the next period, one item per origin, ascending by origin. */
  rollover: { originPeriodIndex: number; milli: number }[];
}

function requireMilli(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

function rolloverCap(policy: RolloverPolicy, allotmentMilli: number): number {
  const { capMilli, capPercent } = policy;
  if (capMilli === null && capPercent === null) {
    throw new Error('Capped rollover needs capMilli or capPercent');
  }
  let cap = Number.POSITIVE_INFINITY;
  if (capMilli !== null) {
    requireMilli(capMilli, 'capMilli');
    cap = capMilli;
  }
  if (capPercent !== null) {
    if (!Number.isInteger(capPercent) || capPercent < 0 || capPercent > 100) {
      throw new RangeError(`capPercent must be an integer from 0 to 100, got ${capPercent}`);
    }
    // Integer product stays exact below 2^53; floor so the cap never exceeds the stated share.
    cap = Math.min(cap, Math.floor((allotmentMilli * capPercent) / 100));
  }
  return cap;
}

/**
 * Plans the close of period `closingPeriodIndex`: every expiring lot expires whole, and what may carry on
 * comes back as new rollover amounts grouped by origin (so their age keeps counting from the original grant).
 */
export function planRollover(
  lots: ExpiringLot[],
  policy: RolloverPolicy,
  allotmentMilli: number,
  closingPeriodIndex: number,
): RolloverPlan {
  requireMilli(allotmentMilli, 'allotmentMilli');
  if (!Number.isSafeInteger(closingPeriodIndex))
    throw new RangeError('closingPeriodIndex must be an integer');
  const K = policy.expiresAfterPeriods;
  if (K !== null && (!Number.isSafeInteger(K) || K < 0)) {
    throw new RangeError(`expiresAfterPeriods must be a non-negative integer, got ${K}`);
  }

  const expire: RolloverPlan['expire'] = [];
  const eligible = new Map<number, number>();
  for (const lot of lots) {
    requireMilli(lot.remainingMilli, `Lot ${lot.id} remainingMilli`);
    if (!Number.isSafeInteger(lot.originPeriodIndex) || lot.originPeriodIndex > closingPeriodIndex) {
      throw new RangeError(
        `Lot ${lot.id} origin ${lot.originPeriodIndex} is not a period up to the closing one`,
      );
    }
    if (lot.remainingMilli === 0) continue;
    expire.push({ lotId: lot.id, milli: lot.remainingMilli });
    // Credits from period g live through g + K; the next period is closing + 1.
    if (K !== null && closingPeriodIndex + 1 - lot.originPeriodIndex > K) continue;
    eligible.set(lot.originPeriodIndex, (eligible.get(lot.originPeriodIndex) ?? 0) + lot.remainingMilli);
  }

  let budget = 0;
  if (policy.mode === 'all') budget = Number.POSITIVE_INFINITY;
  else if (policy.mode === 'capped') budget = rolloverCap(policy, allotmentMilli);
  else if (policy.mode !== 'none') throw new Error(`Unknown rollover mode '${String(policy.mode)}'`);

  // Newest credits roll first: they have the most life left.
  const rollover: RolloverPlan['rollover'] = [];
  for (const origin of [...eligible.keys()].sort((a, b) => b - a)) {
    if (budget <= 0) break;
    const milli = Math.min(budget, eligible.get(origin) ?? 0);
    if (milli > 0) rollover.push({ originPeriodIndex: origin, milli });
    budget -= milli;
  }
  rollover.sort((a, b) => a.originPeriodIndex - b.originPeriodIndex);
  return { expire, rollover };
}
