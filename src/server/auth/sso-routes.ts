import escapeHtml from 'escape-html';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { EMAIL_PATTERN, type Role } from '../../shared/contract/users.js';
import { DomainError } from '../errors.js';
import { routeOf } from '../http/route.js';
import { writeAudit } from './audit.js';
import { createConsoleLink, redeemConsoleLink } from './console-links.js';
import { actorOf, authOf, liveSessionOf, sessionOf } from './guard.js';
import { beginLogin, clearLoginFailures } from './login-attempts.js';
import { createSession, setSessionCookie } from './sessions.js';
import {
  beginSso,
  deleteSsoSettings,
  finishSso,
  loadSsoSettings,
  SSO_CALLBACK_PATH,
  SSO_COOKIE,
  SSO_REQUEST_MINUTES,
  SsoRefusal,
  saveSsoSettings,
  ssoTenantOfEmail,
} from './sso.js';
import { normalizeEmail, signInVouched } from './users.js';

/** Sends the browser on (303 See Other), with a link for one that does not follow. */
function seeOther(reply: FastifyReply, location: string) {
  return reply
    .code(303)
    .header('location', location)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><title>Meterline</title><a href="${escapeHtml(location)}">Continue</a>`);
}

/** Back to the sign-in page, which tells the person why (src/shared/sign-in.ts). */
const toLogin = (reply: FastifyReply, code: string) =>
  seeOther(reply, `/login?error=${encodeURIComponent(code)}`);

/** Where a signed-in user lands: Consumption for account admins, who alone may see it; else home. */
const landingOf = (role: Role) => (role === 'account_admin' ? '/consumption' : '/');

/** Single sign-on (the tenant's OpenID provider) and the host platform's one-time console links. */
export const ssoRoutes: FastifyPluginAsyncZod = async (app) => {
  /** The console's address as browsers reach it: METERLINE_PUBLIC_URL, else the request's own. */
  const publicUrlOf = (request: FastifyRequest) =>
    (app.deps.config.METERLINE_PUBLIC_URL ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
  const redirectUriOf = (request: FastifyRequest) => `${publicUrlOf(request)}${SSO_CALLBACK_PATH}`;
  const allowPrivate = app.deps.config.METERLINE_SSO_ALLOW_PRIVATE ?? false;

  const cookieOptions = (request: FastifyRequest) => ({
    path: '/api/v1/auth/sso',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
  });

  /** Opens the session of a user a provider or a console link signed in, as the password login does. */
  async function openSession(request: FastifyRequest, reply: FastifyReply, tenantId: string, userId: string) {
    const { db, config, now } = app.deps;
    const at = now();
    const session = await createSession(db, tenantId, userId, {
      now: at,
      hours: config.METERLINE_SESSION_HOURS,
    });
    setSessionCookie(request, reply, session, at);
  }

  app.route({
    ...routeOf(contract.getSsoSettings),
    handler: async (request) => ({
      sso: await loadSsoSettings(app.deps.db, sessionOf(request).tenantId),
      redirectUri: redirectUriOf(request),
    }),
  });

  app.route({
    ...routeOf(contract.setSsoSettings),
    handler: async (request) => {
      const auth = sessionOf(request);
      const sso = await saveSsoSettings(
        app.deps.db,
        auth.tenantId,
        request.body,
        { actor: actorOf(auth), at: app.deps.now() },
        { allowPrivate },
      );
      return { sso, redirectUri: redirectUriOf(request) };
    },
  });

  app.route({
    ...routeOf(contract.deleteSsoSettings),
    handler: async (request, reply) => {
      const auth = sessionOf(request);
      await deleteSsoSettings(app.deps.db, auth.tenantId, { actor: actorOf(auth), at: app.deps.now() });
      return reply.status(204).send();
    },
  });

  app.route({
    ...routeOf(contract.discoverSignIn),
    handler: async (request) => {
      const { db } = app.deps;
      const email = normalizeEmail(request.body.email);
      const tenantId = await ssoTenantOfEmail(db, email);
      if (!tenantId) return { method: 'password' as const };
      const settings = await loadSsoSettings(db, tenantId);
      if (!settings) return { method: 'password' as const };
      return {
        method: 'sso' as const,
        url: `${contract.startSso.path}?email=${encodeURIComponent(email)}`,
        passwordLogin: settings.passwordLogin,
      };
    },
  });

  app.route({
    ...routeOf(contract.startSso),
    handler: async (request, reply) => {
      const { db, now } = app.deps;
      const at = now();
      const test = request.query.test === 'true';
      let tenantId: string | undefined;
      let email: string | undefined;
      if (test) {
        // A test from Settings → Sign-in: the provider's answer is shown to the admin who asked.
        const session = await liveSessionOf(request);
        if (session?.role !== 'account_admin') return toLogin(reply, 'sso_not_configured');
        tenantId = session.tenantId;
      } else {
        email = normalizeEmail(request.query.email ?? '');
        tenantId = EMAIL_PATTERN.test(email) ? await ssoTenantOfEmail(db, email) : undefined;
        if (!tenantId) return toLogin(reply, 'sso_not_configured');
        // Each start counts as an attempt of the address typed until its callback signs it in.
        const begun = await beginLogin(db, email, request.ip, at);
        if (!begun.allowed) return toLogin(reply, 'too_many_attempts');
      }
      try {
        const begun = await beginSso(db, tenantId, {
          redirectUri: redirectUriOf(request),
          at,
          test,
          allowPrivate,
          ...(email ? { email } : {}),
        });
        reply.setCookie(SSO_COOKIE, begun.cookie, {
          ...cookieOptions(request),
          maxAge: SSO_REQUEST_MINUTES * 60,
        });
        return seeOther(reply, begun.url);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return test
          ? seeOther(reply, `/settings?ssoTest=failed&error=${err.code}`)
          : toLogin(reply, err.code);
      }
    },
  });

  app.route({
    ...routeOf(contract.ssoCallback),
    handler: async (request, reply) => {
      const { db, now } = app.deps;
      const at = now();
      const cookie = request.cookies[SSO_COOKIE];
      reply.clearCookie(SSO_COOKIE, cookieOptions(request));
      const query = request.url.indexOf('?');
      let tenantId: string | undefined;
      let test = false;
      let email: string | undefined;
      try {
        const done = await finishSso(db, cookie, {
          redirectUri: redirectUriOf(request),
          search: query < 0 ? '' : request.url.slice(query),
          at,
          allowPrivate,
        });
        ({ tenantId, test } = done);
        email = done.user.email;
        if (test) {
          const result = new URLSearchParams({ ssoTest: 'passed', email, role: done.user.role });
          return seeOther(reply, `/settings?${result}`);
        }
        const { userId } = await signInVouched(
          db,
          tenantId,
          done.user,
          { actor: `user:${email}`, at },
          { address: request.ip },
        );
        if (done.typedEmail) await clearLoginFailures(db, done.typedEmail);
        await openSession(request, reply, tenantId, userId);
        return seeOther(reply, landingOf(done.user.role));
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err instanceof SsoRefusal) ({ tenantId, test } = err);
        const code = err.code;
        if (tenantId && !test) {
          const refusedIn = tenantId;
          await db.withTenant(refusedIn, (tx) =>
            writeAudit(tx, refusedIn, { actor: `address:${request.ip}`, at }, 'auth.sso_refused', {
              reason: code,
              message: err.message,
              ...(email ? { email } : {}),
            }),
          );
        }
        if (test) return seeOther(reply, `/settings?ssoTest=failed&error=${encodeURIComponent(code)}`);
        return toLogin(reply, code);
      }
    },
  });

  app.route({
    ...routeOf(contract.createConsoleLink),
    handler: async (request, reply) => {
      const auth = authOf(request);
      if (auth.kind !== 'api_key') throw new DomainError('unauthorized', 'Send an API key.');
      const link = await createConsoleLink(app.deps.db, auth.tenantId, auth.keyId, request.body, {
        at: app.deps.now(),
        publicUrl: publicUrlOf(request),
      });
      return reply.status(201).send(link);
    },
  });

  app.route({
    ...routeOf(contract.openConsoleLink),
    handler: async (request, reply) => {
      const { db, now } = app.deps;
      const at = now();
      try {
        const link = await redeemConsoleLink(db, request.query.token ?? '', at);
        const { userId } = await signInVouched(
          db,
          link.tenantId,
          link.user,
          { actor: `user:${link.user.email}`, at },
          { linkId: link.linkId, keyId: link.keyId, address: request.ip },
        );
        await openSession(request, reply, link.tenantId, userId);
        return seeOther(reply, link.path);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return toLogin(reply, err.code);
      }
    },
  });
};
