import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../../shared/contract/common.js';
import { health } from '../../shared/contract/service.js';
import { bearerTokenOf } from '../auth/guard.js';
import { credentialKey, ProvenCredentials } from '../auth/proven-credentials.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { RATE_LIMIT_DEFAULTS } from '../config.js';
import { DomainError } from '../errors.js';

/** Counts, and credentials found valid, kept at most: room for many sessions, keys and addresses. */
const CACHE = 100_000;

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
 * when this server has found that credential valid; else its client address's, as an anonymous
 * request. Decided before the guards look the credential up, so made-up tokens spend their
 * address's budget and, once it is spent, are refused before they cost a database lookup, while
 * real sessions and keys from the same address keep their own. Secrets are kept as hashes only.
 */
function principalOf(request: FastifyRequest, proven: ProvenCredentials): string {
  const bearer = bearerTokenOf(request);
  const session = request.cookies?.[SESSION_COOKIE];
  const credential = bearer
    ? credentialKey('api_key', bearer)
    : session
      ? credentialKey('session', session)
      : undefined;
  return credential && proven.has(credential) ? credential : `address:${normalizeIP(request.ip)}`;
}

/**
 * `@fastify/rate-limit` for the API: requests a minute per API key, per session and per address
 * of anonymous callers; over it, `429 rate_limited` with `Retry-After`. The counts are the
 * plugin's in-memory store, and the credentials found valid (`app.provenCredentials`, which the
 * guards keep) the server's memory, so each server process counts its own requests.
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
  const proven = new ProvenCredentials(CACHE);
  app.decorate('provenCredentials', proven);
  await app.register(rateLimit, {
    global: false,
    timeWindow: 60_000,
    cache: CACHE,
    keyGenerator: (request) => principalOf(request, proven),
    max: (_request, key) => perPrincipal[key.slice(0, key.indexOf(':'))] ?? anonymous,
    allowList: (request) => !isLimited(request),
    errorResponseBuilder: (_request, context) =>
      new DomainError('rate_limited', `Too many requests; retry in ${context.after}.`),
  });
  app.addHook('onRequest', app.rateLimit());
}
