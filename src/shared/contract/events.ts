import { z } from 'zod';
import { AttributeValue, MAX_ATTRIBUTE_LENGTH, MAX_TAGS, Tags } from '../attribution.js';
import { endpoint } from './common.js';

/** What the interview engine sends, one event at a time (docs/product.md, Events). */
export const EVENT_TYPES = [
  'interview.invited',
  'interview.started',
  'interview.progress',
  'interview.completed',
  'interview.ended',
  'interview.expired',
  'interview.cancelled',
  'simulation.run',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Id = z.string().trim().min(1).max(200);

/** One event; the batch's events are checked one by one against it (src/server/metering/events.ts). */
export const InterviewEventSchema = z
  .object({
    id: Id,
    type: z.enum(EVENT_TYPES),
    interviewId: Id,
    openingId: Id,
    jobTitle: z.string().trim().min(1).max(300).optional(),
    candidateId: Id.optional(),
    occurredAt: z.iso
      .datetime({ offset: true })
      .describe("From 2000-01-01T00:00:00Z to 24 hours after the server's clock (else invalid_time)"),
    completion: z.number().min(0).max(1).optional(),
    // Attribution (docs/product.md, Attribution): per field, the latest event that names it wins.
    recruiterId: AttributeValue.optional().describe('The recruiter the interview is for'),
    recruiterName: AttributeValue.optional().describe("The recruiter's name (needs recruiterId)"),
    department: AttributeValue.optional(),
    location: AttributeValue.optional(),
    tags: Tags.optional().describe(
      `At most ${MAX_TAGS} tags; keys of letters, digits, _ and - (1 to 40), values of 1 to ${MAX_ATTRIBUTE_LENGTH} characters`,
    ),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.type === 'interview.progress' || e.type === 'interview.ended') && e.completion === undefined) {
      ctx.addIssue({ code: 'custom', path: ['completion'], message: `${e.type} needs completion (0..1)` });
    }
    if (e.recruiterName !== undefined && e.recruiterId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['recruiterName'], message: 'recruiterName needs recruiterId' });
    }
  });
export type InterviewEvent = z.infer<typeof InterviewEventSchema>;

/** The most events one request may carry. */
export const MAX_BATCH = 1000;

/** Why one event of a batch was refused (the others are still taken). */
export const EVENT_REJECTION_CODES = [
  'invalid_event',
  'invalid_text',
  'invalid_time',
  'invalid_attribution',
  'event_id_conflict',
  'interview_opening_mismatch',
  'interview_kind_mismatch',
  'credits_exhausted',
  'budget_exhausted',
] as const;

export const Rejection = z.object({
  index: z.number().describe("The event's place in the batch, from 0"),
  code: z.enum(EVENT_REJECTION_CODES),
  message: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export const IngestResult = z.object({
  accepted: z.number().describe('Events stored by this request'),
  duplicates: z.number().describe('Events received before with the same content (changed nothing)'),
  rejected: z.array(Rejection),
});
export type IngestResult = z.infer<typeof IngestResult>;

export const ingestEvents = endpoint({
  method: 'POST',
  path: '/api/v1/events',
  operationId: 'ingestEvents',
  tag: 'events',
  summary: 'Ingest a batch of interview events (idempotent by event id)',
  description:
    'Each event is validated on its own; the answer counts accepted and duplicate events and lists ' +
    'the rejected ones by index. Accepted events are durably stored before the answer is sent.',
  access: { apiKey: 'events:write' },
  // Events are checked one by one by ingest, so one bad event does not refuse the batch.
  body: z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict(),
  documentedBody: z.object({ events: z.array(InterviewEventSchema).min(1).max(MAX_BATCH) }).strict(),
  responses: { 200: IngestResult },
});
