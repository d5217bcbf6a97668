import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../../shared/contract/common.js';
import { health } from '../../shared/contract/service.js';
import { bearerTokenOf } from '../auth/guard.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { sha256Hex } from '../auth/tokens.js';
import { RATE_LIMIT_DEFAULTS } from '../config.js';
import { DomainError } from '../errors.js';

export type RateLimitConfig = Partial<Record<keyof typeof RATE_LIMIT_DEFAULTS, number>>;

/** Whether the rate limits count requests to `path`: every API path but the health check's. */
export const isRateLimitedPath = (path: string) => path.startsWith(`${API_PREFIX}/`) && path !== health.path;

/**
 * Only the API is limited: the console's files and the health check are not. A matched route is
 * judged by its pattern, not the URL as sent, which may spell the same path otherwise.
 */
function isLimited(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return isRateLimitedPath(path);
}

/**
 * Whose budget a request spends: its API key (the bearer token), else its session (the cookie),
 * else its client address. Keyed on the credential as sent, before the guards check it, so a
 * flood is refused before it costs a database lookup; secrets are kept as hashes only.
 */
function principalOf(request: FastifyRequest): string {
  const bearer = bearerTokenOf(request);
  if (bearer) return `api_key:${sha256Hex(bearer)}`;
  const session = request.cookies?.[SESSION_COOKIE];
  if (session) return `session:${sha256Hex(session)}`;
  return `address:${normalizeIP(request.ip)}`;
}

/**
 * `@fastify/rate-limit` for the API: requests a minute per API key, per session and per address
 * of anonymous callers; over it, `429 rate_limited` with `Retry-After`. The counts are the
 * plugin's in-memory store, so each server process counts its own requests.
 * Registered after @fastify/cookie (it reads the session cookie) and before the routes; it runs as
 * an onRequest hook of the whole app, ahead of each route's guard.
 */
export async function registerRateLimit(app: FastifyInstance, config: RateLimitConfig): Promise<void> {
  const limit = (name: keyof typeof RATE_LIMIT_DEFAULTS) => config[name] ?? RATE_LIMIT_DEFAULTS[name];
  const anonymous = limit('METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE');
  const perPrincipal: Record<string, number> = {
    api_key: limit('METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE'),
    session: limit('METERLINE_RATE_LIMIT_SESSION_PER_MINUTE'),
    address: anonymous,
  };
  await app.register(rateLimit, {
    global: false,
    timeWindow: 60_000,
    // Room for many sessions and keys, so a flood of made-up ones does not soon evict real ones.
    cache: 100_000,
    keyGenerator: principalOf,
    max: (_request, key) => perPrincipal[key.slice(0, key.indexOf(':'))] ?? anonymous,
    allowList: (request) => !isLimited(request),
    errorResponseBuilder: (_request, context) =>
      new DomainError('rate_limited', `Too many requests; retry in ${context.after}.`),
  });
  app.addHook('onRequest', app.rateLimit());
}
