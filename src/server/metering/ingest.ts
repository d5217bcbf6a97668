import { hash } from 'node:crypto';
import type { IngestResult, Rejection } from '../../shared/contract/events.js';
import { isUnsafeText, unsafeTextMessage, unsafeTextPath } from '../../shared/text.js';
import { raiseAlerts } from '../alerts/store.js';
import { reachedThresholds } from '../alerts/thresholds.js';
import { budgetRefusal, exhaustedBlocks, inScope, raiseBudgetAlerts } from '../budgets/hold.js';
import { type BudgetRow, loadBudgets } from '../budgets/store.js';
import { type Database, type Queryable, settleAll } from '../db/database.js';
import { readAccount } from '../ledger/account.js';
import { crossesFloor, topUpAfterCrossing } from '../ledger/auto-top-up.js';
import { type BillingContext, loadBillingContext } from '../ledger/plans.js';
import { type ChargeDelta, type ChargeMove, loadOpenLots, postConsumption } from '../ledger/postings.js';
import { currentPeriod } from '../ledger/queries.js';
import { chargeFor } from '../ledger/rules.js';
import { addSetContribution, emptySetDelta, type SetDelta, setChanges } from './attribution-sets.js';
import { eventTimeProblem, onlyAttributionIssues, type ParsedEvent, parseEvent } from './events.js';
import {
  addCandidates,
  addToAttributeRollups,
  addToOpenInvitations,
  addToRollups,
  addToSetRollups,
  findEventHashes,
  findInterviews,
  type InterviewWrite,
  insertEvents,
  type OpeningSighting,
  type RecruiterSighting,
  type StoredInterview,
  upsertCandidates,
  upsertInterviews,
  upsertOpenings,
  upsertRecruiters,
} from './queries.js';
import {
  type AttributeDelta,
  addAttributedContribution,
  addCandidateDays,
  addContribution,
  addOpenInvitation,
  attributeChanges,
  type CandidateDelta,
  candidateChanges,
  nonZero,
  type OpenInvitationDelta,
  openInvitationChanges,
  type RollupDelta,
} from './rollup.js';
import { deriveState, type InterviewRecord, mergeEvent, sameRecord } from './state.js';

type HashedEvent = ParsedEvent & { hash: string; index: number };

/** The content of an event, in a fixed field order, so a repeat can be told from a conflict. */
export function hashEvent(e: ParsedEvent): string {
  const canonical: unknown[] = [
    e.type,
    e.interviewId,
    e.openingId,
    e.jobTitle,
    e.candidateId,
    e.at,
    e.completion,
  ];
  // Appended only when present, so the hash of an event without attribution is the one stored before it.
  const { recruiterId, recruiterName, department, location, tags } = e;
  if (recruiterId !== undefined || department !== undefined || location !== undefined || tags !== undefined) {
    // Tags in key order: the same tags sent in another order are the same content.
    const sortedTags = tags && Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    canonical.push(recruiterId, recruiterName, department, location, sortedTags);
  }
  return hash('sha256', JSON.stringify(canonical), 'base64url');
}

/**
 * Already as toISOString() writes it (UTC, milliseconds): the common case, kept as is. Zod's pattern has
 * checked the date is real (no February 30th), so such a string is exactly the canonical form of its time.
 */
const isCanonical = (s: string) => s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s[19] === '.';

function validate(raw: unknown[], rejected: Rejection[], now: Date): HashedEvent[] {
  const valid: HashedEvent[] = [];
  raw.forEach((input, index) => {
    const unsafe = unsafeTextPath(input);
    if (unsafe !== undefined) {
      rejected.push({ index, code: 'invalid_text', message: unsafeTextMessage(unsafe) });
      return;
    }
    const parsed = parseEvent(input);
    if (!parsed.success) {
      const { issues } = parsed.error;
      const message = issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
      const code = onlyAttributionIssues(issues) ? 'invalid_attribution' : 'invalid_event';
      rejected.push({ index, code, message });
      return;
    }
    // Times are kept to the millisecond everywhere, so every comparison agrees.
    const d = parsed.data;
    const at = Date.parse(d.occurredAt);
    const timeProblem = eventTimeProblem(at, now);
    if (timeProblem) {
      rejected.push({ index, code: 'invalid_time', message: `${timeProblem}: ${d.occurredAt}` });
      return;
    }
    const event: HashedEvent = {
      id: d.id,
      type: d.type,
      interviewId: d.interviewId,
      openingId: d.openingId,
      jobTitle: d.jobTitle,
      candidateId: d.candidateId,
      occurredAt: isCanonical(d.occurredAt) ? d.occurredAt : new Date(at).toISOString(),
      completion: d.completion,
      recruiterId: d.recruiterId,
      recruiterName: d.recruiterName,
      department: d.department,
      location: d.location,
      tags: d.tags,
      at,
      hash: '',
      index,
    };
    event.hash = hashEvent(event);
    valid.push(event);
  });
  return valid;
}

