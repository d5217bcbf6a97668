import type { FastifyInstance } from 'fastify';

/** A signed-in user as factories' signIn gives one: the session cookie and its CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

/**
 * API requests as a signed-in user on the app `env` holds once the file's tests start (see
 * testAppForFile): `call(session, 'PUT', '/budgets/x', payload)` goes to /api/v1/budgets/x with
 * the cookie, and with the CSRF header on anything but a GET, as the console sends them.
 */
export function sessionCaller(env: { app: FastifyInstance }) {
  return (s: Session, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    env.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { cookie: s.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }) },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
}
