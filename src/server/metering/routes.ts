import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, authOf, requireApiKey } from '../auth/guard.js';
import { errorResponses, keyAccess } from '../http/schemas.js';
import { InterviewEventSchema } from './events.js';
import { ingestEvents, MAX_BATCH } from './ingest.js';

/**
 * An event as the document describes it. The body takes any item (ingest checks each on its own
 * and rejects it by index, so one bad event does not refuse the batch); this only documents them.
 */
const DocumentedEvent = z.unknown().meta({
  ...z.toJSONSchema(InterviewEventSchema, { target: 'openapi-3.0', io: 'input' }),
  description:
    'An interview event. interview.progress and interview.ended need completion; occurredAt must be ' +
    "from 2000-01-01T00:00:00Z to 24 hours after the server's clock (else invalid_time).",
});

export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/events',
    {
      onRequest: requireApiKey('events:write'),
      // Bad text refuses its own event only (ingest answers it by index), not the batch.
      config: { checksBodyTextPerItem: true },
      schema: {
        tags: ['metering'],
        summary: 'Ingest a batch of interview events (idempotent by event id)',
        ...keyAccess('events:write', {
          session: false,
          description:
            'Each event is validated on its own; the answer counts accepted and duplicate events and lists the ' +
            'rejected ones by index. Accepted events are durably stored before the answer is sent.',
        }),
        body: z.object({ events: z.array(DocumentedEvent).min(1).max(MAX_BATCH) }).strict(),
        response: {
          200: z.object({
            accepted: z.number(),
            duplicates: z.number(),
            rejected: z.array(z.object({ index: z.number(), code: z.string(), message: z.string() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const auth = authOf(request);
      return ingestEvents(app.deps.db, auth.tenantId, request.body.events, {
        now: app.deps.now(),
        actor: actorOf(auth),
      });
    },
  );
};
