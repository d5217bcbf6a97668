import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { writeAudit } from '../auth/audit.js';
import { actorOf, authOf, requireUserOrApiKey } from '../auth/guard.js';
import { notFound } from '../http/errors.js';
import { errorResponses, keyAccess } from '../http/schemas.js';
import { OPENING_STATUSES, setOpeningStatus } from './queries.js';

const Opening = z.object({
  openingId: z.string(),
  jobTitle: z.string(),
  status: z.enum(OPENING_STATUSES),
  createdAt: z.date().describe('When the opening was first seen in an event'),
});

/**
 * Openings come into being with their first interview event; their status is set here, by the
 * platform (an API key with openings:write) or an account admin. A closed opening keeps its history and still meters
 * the interviews already under way.
 */
export const openingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/openings/:openingId/status',
    {
      onRequest: requireUserOrApiKey({ roles: ['account_admin'], scope: 'openings:write' }),
      schema: {
        tags: ['openings'],
        summary: 'Open or close an opening (account admins, or the platform with an API key)',
        ...keyAccess('openings:write', { session: true }),
        params: z.object({ openingId: z.string().min(1).max(200) }),
        body: z.object({ status: z.enum(OPENING_STATUSES) }).strict(),
        response: { 200: Opening, ...errorResponses },
      },
    },
    async (request) => {
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
  );
};
