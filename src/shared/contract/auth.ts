import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../accounts.js';
import { endpoint, NoContent, PUBLIC } from './common.js';
import { User } from './users.js';

export const Tenant = z.object({ id: z.string(), slug: z.string(), name: z.string(), timeZone: z.string() });

export const Session = z
  .object({
    user: User,
    tenant: Tenant,
    csrfToken: z.string().describe('Send it back as the x-csrf-token header on every POST/PATCH/PUT/DELETE'),
  })
  .describe('The signed-in user, their tenant and the session csrf token');

/** The header a session's writes carry its csrf token in. */
export const CSRF_HEADER = 'x-csrf-token';

export const login = endpoint({
  method: 'POST',
  path: '/api/v1/auth/login',
  operationId: 'login',
  tag: 'auth',
  summary: 'Sign in with email and password; sets the meterline_session cookie',
  description:
    'Failed attempts are throttled per account and per client address (429 too_many_attempts, with Retry-After).',
  access: PUBLIC,
  body: z.object({
    email: z.string().trim().min(1).max(320),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  }),
  responses: { 200: Session },
  errors: ['invalid_credentials', 'too_many_attempts', 'sso_required'],
});

export const logout = endpoint({
  method: 'POST',
  path: '/api/v1/auth/logout',
  operationId: 'logout',
  tag: 'auth',
  summary: 'Sign out: ends the session and clears its cookie',
  access: { session: [] },
  responses: { 204: NoContent },
});

/** Whether the browser is signed in: no session is an answer here, not a refusal. */
export const SessionState = z
  .discriminatedUnion('authenticated', [
    z.object({ authenticated: z.literal(false) }),
    Session.extend({ authenticated: z.literal(true) }),
  ])
  .describe('authenticated: false without a live session; with one, the /me answer and authenticated: true');

export const sessionState = endpoint({
  method: 'GET',
  path: '/api/v1/auth/session',
  operationId: 'getSessionState',
  tag: 'auth',
  summary: 'Whether this browser is signed in, and if so the /me answer',
  description:
    'Answers 200 with or without a session (an unknown, expired or deactivated one is no session), ' +
    'so the console can ask on its sign-in page without a refused request; GET /api/v1/me answers 401 instead.',
  access: PUBLIC,
  responses: { 200: SessionState },
});

export const me = endpoint({
  method: 'GET',
  path: '/api/v1/me',
  operationId: 'getSession',
  tag: 'auth',
  summary: 'The signed-in user, their tenant and the csrf token (as the login answer)',
  access: { session: [] },
  responses: { 200: Session },
  errors: ['invalid_credentials'],
});
