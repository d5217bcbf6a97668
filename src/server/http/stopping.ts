import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.js';

/** Seconds a request refused by a stopping server is asked to wait: a balancer has moved on by then. */
export const STOPPING_RETRY_AFTER_SECONDS = 5;

/**
 * Fastify's options that leave a stopping server's refusals to `refuseWhileStopping`: its own 503
 * body is not the API's error shape.
 */
export const stoppingOptions = { return503OnClosing: false } as const;

/**
 * A request that reaches the server once it has begun to stop (on a connection kept alive; new
 * connections are no longer taken) is refused with `503 server_stopping` and Retry-After, and its
 * connection closed: the client sends it again, to another server. Requests already running end.
 */
export function refuseWhileStopping(app: FastifyInstance): void {
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!stopping) return;
    reply.header('connection', 'close');
    throw new DomainError('server_stopping', 'This server is stopping; send the request again.', {
      retryAfterSeconds: STOPPING_RETRY_AFTER_SECONDS,
    });
  });
}
