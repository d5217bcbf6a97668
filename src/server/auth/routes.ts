import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';
import { routeOf } from '../http/route.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import type { AuditContext } from './audit.js';
import { actorOf, csrfTokenOf, liveSessionOf, sessionOf } from './guard.js';
import { AfterAnswer, beginLogin, loginFailed, loginSucceeded, tooManyAttempts } from './login-attempts.js';
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { clearSessionCookie, createSession, deleteSession, setSessionCookie } from './sessions.js';
import { passwordLoginAllowed } from './sso.js';
import { addUser, isRole, listUsers, normalizeEmail, updateUser } from './users.js';

const invalidCredentials = () =>
  new DomainError('invalid_credentials', 'The email or password is not correct.');

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
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, timeZone: tenant.time_zone },
      csrfToken,
    };
  });
}

function auditOf(request: FastifyRequest): AuditContext {
  return { actor: actorOf(sessionOf(request)), at: request.server.deps.now() };
}

/** Sign-in, sessions, the tenant's users and API keys. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  // Makes the dummy hash now, so the first login with an unknown email is not slower than others.
  await dummyVerify('');
  const afterAnswer = new AfterAnswer();
  app.addHook('onClose', () => afterAnswer.settled());

  app.route({
    ...routeOf(contract.login),
    handler: async (request, reply) => {
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
        password_hash: string | null;
        active: boolean;
      }>('select tenant_id, user_id, password_hash, active from auth_login_lookup($1)', [email]);
      const account = found[0];
      if (!account) {
        await dummyVerify(password);
        afterAnswer.run(loginFailed(db, attempt, undefined, request.log), request.log);
        throw invalidCredentials();
      }
      const known = { tenantId: String(account.tenant_id), userId: String(account.user_id) };
      // A user made by single sign-on or a console link has no password: nothing matches it.
      const hash = account.password_hash;
      let ok = false;
      if (hash === null) await dummyVerify(password);
      else ok = await verifyPassword(hash, password);
      if (!ok || !account.active) {
        const reason = hash === null ? 'no_password' : ok ? 'inactive' : 'wrong_password';
        afterAnswer.run(loginFailed(db, attempt, { ...known, reason }, request.log), request.log);
        throw invalidCredentials();
      }
      // Told only to whoever knows the password: the tenant has turned passwords off for SSO.
      if (!(await passwordLoginAllowed(db, known.tenantId))) {
        afterAnswer.run(
          loginFailed(db, attempt, { ...known, reason: 'sso_required' }, request.log),
          request.log,
        );
        throw new DomainError(
          'sso_required',
          'Your organisation signs in with single sign-on: enter your work email and continue to your provider.',
        );
      }
      await loginSucceeded(db, attempt, known);
      const { tenantId, userId } = known;
      if (hash !== null && needsRehash(hash)) {
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
  });

  app.route({
    ...routeOf(contract.logout),
    handler: async (request, reply) => {
      const auth = sessionOf(request);
      await deleteSession(app.deps.db, auth.tenantId, auth.sessionId);
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  });

  app.route({
    ...routeOf(contract.sessionState),
    handler: async (request) => {
      const session = await liveSessionOf(request);
      if (!session) return { authenticated: false as const };
      const { tenantId, userId, csrfToken } = session;
      return {
        authenticated: true as const,
        ...(await loadSessionBody(app.deps.db, tenantId, userId, csrfToken)),
      };
    },
  });

  app.route({
    ...routeOf(contract.me),
    handler: async (request) => {
      const auth = sessionOf(request);
      return loadSessionBody(app.deps.db, auth.tenantId, auth.userId, csrfTokenOf(request));
    },
  });

  app.route({
    ...routeOf(contract.listUsers),
    handler: async (request) => ({ users: await listUsers(app.deps.db, sessionOf(request).tenantId) }),
  });

  app.route({
    ...routeOf(contract.addUser),
    handler: async (request, reply) => {
      const user = await addUser(app.deps.db, sessionOf(request).tenantId, request.body, auditOf(request));
      return reply.status(201).send({ user });
    },
  });

  app.route({
    ...routeOf(contract.updateUser),
    handler: async (request) => {
      const { role, active } = request.body;
      if (role === undefined && active === undefined) {
        throw new DomainError('nothing_to_change', 'Send a role, or active: false.');
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
  });

  app.route({
    ...routeOf(contract.listApiKeys),
    handler: async (request) => ({ apiKeys: await listApiKeys(app.deps.db, sessionOf(request).tenantId) }),
  });

  app.route({
    ...routeOf(contract.createApiKey),
    handler: async (request, reply) => {
      const apiKey = await createApiKey(
        app.deps.db,
        sessionOf(request).tenantId,
        request.body,
        auditOf(request),
      );
      return reply.status(201).send({ apiKey });
    },
  });

  app.route({
    ...routeOf(contract.revokeApiKey),
    handler: async (request, reply) => {
      await revokeApiKey(app.deps.db, sessionOf(request).tenantId, request.params.keyId, auditOf(request));
      return reply.status(204).send();
    },
  });
};
