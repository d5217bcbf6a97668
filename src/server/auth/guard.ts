import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeyScope } from '../../shared/api-key-scopes.js';
import { CSRF_HEADER } from '../../shared/contract/auth.js';
import type { Role } from '../../shared/contract/users.js';
import { DomainError } from '../errors.js';
import { authenticateApiKey } from './api-keys.js';
import { type FoundSession, findSession, SESSION_COOKIE } from './sessions.js';
import { safeEqual } from './tokens.js';

export interface SessionAuth {
  kind: 'session';
  tenantId: string;
  userId: string;
  role: Role;
  email: string;
  sessionId: string;
}

export interface ApiKeyAuth {
  kind: 'api_key';
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: SessionAuth | ApiKeyAuth;
  }
}

// Routes install these guards as onRequest hooks, so a request is authenticated before its body
// is read: an anonymous caller cannot make the server parse a large body.

/** Methods that change nothing: a session needs no csrf token for them. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The csrf token of each request's session, kept off `request.auth` so it is not logged or passed on. */
const csrfTokens = new WeakMap<FastifyRequest, string>();

const unauthorized = () => new DomainError('unauthorized', 'Sign in first.');

/**
 * The live session of the request's cookie (see findSession), or undefined without one. What it
 * finds is noted for the rate limit: a live session spends its own budget from then on, any other
 * its address's (src/server/auth/proven-credentials.ts).
 */
export async function liveSessionOf(request: FastifyRequest): Promise<FoundSession | undefined> {
  const { deps, provenCredentials } = request.server;
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) return undefined;
  const session = await findSession(deps.db, token, deps.now());
  if (session) provenCredentials.prove('session', token);
  else provenCredentials.forget('session', token);
  return session;
}

/**
 * A signed-in user with one of `roles` (any role when none are given). Checks, in order:
 * a live session of an active user (else 401 unauthorized), the `x-csrf-token` header on
 * methods other than GET/HEAD/OPTIONS (else 403 csrf_failed), the role (else 403 forbidden).
 */
export function requireUser(...roles: Role[]): onRequestAsyncHookHandler {
  return async (request) => {
    const session = await liveSessionOf(request);
    if (!session) throw unauthorized();
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
        throw new DomainError('csrf_failed', `Missing or wrong ${CSRF_HEADER} header.`);
      }
    }
    if (roles.length > 0 && !roles.includes(session.role))
      throw new DomainError('forbidden', 'Your role does not allow this.');
    request.auth = {
      kind: 'session',
      tenantId: session.tenantId,
      userId: session.userId,
      role: session.role,
      email: session.email,
      sessionId: session.sessionId,
    };
    csrfTokens.set(request, session.csrfToken);
  };
}

/** The token of an `Authorization: Bearer <token>` header, when the request has one. */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * A live API key in `Authorization: Bearer <key>` (else 401 invalid_api_key) that holds `scope`
 * (else 403 insufficient_scope, naming it). Every route a key may call names its one scope.
 */
export function requireApiKey(scope: ApiKeyScope): onRequestAsyncHookHandler {
  return async (request) => {
    const { deps, provenCredentials } = request.server;
    const token = bearerTokenOf(request);
    const holder = token ? await authenticateApiKey(deps.db, token, deps.now()) : undefined;
    // Noted for the rate limit, as liveSessionOf notes sessions.
    if (token && holder) provenCredentials.prove('api_key', token);
    else if (token) provenCredentials.forget('api_key', token);
    if (!holder) {
      throw new DomainError('invalid_api_key', 'Send a valid API key as "Authorization: Bearer <key>".');
    }
    if (!holder.scopes.includes(scope)) {
      throw new DomainError(
        'insufficient_scope',
        `This API key does not have the scope ${scope}, which this route needs; create a key with it.`,
      );
    }
    request.auth = { kind: 'api_key', tenantId: holder.tenantId, keyId: holder.keyId, scopes: holder.scopes };
  };
}

/**
 * Either guard: a request with an `Authorization` header is checked as an API key holding
 * `scope`; any other as a session of a user with one of `roles` (any role when empty).
 */
export function requireUserOrApiKey(options: {
  roles: Role[];
  scope: ApiKeyScope;
}): onRequestAsyncHookHandler {
  const byKey = requireApiKey(options.scope);
  const byUser = requireUser(...options.roles);
  return async function (request, reply) {
    const guard = request.headers.authorization === undefined ? byUser : byKey;
    await guard.call(this, request, reply);
  };
}

/** The request's authentication, set by requireUser or requireApiKey; 401 when absent. */
export function authOf(request: FastifyRequest): SessionAuth | ApiKeyAuth {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

/** Who did it, as written to ledger and audit rows: 'user:<email>' or 'api_key:<keyId>'. */
export function actorOf(auth: SessionAuth | ApiKeyAuth): string {
  return auth.kind === 'session' ? `user:${auth.email}` : `api_key:${auth.keyId}`;
}

/** The session of a request guarded by requireUser; 401 otherwise. */
export function sessionOf(request: FastifyRequest): SessionAuth {
  const auth = authOf(request);
  if (auth.kind !== 'session') throw unauthorized();
  return auth;
}

/** The csrf token of the session of a request guarded by requireUser (for GET /me). */
export function csrfTokenOf(request: FastifyRequest): string {
  const token = csrfTokens.get(request);
  if (token === undefined) throw unauthorized();
  return token;
}
