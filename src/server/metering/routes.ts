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
      return ingestEvents(app.deps.db, auth.tenantId, request.body.events, {
        now: app.deps.now(),
        actor: actorOf(auth),
      });
    },
  });
};
