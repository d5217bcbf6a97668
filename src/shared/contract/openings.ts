import { z } from 'zod';
import { endpoint, Instant } from './common.js';

export const OPENING_STATUSES = ['open', 'closed'] as const;
export type OpeningStatus = (typeof OPENING_STATUSES)[number];
export const OpeningStatusSchema = z.enum(OPENING_STATUSES);

/** An opening's id as a path value. */
export const OpeningIdParams = z.object({ openingId: z.string().min(1).max(200) });

export const setOpeningStatus = endpoint({
  method: 'PUT',
  path: '/api/v1/openings/:openingId/status',
  operationId: 'setOpeningStatus',
  tag: 'openings',
  summary: 'Open or close an opening (account admins, or the platform with an API key)',
  description:
    'Openings come into being with their first interview event. A closed opening keeps its history and ' +
    'still meters the interviews already under way.',
  access: { session: ['account_admin'], apiKey: 'openings:write' },
  params: OpeningIdParams,
  body: z.object({ status: OpeningStatusSchema }).strict(),
  responses: {
    200: z.object({
      openingId: z.string(),
      jobTitle: z.string(),
      status: OpeningStatusSchema,
      createdAt: Instant.describe('When the opening was first seen in an event'),
    }),
  },
  errors: ['not_found'],
});
