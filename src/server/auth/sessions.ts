import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../shared/contract/users.js';
import type { Database } from '../db/database.js';
import type {} from './proven-credentials.js';
import { randomToken, sha256Hex } from './tokens.js';
import { isRole } from './users.js';

export const SESSION_COOKIE = 'meterline_session';

export interface NewSession {
  sessionId: string;
  /** The cookie's value; only its sha256 is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Opens a session of `hours` from `now`; also sweeps the user's sessions that have expired. */
export async function createSession(
  db: Database,
  tenantId: string,
  userId: string,
  options: { now: Date; hours: number },
): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(32);
  const expiresAt = new Date(options.now.getTime() + options.hours * 3_600_000);
  const sessionId = await db.withTenant(tenantId, async (tx) => {
    await tx.query('delete from sessions where tenant_id = $1 and user_id = $2 and expires_at <= $3', [
      tenantId,
      userId,
      options.now,
    ]);
    const rows = await tx.query<{ id: string }>(
      `insert into sessions (tenant_id, user_id, token_hash, csrf_token, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [tenantId, userId, sha256Hex(token), csrfToken, options.now, expiresAt],
    );
    return String(rows[0]?.id);
  });
  return { sessionId, token, csrfToken, expiresAt };
}

export interface FoundSession {
  tenantId: string;
  sessionId: string;
  userId: string;
  csrfToken: string;
  email: string;
  role: Role;
}

/**
 * The live session of a cookie token with its active user, or undefined when the token is
 * unknown, the session expired (it is then deleted) or the user is inactive.
 */
export async function findSession(db: Database, token: string, now: Date): Promise<FoundSession | undefined> {
  if (!token) return undefined;
  const found = await db.query<{
    tenant_id: string;
    session_id: string;
    user_id: string;
    csrf_token: string;
    expires_at: Date | string;
  }>('select tenant_id, session_id, user_id, csrf_token, expires_at from auth_session_lookup($1)', [
    sha256Hex(token),
  ]);
  const s = found[0];
  if (!s) return undefined;
  const tenantId = String(s.tenant_id);
  const sessionId = String(s.session_id);
  if (new Date(s.expires_at).getTime() <= now.getTime()) {
    await deleteSession(db, tenantId, sessionId);
    return undefined;
  }
  const users = await db.withTenant(tenantId, (tx) =>
    tx.query<{ email: string; role: string; active: boolean }>(
      'select email, role, active from users where tenant_id = $1 and id = $2',
      [tenantId, s.user_id],
    ),
  );
  const user = users[0];
  if (!user?.active || !isRole(user.role)) return undefined;
  return {
    tenantId,
    sessionId,
    userId: String(s.user_id),
    csrfToken: s.csrf_token,
    email: user.email,
    role: user.role,
  };
}

export async function deleteSession(db: Database, tenantId: string, sessionId: string): Promise<void> {
  await db.withTenant(tenantId, (tx) =>
    tx.query('delete from sessions where tenant_id = $1 and id = $2', [tenantId, sessionId]),
  );
}

function cookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    // request.protocol honours X-Forwarded-Proto only when Fastify's trustProxy is set.
    secure: request.protocol === 'https',
  };
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  session: Pick<NewSession, 'token' | 'expiresAt'>,
  now: Date,
): void {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions(request), maxAge });
  // Opened here, so valid: its requests spend its own rate-limit budget from the first.
  request.server.provenCredentials.prove('session', session.token);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const token = request.cookies?.[SESSION_COOKIE];
  if (token) request.server.provenCredentials.forget('session', token);
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}
