import { z } from 'zod';

/** What the interview engine sends, one event at a time (PRODUCT.md §2). */
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

export const InterviewEventSchema = z
  .object({
    id: Id,
    type: z.enum(EVENT_TYPES),
    interviewId: Id,
    openingId: Id,
    jobTitle: z.string().trim().min(1).max(300).optional(),
    candidateId: Id.optional(),
    occurredAt: z.iso.datetime({ offset: true }),
    completion: z.number().min(0).max(1).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.type === 'interview.progress' || e.type === 'interview.ended') && e.completion === undefined) {
      ctx.addIssue({ code: 'custom', path: ['completion'], message: `${e.type} needs completion (0..1)` });
    }
  });

export type InterviewEvent = z.infer<typeof InterviewEventSchema>;

/** An accepted event with its time parsed once. */
export interface ParsedEvent extends InterviewEvent {
  at: number;
}
