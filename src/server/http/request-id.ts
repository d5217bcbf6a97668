import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from '../../shared/contract/common.js';

/** An id a caller sent is kept only when it is short and plain enough to log as it is. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Each request's id, which its log lines carry: the caller's `X-Request-Id` (a proxy's, so one
 * id follows the request through both logs) when it is safe, else a new UUID.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
}

/** Every answer names its request's id, so a user reporting a problem can quote the log's. */
export function echoRequestId(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