/**
 * The balance at or below which the plan refuses new interviews (docs/product.md, Overage): 0 for
 * `block`, the limit below zero for `allow`.
 */
function creditFloor(ctx: BillingContext): number {
  return ctx.plan.overage.mode === 'block' ? 0 : -ctx.plan.overage.limitMilli;
}

/** A batch's events sorted by the checks: taken, refused, or stored before (`isRepeat`). */
export interface Admission<E extends ParsedEvent> {
  passed: E[];
  refused: { e: E; problem: Omit<Rejection, 'index'> }[];
  repeats: E[];
  /** Every interview the passed events change, merged with them. */
  after: Map<string, StoredInterview>;
}

/**
 * Checks a batch's events (each id once, in the batch's order) as if its interviews came one after
 * another in the order of their first event in the batch (docs/product.md, Overage): a new
 * interview may start while the balance as the batch began, less what the interviews before it cost
 * in this batch, is above the plan's floor. The order is the batch's own, so the answer depends
 * neither on which events the database was asked about nor on timing. Events `isRepeat` calls
 * stored before are set aside; they change nothing.
 */
export function admitBatch<E extends ParsedEvent>(
  events: readonly E[],
  before: ReadonlyMap<string, StoredInterview>,
  ctx: BillingContext,
  balanceMilli: number,
  isRepeat: (e: E) => boolean,
  held: readonly BudgetRow[] = [],
): Admission<E> {
  const byInterview = new Map<string, E[]>();
  for (const e of events) {
    const its = byInterview.get(e.interviewId);
    if (its) its.push(e);
    else byInterview.set(e.interviewId, [e]);
  }
  const floor = creditFloor(ctx);
  let balance = balanceMilli;
  const out: Admission<E> = { passed: [], refused: [], repeats: [], after: new Map() };
  for (const [interviewId, its] of byInterview) {
    const stored = before.get(interviewId);
    const allowNew = balance > floor;
    let next = stored;
    for (const e of its) {
      if (isRepeat(e)) {
        out.repeats.push(e);
        continue;
      }
      const problem = checkAgainst(next?.record, e, allowNew, held);
      if (problem) {
        out.refused.push({ e, problem });
        continue;
      }
      out.passed.push(e);
      next = {
        record: mergeEvent(next?.record, e),
        chargedMilli: next?.chargedMilli ?? 0,
        reversed: next?.reversed ?? false,
      };
    }
    if (next === undefined || next === stored) continue;
    out.after.set(interviewId, next);
    balance -= chargeNow(next, ctx).chargedMilli - next.chargedMilli;
  }
  return out;
}

/**
 * What a merged interview costs now by the credit rules, with its state and finish time: never
 * less than it was charged, as charges only grow (an interview costs at most one credit) and a
 * reversal is the one way down.
 */
function chargeNow(next: StoredInterview, ctx: BillingContext) {
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
  return { state, finishedAt, charge, chargedMilli: Math.max(charge.milli, next.chargedMilli) };
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
  try {
    return await ingestBatch(db, tenantId, raw, opts, false);
  } catch (err) {
    if (!(err instanceof StoredBefore)) throw err;
    return ingestBatch(db, tenantId, raw, opts, true);
  }
}

/**
 * The insert found events stored before that the optimistic pass took for new: the batch is
 * rolled back and run again with every event looked up first.
 */
class StoredBefore extends Error {}

/**
 * One pass over a batch. The writes after the events insert are computed as if every event that
 * passed the checks were new, and sent before the insert answers, so the database works while
 * this process computes. The events that would open an interview and those that would change
 * nothing in a known one (where every resend falls) are looked up first, so the guess fails only
 * for an id stored with other content that changes its interview (a conflict); then the
 * transaction is thrown away (StoredBefore) and the batch runs again with `lookUpAll`, where every
 * repeat is known before anything is written. The guess
 * cannot be spoiled by another writer: each ingest of the tenant holds its account lock.
 */
