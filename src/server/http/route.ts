import type { onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { API_KEY_SCOPE_DESCRIPTIONS } from '../../shared/api-key-scopes.js';
import type { Endpoint } from '../../shared/contract/common.js';
import { ERROR_CODES, ErrorBody, type ErrorCode } from '../../shared/contract/errors.js';
import { requireApiKey, requireUser, requireUserOrApiKey, SAFE_METHODS } from '../auth/guard.js';
import { STATUS_OF_KIND } from './error-handler.js';
import { isRateLimitedPath } from './rate-limit.js';

/**
 * 415: Fastify refuses a body of a type it cannot read, and the JSON parser one declared in a
 * charset other than UTF-8 (encoding.ts), under the code bad_request.
 */
const UNSUPPORTED_MEDIA_TYPE = 415;

const ERROR_TITLES: Record<number, string> = {
  400: 'The request is not valid',
  401: 'Not signed in, or no valid API key',
  403: 'Not allowed',
  404: 'Not found',
  409: 'In conflict with the current state',
  413: 'The body is too large',
  415: 'The body is not JSON, or not in UTF-8',
  429: 'Too many requests; Retry-After says when to ask again',
  503: 'Unavailable for a moment (the database, or this server stopping); nothing was changed; Retry-After says when to ask again',
};

/**
 * Every error answer an operation can give, by status, with the codes it can carry: those of any
 * request (bad text anywhere, an input that fails its schema, a body Fastify cannot read), of its
 * access (no or a wrong credential, a role or scope that does not allow it, a missing csrf token),
 * of the rate limits and the database, and the operation's own (`errors` in the contract).
 */
export function errorAnswersOf(e: Endpoint): Map<number, Set<string>> {
  const answers = new Map<number, Set<string>>();
  const answer = (status: number, code: ErrorCode) => {
    const codes = answers.get(status) ?? new Set<string>();
    answers.set(status, codes.add(code));
  };
  const add = (code: ErrorCode) => answer(STATUS_OF_KIND[ERROR_CODES[code]], code);
  // Non-GET requests may carry a body, which Fastify reads whatever the route.
  const hasBody = !SAFE_METHODS.has(e.method);
  add('invalid_text');
  // A path or a query that is not valid percent-encoded UTF-8 (error-handler.ts, hardening.ts).
  add('invalid_url');
  // Any request, before it reaches the route (src/server/http/client-errors.ts).
  add('request_timeout');
  add('headers_too_large');
  // Any HTTP/1.1 request without a Host header (client-errors.ts refuseWithoutHost).
  add('bad_request');
  // Any request that reaches a server that has begun to stop (src/server/http/stopping.ts).
  add('server_stopping');
  if (e.params || e.query || e.headers || e.body) add('invalid_request');
  if (hasBody) {
    add('payload_too_large');
    answer(UNSUPPORTED_MEDIA_TYPE, 'bad_request');
  }
  const { session, apiKey } = e.access;
  if (session) {
    add('unauthorized');
    if (session.length > 0) add('forbidden');
    if (hasBody) add('csrf_failed');
  }
  if (apiKey) {
    add('invalid_api_key');
    add('insufficient_scope');
  }
  if (isRateLimitedPath(e.path)) {
    add('rate_limited');
    add('database_unavailable');
  }
  for (const code of e.errors ?? []) add(code);
  return answers;
}

/** The error answer of one status: the API's error shape, its possible codes listed. */
function errorSchema(status: number, codes: Set<string>) {
  const list = [...codes];
  return z
    .object({
      error: ErrorBody.shape.error.extend({
        code: z.string().meta({ enum: list, description: 'A stable code' }),
      }),
    })
    .describe(`${ERROR_TITLES[status] ?? 'Refused'} (${list.join(', ')})`);
}

/** The OpenAPI security requirement of an operation: who may call it, and how. */
function securityOf(e: Endpoint): Record<string, string[]>[] {
  const { session, apiKey } = e.access;
  return [
    ...(session ? [SAFE_METHODS.has(e.method) ? { session: [] } : { session: [], csrf: [] }] : []),
    ...(apiKey ? [{ apiKey: [] }] : []),
  ];
}

const ROLE_NAMES = { account_admin: 'account admins', recruiter: 'recruiters', viewer: 'viewers' } as const;

/** The description of an operation, with who may call it (OpenAPI 3.0 names scopes for OAuth alone). */
function describe(e: Endpoint): string | undefined {
  const { session, apiKey } = e.access;
  const notes = [e.description];
  if (session && session.length > 0) {
    notes.push(`Signed-in ${session.map((r) => ROLE_NAMES[r]).join(', ')} only (else 403 forbidden).`);
  }
  if (apiKey) {
    notes.push(
      `An API key needs the scope \`${apiKey}\` (${API_KEY_SCOPE_DESCRIPTIONS[apiKey].toLowerCase()}; else 403 insufficient_scope).`,
    );
  }
  const text = notes.filter(Boolean).join(' ');
  return text || undefined;
}

/** The guard of an operation's access, run as the route's onRequest hook. */
function guardOf(e: Endpoint): onRequestAsyncHookHandler | undefined {
  const { session, apiKey } = e.access;
  if (session && apiKey) return requireUserOrApiKey({ roles: [...session], scope: apiKey });
  if (session) return requireUser(...session);
  if (apiKey) return requireApiKey(apiKey);
  return undefined;
}

/** `o` without its undefined values: Fastify takes a schema key that is there as one it must use. */
const withoutUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * A Fastify route from an operation of the contract: its method and path, its guard, its schemas
 * (validation, serialisation) and its OpenAPI document. Routes add their handler:
 * `app.route({ ...routeOf(contract.getBalance), handler })`.
 */
export function routeOf<const E extends Endpoint>(e: E) {
  const errors = Object.fromEntries(
    [...errorAnswersOf(e)].map(([status, codes]) => [status, errorSchema(status, codes)]),
  );
  const onRequest = guardOf(e);
  return {
    method: e.method,
    url: e.path,
    ...(onRequest ? { onRequest } : {}),
    schema: withoutUndefined({
      operationId: e.operationId,
      tags: [e.tag],
      summary: e.summary,
      description: describe(e),
      security: securityOf(e),
      params: e.params as E['params'],
      querystring: e.query as E['query'],
      headers: e.headers as E['headers'],
      body: e.body as E['body'],
      // Read by the OpenAPI document alone (src/server/http/openapi.ts).
      documentedBody: e.documentedBody,
      // Error answers are sent by the error handler, never returned by a handler.
      response: { ...e.responses, ...errors } as E['responses'],
    }),
  };
}
