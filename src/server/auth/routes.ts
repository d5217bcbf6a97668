import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../shared/accounts.js';
import {
  API_KEY_SCOPE_DESCRIPTIONS,
  API_KEY_SCOPES,
  DEFAULT_API_KEY_SCOPES,
} from '../../shared/api-key-scopes.js';
import type { Database } from '../db/database.js';
import { ApiError, badRequest } from '../http/errors.js';
import { errorResponses } from '../http/schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import type { AuditContext } from './audit.js';
import { actorOf, csrfTokenOf, requireUser, sessionOf } from './guard.js';
import { AfterAnswer, beginLogin, loginFailed, loginSucceeded, tooManyAttempts } from './login-attempts.js';
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { clearSessionCookie, createSession, deleteSession, setSessionCookie } from './sessions.js';
import { addUser, isRole, listUsers, normalizeEmail, ROLES, type Role, updateUser } from './users.js';

const RoleSchema = z.enum(ROLES);
const UserSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role: RoleSchema });
const UserListItemSchema = UserSchema.extend({ active: z.boolean(), createdAt: z.string() });
const TenantSchema = z.object({ id: z.string(), slug: z.string(), name: z.string(), timeZone: z.string() });
const SessionBody = z
  .object({
    user: UserSchema,
    tenant: TenantSchema,
    csrfToken: z.string().describe('Send it back as the x-csrf-token header on every POST/PATCH/PUT/DELETE'),
  })
  .describe('The signed-in user, their tenant and the session csrf token');
const ScopeSchema = z
  .enum(API_KEY_SCOPES)
  .describe(API_KEY_SCOPES.map((s) => `${s}: ${API_KEY_SCOPE_DESCRIPTIONS[s]}`).join('; '));
const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  scopes: z.array(ScopeSchema).describe('What the key may do'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().describe('When the key was last used (kept to the minute)'),
  revokedAt: z.string().nullable(),
});
const Email = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address');
const UserIdParams = z.object({ userId: z.uuid() });
const KeyIdParams = z.object({ keyId: z.uuid() });
const NoContent = z.undefined();

const sessionSecurity = [{ session: [] }];
const TAG_AUTH = 'Auth';
const TAG_USERS = 'Users';
const TAG_KEYS = 'API keys';

const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'The email or password is not correct.');

async function loadSessionBody(db: Database, tenantId: string, userId: string, csrfToken: string) {
  return db.withTenant(tenantId, async (tx) => {
    const users = await tx.query<{ id: string; email: string; name: string; role: string }>(
      'select id, email, name, role from users where tenant_id = $1 and id = $2',
      [tenantId, userId],
    );
    const tenants = await tx.query<{ id: string; slug: string; name: string; time_zone: string }>(
      'select id, slug, name, time_zone from tenants where id = $1',
      [tenantId],
    );
    const user = users[0];
    const tenant = tenants[0];
    if (!user || !tenant || !isRole(user.role)) throw invalidCredentials();
    return {
      user: { id: user.id, email: user.email, name: user.name, role: user.role as Role },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, timeZone: tenant.time_zone },
      csrfToken,
    };
  });
}

function auditOf(request: FastifyRequest): AuditContext {
  return { actor: actorOf(sessionOf(request)), at: request.server.deps.now() };
}

