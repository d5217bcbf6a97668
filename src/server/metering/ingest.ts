import { createHash } from 'node:crypto';
import type { Database } from '../db/database.js';
import { type BillingContext, loadBillingContext } from '../ledger/plans.js';
import { type Account, type ChargeDelta, lockAccount, postConsumption } from '../ledger/postings.js';
import { chargeFor } from '../ledger/rules.js';
import { InterviewEventSchema, type ParsedEvent } from './events.js';
import {
  addToRollups,
  findEventHashes,
  findInterviews,
  type InterviewWrite,
  insertEvents,
  type OpeningSighting,
  type StoredInterview,
  upsertCandidates,
  upsertInterviews,
  upsertOpenings,
} from './queries.js';
import { addContribution, nonZero, type RollupDelta } from './rollup.js';
import { deriveState, mergeEvent } from './state.js';

export const MAX_BATCH = 1000;

export interface Rejection {
  index: number;
  code: string;
  message: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

type HashedEvent = ParsedEvent & { hash: string; index: number };

/** The content of an event, in a fixed field order, so a repeat can be told from a conflict. */
function hashEvent(e: ParsedEvent): string {
  const canonical = [e.type, e.interviewId, e.openingId, e.jobTitle, e.candidateId, e.at, e.completion];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

function validate(raw: unknown[], rejected: Rejection[]): HashedEvent[] {
  const valid: HashedEvent[] = [];
  raw.forEach((input, index) => {
    const parsed = InterviewEventSchema.safeParse(input);
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'event'}: ${i.message}`)
        .join('; ');
      rejected.push({ index, code: 'invalid_event', message });
      return;
    }
    // Times are kept to the millisecond everywhere, so every comparison agrees.
    const at = Date.parse(parsed.data.occurredAt);
    const event = { ...parsed.data, occurredAt: new Date(at).toISOString(), at };
    valid.push({ ...event, hash: hashEvent(event), index });
  });
  return valid;
}

/** May the tenant start another interview? Only `block`, or `allow` past its limit, says no. */
function canStartInterview(ctx: BillingContext, account: Account): boolean {
  const floor = ctx.plan.overage.mode === 'block' ? 0 : -ctx.plan.overage.limitMilli;
  return account.balanceMilli > floor;
}

/**
 * Ingests one batch of interview events for a tenant, in one transaction: accepted means
 * committed. Each event is checked on its own; a repeated event id with the same content is a
 * duplicate and changes nothing. Interview records are merged from their events
 * (order-free), the charge difference is posted to the ledger, and the daily rollups move
 * by the difference of each interview's contribution.
 */
export async function ingestEvents(
  db: Database,
  tenantId: string,
  raw: unknown[],
  opts: { now: Date; actor: string },
): Promise<IngestResult> {
  const rejected: Rejection[] = [];
  let duplicates = 0;
  const firstById = new Map<string, HashedEvent>();
  for (const e of validate(raw, rejected)) {
    const seen = firstById.get(e.id);
    if (!seen) firstById.set(e.id, e);
    else if (seen.hash === e.hash) duplicates++;
    else rejected.push(conflict(e));
  }
  if (firstById.size === 0) return finish(0, duplicates, rejected);

  return db.withTenant(tenantId, async (tx) => {
    const account = await lockAccount(tx, tenantId);
    const ctx = await loadBillingContext(tx, tenantId);
    const stored = await findEventHashes(tx, tenantId, [...firstById.keys()]);
    const fresh: HashedEvent[] = [];
    for (const e of firstById.values()) {
      const hash = stored.get(e.id);
      if (hash === undefined) fresh.push(e);
      else if (hash === e.hash) duplicates++;
      else rejected.push(conflict(e));
    }
    const before = await findInterviews(tx, tenantId, [...new Set(fresh.map((e) => e.interviewId))]);
    const after = new Map<string, StoredInterview>();
    const accepted: HashedEvent[] = [];
    const allowNew = canStartInterview(ctx, account);
    for (const e of fresh) {
      const current = after.get(e.interviewId) ?? before.get(e.interviewId);
      const problem = checkAgainst(current, e, allowNew);
      if (problem) {
        rejected.push({ index: e.index, ...problem });
        continue;
      }
      after.set(e.interviewId, {
        record: mergeEvent(current?.record, e),
        chargedMilli: current?.chargedMilli ?? 0,
        reversed: current?.reversed ?? false,
      });
      accepted.push(e);
    }
    if (accepted.length === 0) return finish(0, duplicates, rejected);

    await insertEvents(tx, tenantId, accepted);
    await upsertOpenings(tx, tenantId, openingSightings(accepted));
    await upsertCandidates(tx, tenantId, candidateSightings(accepted));

    const writes: InterviewWrite[] = [];
    const charges: ChargeDelta[] = [];
    const rollups: RollupDelta = new Map();
    for (const [id, next] of after) {
      const { state, finishedAt } = deriveState(next.record);
      const charge = chargeFor(
        {
          state,
          completion: next.record.completion,
          isSimulation: next.record.isSimulation,
          reversed: next.reversed,
        },
        ctx.plan.partialRule,
      );
      const prev = before.get(id);
      if (prev) addContribution(rollups, prev.record, prev.chargedMilli, ctx.timeZone, -1);
      // Charges only grow (an interview costs at most one credit); a reversal is the one way down.
      const chargedMilli = Math.max(charge.milli, next.chargedMilli);
      addContribution(rollups, next.record, chargedMilli, ctx.timeZone, 1);
      writes.push({
        record: next.record,
        state,
        chargedMilli,
        chargeRule: charge.rule,
        chargeRuleVersion: charge.ruleVersion,
      });
      const delta = chargedMilli - next.chargedMilli;
      if (delta > 0) {
        charges.push({
          interviewId: id,
          deltaMilli: delta,
          rule: charge.rule,
          ruleVersion: charge.ruleVersion,
          effectiveAt: new Date(finishedAt ?? next.record.invitedAt),
        });
      }
    }
    await upsertInterviews(tx, tenantId, writes);
    await addToRollups(tx, tenantId, nonZero(rollups));
    await postConsumption(tx, account, charges, opts.now, opts.actor);
    return finish(accepted.length, duplicates, rejected);
  });
}

function checkAgainst(
  current: StoredInterview | undefined,
  e: HashedEvent,
  allowNew: boolean,
): Omit<Rejection, 'index'> | undefined {
  const isSimulation = e.type === 'simulation.run';
  if (!current) {
    if (!isSimulation && !allowNew) {
      return {
        code: 'credits_exhausted',
        message:
          'The tenant has no credits left and its plan blocks new interviews; buy credits to continue.',
      };
    }
    return undefined;
  }
  if (current.record.openingId !== e.openingId) {
    return {
      code: 'interview_opening_mismatch',
      message: `Interview ${e.interviewId} belongs to opening ${current.record.openingId}, not ${e.openingId}.`,
    };
  }
  if (current.record.isSimulation !== isSimulation) {
    return {
      code: 'interview_kind_mismatch',
      message: `Interview ${e.interviewId} is ${current.record.isSimulation ? 'a simulation' : 'a real interview'}; ${e.type} does not apply to it.`,
    };
  }
  return undefined;
}

function openingSightings(events: HashedEvent[]): OpeningSighting[] {
  const byId = new Map<string, OpeningSighting>();
  for (const e of events) {
    const at = e.occurredAt;
    const o = byId.get(e.openingId);
    // Untitled openings show their id until an event names them ('-infinity' loses to any title).
    const titled = e.jobTitle !== undefined;
    const candidate: OpeningSighting = {
      id: e.openingId,
      jobTitle: e.jobTitle ?? e.openingId,
      titleEventAt: titled ? at : '-infinity',
      titleEventId: titled ? e.id : '',
      firstSeenAt: at,
    };
    if (!o) {
      byId.set(e.openingId, candidate);
      continue;
    }
    if (Date.parse(at) < Date.parse(o.firstSeenAt)) o.firstSeenAt = at;
    if (titled && isLater(candidate, o)) {
      o.jobTitle = candidate.jobTitle;
      o.titleEventAt = candidate.titleEventAt;
      o.titleEventId = candidate.titleEventId;
    }
  }
  return [...byId.values()];
}

function isLater(a: OpeningSighting, b: OpeningSighting): boolean {
  if (b.titleEventAt === '-infinity') return true;
  const d = Date.parse(a.titleEventAt) - Date.parse(b.titleEventAt);
  return d > 0 || (d === 0 && a.titleEventId > b.titleEventId);
}

function candidateSightings(events: HashedEvent[]): { id: string; firstSeenAt: string }[] {
  const byId = new Map<string, { id: string; firstSeenAt: string; at: number }>();
  for (const e of events) {
    if (!e.candidateId) continue;
    const c = byId.get(e.candidateId);
    if (!c || e.at < c.at)
      byId.set(e.candidateId, { id: e.candidateId, firstSeenAt: e.occurredAt, at: e.at });
  }
  return [...byId.values()].map(({ id, firstSeenAt }) => ({ id, firstSeenAt }));
}

function conflict(e: HashedEvent): Rejection {
  return {
    index: e.index,
    code: 'event_id_conflict',
    message: `Event id ${e.id} was already received with different content.`,
  };
}

function finish(accepted: number, duplicates: number, rejected: Rejection[]): IngestResult {
  return { accepted, duplicates, rejected: rejected.sort((a, b) => a.index - b.index) };
}
