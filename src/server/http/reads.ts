import type { FastifyRequest } from 'fastify';
import type { ReadTarget } from '../db/replica.js';

/** Who is asking, as read routing tells callers apart: a console session or an API key. */
export function callerOf(request: FastifyRequest): string | undefined {
  const auth = request.auth;
  if (!auth) return undefined;
  return auth.kind === 'session' ? `session:${auth.sessionId}` : `api_key:${auth.keyId}`;
}

/**
 * The database a request's reads of usage figures go to (the read replica when it can serve the
 * caller, see src/server/db/replica.ts), and the instant its figures are current as of.
 */
export function readsFor(request: FastifyRequest): ReadTarget {
  const { reads, now } = request.server.deps;
  return reads.pick(callerOf(request), now());
}
