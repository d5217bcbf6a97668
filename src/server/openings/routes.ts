import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { writeAudit } from '../auth/audit.js';
import { actorOf, authOf } from '../auth/guard.js';
import { notFound } from '../errors.js';
import { routeOf } from '../http/route.js';
import { setOpeningStatus } from './queries.js';

/**
 * Openings come into being with their first interview event; their status is set here, by the
 * platform (an API key with openings:write) or an account admin. A closed opening keeps its history and still meters
 * the interviews already under way.
 */
export const openingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.setOpeningStatus),
    handler: async (request) => {
      const auth = authOf(request);
      const { openingId } = request.params;
      const { status } = request.body;
      return app.deps.db.withTenant(auth.tenantId, async (tx) => {
        const opening = await setOpeningStatus(tx, auth.tenantId, openingId, status);
        if (!opening) throw notFound(`Opening ${openingId}`);
        await writeAudit(
          tx,
          auth.tenantId,
          { actor: actorOf(auth), at: app.deps.now() },
          'opening.status_changed',
          {
            openingId,
            status,
          },
        );
        return {
          openingId: opening.id,
          jobTitle: opening.jobTitle,
          status: opening.status,
          createdAt: opening.createdAt,
        };
      });
    },
  });
};