async function ingestBatch(
  db: Database,
  tenantId: string,
  raw: unknown[],
  opts: { now: Date; actor: string },
  lookUpAll: boolean,
): Promise<IngestResult> {
  const guess = likelyIds(raw);
  const guessedEventIds = new Set(lookUpAll ? guess.eventIds : guess.firstEventIds);
  return db.withTenant(tenantId, async (tx) => {
    // Sent before validating, which then runs while the database answers: the interviews and the
    // opening events the batch names, as far as they can be read before validation.
    const early = settleAll([
      readAccount(tx, tenantId, { lock: true }),
      loadBillingContext(tx, tenantId),
      loadOpenLots(tx, tenantId, opts.now),
      findInterviews(tx, tenantId, guess.interviewIds),
      findEventHashes(tx, tenantId, [...guessedEventIds]),
      // Budgets are few and most tenants have none: read with the rest, used only when there are some.
      loadBudgets(tx, tenantId),
    ]);
    const rejected: Rejection[] = [];
    let duplicates = 0;
    /** An event whose id is stored with this content hash: a duplicate if the same, else a conflict. */
    const repeated = (e: HashedEvent, storedHash: string | undefined) => {
      if (storedHash === e.hash) duplicates++;
      else rejected.push(conflict(e));
    };
    const firstById = new Map<string, HashedEvent>();
    for (const e of validate(raw, rejected, opts.now)) {
      const seen = firstById.get(e.id);
      if (!seen) firstById.set(e.id, e);
      else if (seen.hash === e.hash) duplicates++;
      else rejected.push(conflict(e));
    }
    const [account, ctx, lots, guessedBefore, guessedHashes, budgets] = await early;
    if (firstById.size === 0) return finish(0, duplicates, rejected);
    // The block budgets used up as the batch begins (docs/product.md, Budgets), read once per batch.
    const held = await exhaustedBlocks(tx, ctx, budgets, opts.now);
    const events = [...firstById.values()];
    // Validation trims ids: anything it changed is read now.
    const before = await withMissing(
      guessedBefore,
      new Set(guess.interviewIds),
      distinct(events.map((e) => e.interviewId)),
      (ids) => findInterviews(tx, tenantId, ids),
    );

    // The checks come first, so nothing is ever written for an event they refuse; they give the same
    // answers as they would with repeats set aside first, unless a repeat would open an interview or add
    // to an interview's cost (which moves the credit floor for the interviews after it): the only ways an
    // event changes the checks of the others. So the events that would open one are looked up first;
    // should one be stored (a rare conflict), every event is looked up, as in the careful pass. A repeat
    // taken as new that adds to a cost is written, so the insert finds it and the batch runs again.
    const opening = lookUpAll ? [] : openers(events, before, held);
    const wanted = lookUpAll ? [...firstById.keys()] : [...opening, ...likelyRepeats(events, before)];
    const hashes = await withMissing(guessedHashes, guessedEventIds, wanted, (ids) =>
      findEventHashes(tx, tenantId, ids),
    );
    let stored = pick(hashes, wanted);
    const lookedUpAll = lookUpAll || opening.some((id) => stored.has(id));
    if (lookedUpAll && !lookUpAll) stored = await findEventHashes(tx, tenantId, [...firstById.keys()]);

    const { passed, refused, repeats, after } = admitBatch(
      events,
      before,
      ctx,
      account.balanceMilli,
      (e) => stored.has(e.id),
      held,
    );
    for (const e of repeats) repeated(e, stored.get(e.id));
    if (passed.length === 0 && refused.length === 0) return finish(0, duplicates, rejected);

    const inserting = insertEvents(tx, tenantId, passed);
    // A refused event may be a repeat: a duplicate, or a conflict.
    const refusedRepeats = lookedUpAll
      ? Promise.resolve(new Map<string, string>())
      : findEventHashes(
          tx,
          tenantId,
          refused.map((r) => r.e.id),
        );
    const writing: Promise<unknown>[] = [
      upsertOpenings(tx, tenantId, openingSightings(passed)),
      upsertCandidates(tx, tenantId, candidateSightings(passed, before)),
      upsertRecruiters(tx, tenantId, recruiterSightings(passed)),
    ];
    const { writes, charges, moves, rollups, attributes, sets, candidates, openInvitations } = consequences(
      after,
      before,
      ctx,
    );
    const balanceAfter = account.balanceMilli - charges.reduce((sum, c) => sum + c.deltaMilli, 0);
    // A fall through the auto top-up floor buys credits once the charges are written; the low-balance
    // alerts then look at the balance after it (docs/product.md, Auto top-up).
    const topUp = crossesFloor(ctx.autoTopUp, account.balanceMilli, balanceAfter) ? ctx.autoTopUp : null;
    writing.push(
      upsertInterviews(tx, tenantId, writes),
      addCandidates(tx, tenantId, candidateChanges(candidates)),
      addToRollups(tx, tenantId, nonZero(rollups)),
      addToAttributeRollups(tx, tenantId, attributeChanges(attributes)),
      addToSetRollups(tx, tenantId, setChanges(sets), sets.sets.values()),
      addToOpenInvitations(tx, tenantId, openInvitationChanges(openInvitations)),
      postConsumption(tx, account, lots, charges, opts.actor, moves),
    );
    if (charges.length > 0 && !topUp) writing.push(alertIfLow(tx, ctx, balanceAfter, opts.now));
    const [inserted, refusedStored] = await settleAll([inserting, refusedRepeats, settleAll(writing)]);
    if (inserted !== passed.length) {
      if (lookUpAll) throw new Error('Events looked up as new were found stored under the account lock');
      throw new StoredBefore();
    }
    if (topUp) {
      await topUpAfterCrossing(tx, ctx, account, topUp, opts.now);
      await alertIfLow(tx, ctx, account.balanceMilli, opts.now);
    }
    // After the rollups are written, which it reads; last, as it may write to the audit log.
    if (charges.length > 0 && budgets.length > 0) {
      const charged = charges.flatMap((c) => after.get(c.interviewId)?.record ?? []);
      await raiseBudgetAlerts(tx, ctx, budgets, charged, opts.now);
    }
    for (const { e, problem } of refused) {
      const hash = refusedStored.get(e.id);
      if (hash === undefined) rejected.push({ index: e.index, code: problem.code, message: problem.message });
      else repeated(e, hash);
    }
    return finish(passed.length, duplicates, rejected);
  });
}

