import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { health, readiness } from '../../shared/contract/service.js';
import { DomainError } from '../errors.js';
import { withTimeLimit } from '../time-limit.js';
import { DATABASE_RETRY_AFTER_SECONDS } from './error-handler.js';
import { routeOf } from './route.js';

/** Longer than a healthy database ever takes for one row; shorter than a load balancer's probe waits. */
export const READINESS_TIMEOUT_MS = 2_000;

/**
 * The service's own routes: liveness (the process answers) and readiness (its database answers
 * too, so a load balancer sends it traffic). A replica that is down does not make the server
 * unready: reads go to the primary (src/server/db/replica.ts).
 */
export const serviceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({ ...routeOf(health), handler: async () => ({ ok: true as const }) });

  app.route({
    ...routeOf(readiness),
    handler: async () => {
      const { db, reads } = app.deps;
      const answered = await withTimeLimit(db.query('select 1'), READINESS_TIMEOUT_MS).then(
        () => true,
        () => false,
      );
      if (!answered) {
        throw new DomainError(
          'database_unavailable',
          `The database did not answer within ${READINESS_TIMEOUT_MS / 1000} s; this server cannot serve now.`,
          { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
        );
      }
      const { replica, lagSeconds } = reads.status();
      return { ready: true as const, database: db.kind, replica, replicaLagSeconds: lagSeconds };
    },
  });
};
