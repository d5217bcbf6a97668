import type { z } from 'zod';
import { ATTRIBUTION_FIELDS, MAX_ATTRIBUTE_LENGTH } from '../../shared/attribution.js';
import {
  EVENT_TYPES,
  type EventType,
  type InterviewEvent,
  InterviewEventSchema,
} from '../../shared/contract/events.js';

/**
 * The times an event may carry (docs/product.md, Events): years of history load, but nothing
 * before 2000 and nothing more than a day ahead of the server's clock (clock skew, not the future).
 * Outside this window dates stop being ordinary calendar dates for the database and the time-zone
 * rules alike (year 0, offsets pushing a date past 9999).
 */
export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
export const MAX_EVENT_LEAD_MS = 24 * 60 * 60 * 1000;

/** Why an event's time is refused, or undefined when it is within the window. */
export function eventTimeProblem(at: number, now: Date): string | undefined {
  if (!(at >= EARLIEST_EVENT_TIME)) return 'occurredAt is before 2000-01-01T00:00:00Z';
  if (at > now.getTime() + MAX_EVENT_LEAD_MS)
    return "occurredAt is more than 24 hours after the server's clock";
  return undefined;
}

/**
 * Parses one event exactly as `InterviewEventSchema.safeParse` does, faster in the common case: an
 * event that is already in final form is checked here by hand and returned as zod would return it;
 * anything else (whitespace to trim, a missing field, an unknown key, a wrong type…) goes to zod, so
 * every error comes from zod. events.test.ts proves the two agree on valid and invalid input.
 */
export function parseEvent(input: unknown): z.ZodSafeParseResult<InterviewEvent> {
  const fast = fastParseEvent(input);
  return fast ? { success: true, data: fast } : InterviewEventSchema.safeParse(input);
}

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const KEYS: ReadonlySet<string> = new Set(Object.keys(InterviewEventSchema.shape));
// The very pattern zod tests occurredAt with (no other check is made on it).
const DATETIME: RegExp | undefined = InterviewEventSchema.shape.occurredAt._zod.def.pattern;

/** Printable ASCII other than the space: never trimmed. */
const isPlain = (code: number) => code > 0x20 && code < 0x7f;

/** A string zod's `.trim().min(1).max(max)` accepts unchanged (trim() only when an end is not plain ASCII). */
const isTrimmed = (v: unknown, max: number): v is string =>
  typeof v === 'string' &&
  v.length >= 1 &&
  v.length <= max &&
  ((isPlain(v.charCodeAt(0)) && isPlain(v.charCodeAt(v.length - 1))) || v.trim() === v);

/**
 * The event as zod would return it, when it is surely valid and needs no transform; otherwise
 * undefined (which says nothing about validity: zod decides). Exported for events.test.ts.
 */
export function fastParseEvent(input: unknown): InterviewEvent | undefined {
  if (DATETIME === undefined || typeof input !== 'object' || input === null) return undefined;
  // Plain objects only (a parsed JSON body): no inherited or computed fields to reason about.
  const proto = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const e = input as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!KEYS.has(key)) return undefined;
  const { id, type, interviewId, openingId, jobTitle, candidateId, occurredAt, completion } = e;
  if (!isTrimmed(id, 200) || !isTrimmed(interviewId, 200) || !isTrimmed(openingId, 200)) return undefined;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  if (jobTitle !== undefined && !isTrimmed(jobTitle, 300)) return undefined;
  if (candidateId !== undefined && !isTrimmed(candidateId, 200)) return undefined;
  if (typeof occurredAt !== 'string' || !DATETIME.test(occurredAt)) return undefined;
  if (completion !== undefined && (typeof completion !== 'number' || !(completion >= 0 && completion <= 1)))
    return undefined;
  if (completion === undefined && (type === 'interview.progress' || type === 'interview.ended'))
    return undefined;
  // Tags (an object to check key by key) are left to zod; the other attributes are plain strings.
  const { recruiterId, recruiterName, department, location } = e;
  if (e.tags !== undefined) return undefined;
  for (const v of [recruiterId, recruiterName, department, location])
    if (v !== undefined && !isTrimmed(v, MAX_ATTRIBUTE_LENGTH)) return undefined;
  if (recruiterName !== undefined && recruiterId === undefined) return undefined;
  // Zod's output: the schema's key order, and an optional key given as undefined kept as undefined.
  const event = { id, type: type as EventType, interviewId, openingId } as InterviewEvent;
  if ('jobTitle' in e) event.jobTitle = jobTitle;
  if ('candidateId' in e) event.candidateId = candidateId;
  event.occurredAt = occurredAt;
  if ('completion' in e) event.completion = completion;
  if ('recruiterId' in e) event.recruiterId = recruiterId as string | undefined;
  if ('recruiterName' in e) event.recruiterName = recruiterName as string | undefined;
  if ('department' in e) event.department = department as string | undefined;
  if ('location' in e) event.location = location as string | undefined;
  if ('tags' in e) event.tags = undefined;
  return event;
}

const ATTRIBUTION: ReadonlySet<string> = new Set(ATTRIBUTION_FIELDS);

/**
 * Whether a refused event's issues all lie in its attribution: then it is refused as
 * invalid_attribution, by the field, and anything else wrong with it as invalid_event.
 */
export const onlyAttributionIssues = (issues: readonly { path: readonly PropertyKey[] }[]) =>
  issues.length > 0 && issues.every((i) => typeof i.path[0] === 'string' && ATTRIBUTION.has(i.path[0]));

/** An accepted event with its time parsed once. */
export interface ParsedEvent extends InterviewEvent {
  at: number;
}