/** Raises the credit alerts this balance reaches in the current period (each once per period). */
export async function alertIfLow(
  tx: Queryable,
  ctx: BillingContext,
  balanceMilli: number,
  now: Date,
): Promise<void> {
  const period = await currentPeriod(tx, ctx, now);
  const thresholds = reachedThresholds(ctx.alertThresholds, balanceMilli, period.allotmentMilli);
  if (thresholds.length === 0) return;
  await raiseAlerts(tx, ctx.tenantId, { period, thresholds, balanceMilli, at: now });
}

/**
 * What the merged interviews change: their rows, the charge differences, the rollup deltas (by
 * opening, by attribute and by attribution set), the candidate deltas and the open invitations.
 */
export function consequences(
  after: Map<string, StoredInterview>,
  before: Map<string, StoredInterview>,
  ctx: BillingContext,
): {
  writes: InterviewWrite[];
  charges: ChargeDelta[];
  moves: ChargeMove[];
  rollups: RollupDelta;
  attributes: AttributeDelta;
  sets: SetDelta;
  candidates: CandidateDelta;
  openInvitations: OpenInvitationDelta;
} {
  const writes: InterviewWrite[] = [];
  const charges: ChargeDelta[] = [];
  const moves: ChargeMove[] = [];
  const rollups: RollupDelta = new Map();
  const attributes: AttributeDelta = new Map();
  const sets = emptySetDelta();
  const candidates: CandidateDelta = new Map();
  const openInvitations: OpenInvitationDelta = new Map();
  for (const [id, next] of after) {
    const { state, finishedAt, charge, chargedMilli } = chargeNow(next, ctx);
    const prev = before.get(id);
    if (prev) {
      addContribution(rollups, prev.record, prev.chargedMilli, ctx.timeZone, -1);
      addAttributedContribution(attributes, prev.record, prev.chargedMilli, ctx.timeZone, -1);
      addSetContribution(sets, prev.record, prev.chargedMilli, ctx.timeZone, -1);
      addCandidateDays(candidates, prev.record, ctx.timeZone, -1);
      addOpenInvitation(openInvitations, prev.record, ctx.timeZone, -1);
    }
    addCandidateDays(candidates, next.record, ctx.timeZone, 1);
    addOpenInvitation(openInvitations, next.record, ctx.timeZone, 1);
    addContribution(rollups, next.record, chargedMilli, ctx.timeZone, 1);
    addAttributedContribution(attributes, next.record, chargedMilli, ctx.timeZone, 1);
    addSetContribution(sets, next.record, chargedMilli, ctx.timeZone, 1);
    writes.push({
      record: next.record,
      state,
      finishedAt,
      chargedMilli,
      chargeRule: charge.rule,
      chargeRuleVersion: charge.ruleVersion,
    });
    // What was charged before is dated at the finish it had then; a new finish takes it along.
    const finishedBefore = prev && prev.chargedMilli > 0 ? deriveState(prev.record).finishedAt : null;
    if (prev && finishedBefore !== null && finishedAt !== null && finishedBefore !== finishedAt) {
      moves.push({
        interviewId: id,
        milli: prev.chargedMilli,
        from: new Date(finishedBefore),
        to: new Date(finishedAt),
      });
    }
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
  return { writes, charges, moves, rollups, attributes, sets, candidates, openInvitations };
}

const distinct = (ids: string[]) => [...new Set(ids)];

/**
 * The ids a batch names before it is validated (strings where ids belong): the interviews, each
 * interview's first event (which opens it when the interview is new) and every event.
 */
function likelyIds(raw: unknown[]): { interviewIds: string[]; firstEventIds: string[]; eventIds: string[] } {
  const firstEvent = new Map<string, string>();
  const eventIds: string[] = [];
  for (const input of raw) {
    if (typeof input !== 'object' || input === null) continue;
    const { id, interviewId } = input as { id?: unknown; interviewId?: unknown };
    // Unsafe text is refused by validation; the database must not even be asked about it.
    if (typeof id !== 'string' || typeof interviewId !== 'string') continue;
    if (isUnsafeText(id) || isUnsafeText(interviewId)) continue;
    eventIds.push(id);
    if (!firstEvent.has(interviewId)) firstEvent.set(interviewId, id);
  }
  return { interviewIds: [...firstEvent.keys()], firstEventIds: [...firstEvent.values()], eventIds };
}

/** `found`, read for the `guessed` keys, completed with the `wanted` keys the guess left out. */
async function withMissing<V>(
  found: Map<string, V>,
  guessed: Set<string>,
  wanted: string[],
  read: (ids: string[]) => Promise<Map<string, V>>,
): Promise<Map<string, V>> {
  const missing = wanted.filter((id) => !guessed.has(id));
  if (missing.length === 0) return found;
  for (const [k, v] of await read(missing)) found.set(k, v);
  return found;
}

function pick<V>(map: Map<string, V>, keys: string[]): Map<string, V> {
  const out = new Map<string, V>();
  for (const k of keys) {
    const v = map.get(k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** What the checks compare an event with: the interview's opening and kind, fixed by its first event. */
type InterviewKind = Pick<InterviewRecord, 'openingId' | 'isSimulation'>;

/**
 * The events of known interviews that change nothing in them. Every stored event is one (the merge
 * is idempotent), so an at-least-once engine's resends are looked up before anything is written
 * instead of being found by the insert, which would cost the batch a second pass.
 */
function likelyRepeats(events: HashedEvent[], before: Map<string, StoredInterview>): string[] {
  const ids: string[] = [];
  for (const e of events) {
    const current = before.get(e.interviewId)?.record;
    if (current && sameRecord(current, mergeEvent(current, e))) ids.push(e.id);
  }
  return ids;
}

/**
 * For each interview not stored yet, the id of the event that would open it: its first event the
 * checks let open an interview, credits aside (whether they let it start depends on the interviews
 * before it, admitBatch). No other stored event changes what the checks say of the others without
 * the insert finding it.
 */
function openers(
  events: HashedEvent[],
  before: Map<string, StoredInterview>,
  held: readonly BudgetRow[],
): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (before.has(e.interviewId) || seen.has(e.interviewId)) continue;
    if (checkAgainst(undefined, e, true, held)) continue;
    seen.add(e.interviewId);
    ids.push(e.id);
  }
  return ids;
}

/**
 * What refuses an event, if anything: a new interview (not a simulation) when the plan blocks it or
 * a used-up block budget in `held` covers the scope its first event names; an event of a known
 * interview that names another opening or kind.
 */
export function checkAgainst(
  current: InterviewKind | undefined,
  e: ParsedEvent,
  allowNew: boolean,
  held: readonly BudgetRow[] = [],
): Omit<Rejection, 'index'> | undefined {
  const isSimulation = e.type === 'simulation.run';
  if (!current) {
    if (isSimulation) return undefined;
    if (!allowNew) {
      return {
        code: 'credits_exhausted',
        message:
          'The tenant has no credits left to start an interview (its plan allows no more overage); buy credits to continue.',
      };
    }
    const budget = held.length > 0 ? held.find((b) => inScope(b.scope, e)) : undefined;
    return budget && budgetRefusal(budget);
  }
  if (current.openingId !== e.openingId) {
    return {
      code: 'interview_opening_mismatch',
      message: `Interview ${e.interviewId} belongs to opening ${current.openingId}, not ${e.openingId}.`,
    };
  }
  if (current.isSimulation !== isSimulation) {
    return {
      code: 'interview_kind_mismatch',
      message: `Interview ${e.interviewId} is ${current.isSimulation ? 'a simulation' : 'a real interview'}; ${e.type} does not apply to it.`,
    };
  }
  return undefined;
}

export function openingSightings(events: ParsedEvent[]): OpeningSighting[] {
  // Times compared as the milliseconds parsed once (titleAt -Infinity: untitled so far).
  const byId = new Map<string, { o: OpeningSighting; firstAt: number; titleAt: number }>();
  for (const e of events) {
    const titled = e.jobTitle !== undefined;
    const seen = byId.get(e.openingId);
    if (!seen) {
      // Untitled openings show their id until an event names them ('-infinity' loses to any title).
      const o: OpeningSighting = {
        id: e.openingId,
        jobTitle: e.jobTitle ?? e.openingId,
        titleEventAt: titled ? e.occurredAt : '-infinity',
        titleEventId: titled ? e.id : '',
        firstSeenAt: e.occurredAt,
      };
      byId.set(e.openingId, { o, firstAt: e.at, titleAt: titled ? e.at : -Infinity });
      continue;
    }
    if (e.at < seen.firstAt) {
      seen.firstAt = e.at;
      seen.o.firstSeenAt = e.occurredAt;
    }
    // The latest titled event wins: by time, then by event id.
    if (titled && (e.at > seen.titleAt || (e.at === seen.titleAt && e.id > seen.o.titleEventId))) {
      seen.titleAt = e.at;
      seen.o.jobTitle = e.jobTitle ?? e.openingId;
      seen.o.titleEventAt = e.occurredAt;
      seen.o.titleEventId = e.id;
    }
  }
  const out: OpeningSighting[] = [];
  for (const { o } of byId.values()) out.push(o);
  return out;
}

/** Each recruiter's latest name in the batch (by time, then event id); unnamed ones show their id. */
export function recruiterSightings(events: ParsedEvent[]): RecruiterSighting[] {
  const byId = new Map<string, { r: RecruiterSighting; at: number }>();
  for (const e of events) {
    if (e.recruiterId === undefined) continue;
    const seen = byId.get(e.recruiterId);
    if (e.recruiterName === undefined) {
      if (!seen) {
        const r = { id: e.recruiterId, name: null, nameEventAt: '-infinity', nameEventId: '' };
        byId.set(e.recruiterId, { r, at: -Infinity });
      }
      continue;
    }
    if (seen && (seen.at > e.at || (seen.at === e.at && seen.r.nameEventId >= e.id))) continue;
    const r = { id: e.recruiterId, name: e.recruiterName, nameEventAt: e.occurredAt, nameEventId: e.id };
    byId.set(e.recruiterId, { r, at: e.at });
  }
  const out: RecruiterSighting[] = [];
  for (const { r } of byId.values()) out.push(r);
  return out;
}

/**
 * Each candidate's earliest sighting in the batch, less those that would change nothing: a candidate
 * the stored interviews show already seen no later (most events are of interviews already known).
 */
export function candidateSightings(
  events: ParsedEvent[],
  stored: Map<string, StoredInterview>,
): { id: string; firstSeenAt: string }[] {
  const known = new Map<string, number>();
  for (const { record, candidateSeenAt } of stored.values()) {
    if (record.candidateId !== null && candidateSeenAt !== undefined && candidateSeenAt !== null)
      known.set(record.candidateId, candidateSeenAt);
  }
  const byId = new Map<string, { id: string; firstSeenAt: string; at: number }>();
  for (const e of events) {
    if (!e.candidateId) continue;
    const seen = known.get(e.candidateId);
    if (seen !== undefined && seen <= e.at) continue;
    const c = byId.get(e.candidateId);
    if (!c || e.at < c.at)
      byId.set(e.candidateId, { id: e.candidateId, firstSeenAt: e.occurredAt, at: e.at });
  }
  const out: { id: string; firstSeenAt: string }[] = [];
  for (const c of byId.values()) out.push({ id: c.id, firstSeenAt: c.firstSeenAt });
  return out;
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