/** Sign-in, sessions, the tenant's users and API keys. Registered under /api/v1. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = requireUser('account_admin');
  // Makes the dummy hash now, so the first login with an unknown email is not slower than others.
  await dummyVerify('');
  const afterAnswer = new AfterAnswer();
  app.addHook('onClose', () => afterAnswer.settled());

  app.post(
    '/auth/login',
    {
      schema: {
        tags: [TAG_AUTH],
        summary: 'Sign in with email and password; sets the meterline_session cookie',
        body: z.object({
          email: z.string().trim().min(1).max(320),
          password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
        }),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { db, config, now } = app.deps;
      const { password } = request.body;
      const email = normalizeEmail(request.body.email);
      // The throttle answers before any account is looked up, alike for known and unknown emails.
      const begun = await beginLogin(db, email, request.ip, now());
      if (!begun.allowed) {
        reply.header('retry-after', String(begun.retryAfterSeconds));
        throw tooManyAttempts(begun.retryAfterSeconds);
      }
      const { attempt } = begun;
      const found = await db.query<{
        tenant_id: string;
        user_id: string;
        password_hash: string;
        active: boolean;
      }>('select tenant_id, user_id, password_hash, active from auth_login_lookup($1)', [email]);
      const account = found[0];
      if (!account) {
        await dummyVerify(password);
        afterAnswer.run(loginFailed(db, attempt, undefined, request.log), request.log);
        throw invalidCredentials();
      }
      const known = { tenantId: String(account.tenant_id), userId: String(account.user_id) };
      const ok = await verifyPassword(account.password_hash, password);
      if (!ok || !account.active) {
        const reason = ok ? 'inactive' : 'wrong_password';
        afterAnswer.run(loginFailed(db, attempt, { ...known, reason }, request.log), request.log);
        throw invalidCredentials();
      }
      await loginSucceeded(db, attempt, known);
      const { tenantId, userId } = known;
      if (needsRehash(account.password_hash)) {
        const rehashed = await hashPassword(password);
        await db.withTenant(tenantId, (tx) =>
          tx.query('update users set password_hash = $3 where tenant_id = $1 and id = $2', [
            tenantId,
            userId,
            rehashed,
          ]),
        );
      }
      const { at } = attempt;
      const session = await createSession(db, tenantId, userId, {
        now: at,
        hours: config.METERLINE_SESSION_HOURS,
      });
      setSessionCookie(request, reply, session, at);
      return loadSessionBody(db, tenantId, userId, session.csrfToken);
    },
  );

  app.post(
    '/auth/logout',
    {
      onRequest: requireUser(),
      schema: {
        tags: [TAG_AUTH],
        summary: 'Sign out: ends the session and clears its cookie (needs x-csrf-token)',
        security: sessionSecurity,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      const auth = sessionOf(request);
      await deleteSession(app.deps.db, auth.tenantId, auth.sessionId);
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.get(
    '/me',
    {
      onRequest: requireUser(),
      schema: {
        tags: [TAG_AUTH],
        summary: 'The signed-in user, their tenant and the csrf token (as the login answer)',
        security: sessionSecurity,
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request) => {
      const auth = sessionOf(request);
      return loadSessionBody(app.deps.db, auth.tenantId, auth.userId, csrfTokenOf(request));
    },
  );

  app.get(
    '/users',
    {
      onRequest: admin,
      schema: {
        tags: [TAG_USERS],
        summary: "The tenant's users (account admins only)",
        security: sessionSecurity,
        response: { 200: z.object({ users: z.array(UserListItemSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ users: await listUsers(app.deps.db, sessionOf(request).tenantId) }),
  );

  app.post(
    '/users',
    {
      onRequest: admin,
      schema: {
        tags: [TAG_USERS],
        summary: 'Add a user to the tenant (account admins only); emails are unique platform-wide',
        security: sessionSecurity,
        body: z.object({
          email: Email,
          name: z.string().trim().min(1).max(200),
          role: RoleSchema,
          password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
        }),
        response: { 201: z.object({ user: UserSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await addUser(app.deps.db, sessionOf(request).tenantId, request.body, auditOf(request));
      return reply.status(201).send({ user });
    },
  );

  app.patch(
    '/users/:userId',
    {
      onRequest: admin,
      schema: {
        tags: [TAG_USERS],
        summary: "Change a user's role or deactivate them (account admins only); deactivation signs them out",
        security: sessionSecurity,
        params: UserIdParams,
        body: z.object({
          role: RoleSchema.optional(),
          active: z.literal(false).optional().describe('false deactivates the user'),
        }),
        response: { 200: z.object({ user: UserListItemSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const { role, active } = request.body;
      if (role === undefined && active === undefined) {
        throw badRequest('nothing_to_change', 'Send a role, or active: false.');
      }
      const change = { ...(role !== undefined ? { role } : {}), ...(active === false ? { active } : {}) };
      const user = await updateUser(
        app.deps.db,
        sessionOf(request).tenantId,
        request.params.userId,
        change,
        auditOf(request),
      );
      return { user };
    },
  );

  app.get(
    '/api-keys',
    {
      onRequest: admin,
      schema: {
        tags: [TAG_KEYS],
        summary: "The tenant's API keys, revoked ones included; never the key itself (account admins only)",
        security: sessionSecurity,
        response: { 200: z.object({ apiKeys: z.array(ApiKeySchema) }), ...errorResponses },
      },
    },
    async (request) => ({ apiKeys: await listApiKeys(app.deps.db, sessionOf(request).tenantId) }),
  );

  app.post(
    '/api-keys',
    {
      onRequest: admin,
      schema: {
        tags: [TAG_KEYS],
        summary: 'Create an API key (account admins only); the key is in this answer and never again',
        security: sessionSecurity,
        body: z.object({
          name: z.string().trim().min(1).max(100),
          scopes: z
            .array(ScopeSchema)
            .min(1)
            .max(API_KEY_SCOPES.length)
            .optional()
            .describe(
              `What the key may do; default ${DEFAULT_API_KEY_SCOPES.join(', ')} (the interview engine's)`,
            ),
        }),
        response: {
          201: z.object({
            apiKey: z.object({
              id: z.string(),
              name: z.string(),
              prefix: z.string(),
              scopes: z.array(ScopeSchema),
              key: z.string().describe('The whole key, shown this once: store it now'),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const apiKey = await createApiKey(
        app.deps.db,
        sessionOf(request).tenantId,
        request.body,
        auditOf(request),
      );
      return reply.status(201).send({ apiKey });
    },
  );

  app.delete(
    '/api-keys/:keyId',
    {
      onRequest: admin,
      schema: {
        tags: [TAG_KEYS],
        summary: 'Revoke an API key at once (account admins only)',
        security: sessionSecurity,
        params: KeyIdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await revokeApiKey(app.deps.db, sessionOf(request).tenantId, request.params.keyId, auditOf(request));
      return reply.status(204).send();
    },
  );
};
