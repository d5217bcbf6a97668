import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { actorOf, authOf } from '../auth/guard.js';
import { routeOf } from '../http/route.js';
import { ingestEvents } from './ingest.js';

export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.ingestEvents),
    // Bad text refuses its own event only (ingest answers it by index), not the batch.
    config: { checksBodyTextPerItem: true },
    handler: async (request) => {
      const auth = authOf(request);
      const result = await ingestEvents(app.deps.db, auth.tenantId, request.body.events, {
        now: app.deps.now(),
        actor: actorOf(auth),
      });
      const counted = app.deps.metrics?.ingestEvents;
      counted?.inc({ outcome: 'accepted' }, result.accepted);
      counted?.inc({ outcome: 'duplicate' }, result.duplicates);
      counted?.inc({ outcome: 'rejected' }, result.rejected.length);
      return result;
    },
  });
};
