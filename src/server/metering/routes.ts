import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, authOf, requireApiKey } from '../auth/guard.js';
import { errorResponses, keyAccess } from '../http/schemas.js';
import { ingestEvents, MAX_BATCH } from './ingest.js';

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
        // Events are checked one by one in ingest, so one bad event does not refuse the batch.
        body: z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict(),
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
