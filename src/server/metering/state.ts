import { type Dimension, tagDimension } from '../../shared/attribution.js';
import type { InterviewState } from '../ledger/rules.js';
import type { ParsedEvent } from './events.js';

/** One attribute of an interview, with the event that gave it (the latest by time, then by id). */
export interface Attribute {
  value: string;
  /** The recruiter's name given with the recruiter, when the event gave one. */
  name?: string;
  at: number;
  event: string;
}

/** An interview's attributes by dimension (`recruiter`, `department`, `location`, `tag:<key>`). */
export type Attribution = Partial<Record<Dimension, Attribute>>;

/**
 * An interview as the merge of its events. Every field is a min, a max or a
 * deterministic pick over the events seen, so the record is the same whatever the order
 * events arrive in and however often one repeats.
 */
export interface InterviewRecord {
  id: string;
  openingId: string;
  candidateId: string | null;
  isSimulation: boolean;
  /** Milestones as epoch milliseconds; null when not reached. */
  invitedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  endedAt: number | null;
  expiredAt: number | null;
  cancelledAt: number | null;
  completion: number;
  /** Null until an event attributes the interview (docs/product.md, Attribution). */
  attribution: Attribution | null;
}

const minOf = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));

export function mergeEvent(record: InterviewRecord | undefined, e: ParsedEvent): InterviewRecord {
  // Copied field by field: a spread is several times slower, and this runs for every event ingested.
  const r: InterviewRecord = record
    ? {
        id: record.id,
        openingId: record.openingId,
        candidateId: record.candidateId,
        isSimulation: record.isSimulation,
        invitedAt: record.invitedAt,
        startedAt: record.startedAt,
        completedAt: record.completedAt,
        endedAt: record.endedAt,
        expiredAt: record.expiredAt,
        cancelledAt: record.cancelledAt,
        completion: record.completion,
        attribution: record.attribution,
      }
    : {
        id: e.interviewId,
        openingId: e.openingId,
        candidateId: e.candidateId ?? null,
        isSimulation: e.type === 'simulation.run',
        invitedAt: e.at,
        startedAt: null,
        completedAt: null,
        endedAt: null,
        expiredAt: null,
        cancelledAt: null,
        completion: 0,
        attribution: null,
      };
  // Any event proves the interview was invited by then.
  r.invitedAt = Math.min(r.invitedAt, e.at);
  // Should the engine ever send two candidates, the smallest id wins whatever the order.
  if (e.candidateId && (r.candidateId === null || e.candidateId < r.candidateId))
    r.candidateId = e.candidateId;
  switch (e.type) {
    case 'interview.invited':
      break;
    case 'interview.started':
    case 'interview.progress':
      r.startedAt = minOf(r.startedAt, e.at);
      break;
    case 'interview.ended':
      r.startedAt = minOf(r.startedAt, e.at);
      r.endedAt = minOf(r.endedAt, e.at);
      break;
    case 'interview.completed':
    case 'simulation.run':
      r.startedAt = minOf(r.startedAt, e.at);
      r.completedAt = minOf(r.completedAt, e.at);
      break;
    case 'interview.expired':
      r.expiredAt = minOf(r.expiredAt, e.at);
      break;
    case 'interview.cancelled':
      r.cancelledAt = minOf(r.cancelledAt, e.at);
      break;
  }
  const completion =
    e.type === 'interview.completed' || e.type === 'simulation.run' ? 1 : (e.completion ?? r.completion);
  r.completion = Math.max(r.completion, completion);
  r.attribution = mergeAttribution(r.attribution, e);
  return r;
}

/**
 * Whether a merge changed nothing. The attribution is compared by reference: the merge keeps the
 * same object unless the event wins somewhere.
 */
export function sameRecord(a: InterviewRecord, b: InterviewRecord): boolean {
  return (
    a.candidateId === b.candidateId &&
    a.invitedAt === b.invitedAt &&
    a.startedAt === b.startedAt &&
    a.completedAt === b.completedAt &&
    a.endedAt === b.endedAt &&
    a.expiredAt === b.expiredAt &&
    a.cancelledAt === b.cancelledAt &&
    a.completion === b.completion &&
    a.attribution === b.attribution
  );
}

/** What an event says of each dimension: [dimension, value, name]. */
function attributesOf(e: ParsedEvent): [Dimension, string, string | undefined][] {
  const out: [Dimension, string, string | undefined][] = [];
  if (e.recruiterId !== undefined) out.push(['recruiter', e.recruiterId, e.recruiterName]);
  if (e.department !== undefined) out.push(['department', e.department, undefined]);
  if (e.location !== undefined) out.push(['location', e.location, undefined]);
  if (e.tags) for (const [k, v] of Object.entries(e.tags)) out.push([tagDimension(k), v, undefined]);
  return out;
}

/**
 * Each dimension's value is the latest event's that names it, by (occurredAt, event id): a max,
 * so the merge is order-free. Tags merge key by key. The stored object is replaced, never changed
 * in place, when the event wins anywhere; an event that names nothing leaves it as it is.
 */
function mergeAttribution(current: Attribution | null, e: ParsedEvent): Attribution | null {
  const given = attributesOf(e);
  if (given.length === 0) return current;
  let next: Attribution | null = null;
  for (const [dimension, value, name] of given) {
    const held = current?.[dimension];
    if (held && (held.at > e.at || (held.at === e.at && held.event >= e.id))) continue;
    next ??= { ...current };
    const attribute: Attribute = { value, at: e.at, event: e.id };
    if (name !== undefined) attribute.name = name;
    next[dimension] = attribute;
  }
  return next ?? current;
}

export interface DerivedState {
  state: InterviewState;
  /** When the interview reached its charged state: the day its credits count on. */
  finishedAt: number | null;
}

/**
 * The state machine of docs/product.md, Interview states, read from the milestones: completed wins
 * (a resumed partial interview can complete), then ended early; a started interview that expires or
 * is cancelled ended early too; one never started expired or was cancelled, whichever came first.
 * The one rule for an interview's state and finish time: ingest stores both, readers read them.
 */
export function deriveState(r: InterviewRecord): DerivedState {
  if (r.completedAt !== null) return { state: 'completed', finishedAt: r.completedAt };
  const stoppedAt = earliest(r.expiredAt, r.cancelledAt);
  if (r.endedAt !== null) return { state: 'partially_completed', finishedAt: r.endedAt };
  if (r.startedAt !== null) {
    return stoppedAt === null
      ? { state: 'started', finishedAt: null }
      : { state: 'partially_completed', finishedAt: stoppedAt };
  }
  if (r.expiredAt !== null && (r.cancelledAt === null || r.expiredAt <= r.cancelledAt)) {
    return { state: 'expired', finishedAt: null };
  }
  if (r.cancelledAt !== null) return { state: 'cancelled', finishedAt: null };
  return { state: 'invited', finishedAt: null };
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
