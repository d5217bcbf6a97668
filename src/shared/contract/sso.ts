import { z } from 'zod';
import { CONSOLE_LINK_MAX_SECONDS, SIGN_IN_METHODS } from '../sign-in.js';
import { endpoint, Instant, NoContent, PUBLIC } from './common.js';
import { EMAIL_PATTERN, RoleSchema } from './users.js';

/** A page the browser is sent on to (303 See Other, with a short HTML body naming where). */
const redirectAnswer = (description: string) => ({
  description,
  content: {
    'text/html; charset=utf-8': {
      schema: z
        .string()
        .meta({ description: 'A link to the Location, for a browser that does not follow it' }),
    },
  },
});

export const SignInMethodSchema = z.enum(SIGN_IN_METHODS);

export const RoleMapping = z
  .array(
    z.object({
      value: z.string().trim().min(1).max(200).describe('A value of the role claim'),
      role: RoleSchema,
    }),
  )
  .min(1)
  .max(50)
  .describe(
    'How values of the role claim map to roles; a claim holding several values gives the most capable role. ' +
      'A user whose claim maps to no role cannot sign in.',
  );

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name');

export const SsoSettings = z.object({
  issuer: z.string().describe("The provider's issuer URL (its discovery document is under it)"),
  clientId: z.string(),
  clientSecretSet: z.literal(true).describe('The client secret is stored; it is never sent back'),
  roleClaim: z.string().describe('The ID token claim that carries the role'),
  roleMapping: RoleMapping,
  emailDomains: z.array(z.string()).describe('Addresses of these domains sign in through this provider'),
  passwordLogin: z.boolean().describe('Whether the tenant’s users may still sign in with a password'),
  updatedAt: Instant,
});

const admins = { session: ['account_admin'] } as const;

export const getSsoSettings = endpoint({
  method: 'GET',
  path: '/api/v1/sso',
  operationId: 'getSsoSettings',
  tag: 'sso',
  summary: "The tenant's single sign-on provider, or null; never the client secret",
  access: admins,
  responses: {
    200: z.object({
      sso: SsoSettings.nullable(),
      redirectUri: z.string().describe('The address to register at the provider as the redirect URI'),
    }),
  },
});

export const setSsoSettings = endpoint({
  method: 'PUT',
  path: '/api/v1/sso',
  operationId: 'setSsoSettings',
  tag: 'sso',
  summary: "Set the tenant's OpenID Connect provider, its role mapping and whether passwords still work",
  description:
    'The client secret is write-only: required the first time, kept when left out afterwards. ' +
    'An email domain signs in with one tenant at most, and a domain at which another tenant has users ' +
    'cannot be newly claimed (409 domain_taken).',
  access: admins,
  body: z
    .object({
      issuer: z.string().trim().min(1).max(500),
      clientId: z.string().trim().min(1).max(500),
      clientSecret: z.string().min(1).max(2000).optional(),
      roleClaim: z.string().trim().min(1).max(200),
      roleMapping: RoleMapping,
      emailDomains: z.array(Domain).min(1).max(20),
      passwordLogin: z.boolean(),
    })
    .strict(),
  responses: { 200: z.object({ sso: SsoSettings, redirectUri: z.string() }) },
  errors: [
    'invalid_issuer',
    'invalid_role_mapping',
    'invalid_domain',
    'domain_taken',
    'client_secret_required',
  ],
});

export const deleteSsoSettings = endpoint({
  method: 'DELETE',
  path: '/api/v1/sso',
  operationId: 'deleteSsoSettings',
  tag: 'sso',
  summary: 'Turn single sign-on off: users sign in with passwords again (those who have one)',
  access: admins,
  responses: { 204: NoContent },
  errors: ['sso_not_configured'],
});

export const discoverSignIn = endpoint({
  method: 'POST',
  path: '/api/v1/auth/sso/discover',
  operationId: 'discoverSignIn',
  tag: 'auth',
  summary: 'How an email address signs in: with a password, or through its organisation’s provider',
  description:
    'Answers by the address’s domain, except that a user of one tenant is never sent to another ' +
    'tenant’s provider (they answer password when another tenant claims their domain). With sso, ' +
    'send the browser to `url`.',
  access: PUBLIC,
  body: z.object({
    email: z.string().trim().min(1).max(320).regex(EMAIL_PATTERN, 'must be an email address'),
  }),
  responses: {
    200: z.discriminatedUnion('method', [
      z.object({ method: z.literal('password') }),
      z.object({
        method: z.literal('sso'),
        url: z.string().describe('Where to send the browser: it goes on to the provider'),
        passwordLogin: z.boolean(),
      }),
    ]),
  },
});

export const startSso = endpoint({
  method: 'GET',
  path: '/api/v1/auth/sso/start',
  operationId: 'startSso',
  tag: 'auth',
  summary: 'Send the browser to its organisation’s provider (authorization code flow with PKCE)',
  description:
    'Counts as a sign-in attempt for the login throttle. With test=true (a signed-in account admin), the ' +
    'provider’s answer is shown on the sign-in settings and signs nobody in. A refusal sends the browser ' +
    'to /login?error=<code>.',
  access: PUBLIC,
  query: z.object({
    email: z.string().trim().max(320).optional(),
    test: z.enum(['true', 'false']).optional(),
  }),
  responses: { 303: redirectAnswer('To the provider, or back to the sign-in page with the refusal') },
});

export const ssoCallback = endpoint({
  method: 'GET',
  path: '/api/v1/auth/sso/callback',
  operationId: 'ssoCallback',
  tag: 'auth',
  summary: 'The provider sends the browser back here: checks its answer, signs the user in',
  description:
    'Checks state, nonce and PKCE, and the ID token against the provider’s keys, issuer and client id; ' +
    'creates or updates the user with the mapped role; lands on the console. A refusal sends the ' +
    'browser to /login?error=<code>.',
  access: PUBLIC,
  query: z.object({}).catchall(z.string().max(4000)),
  responses: { 303: redirectAnswer('To the console, or back to the sign-in page with the refusal') },
});

export const ConsoleLinkUser = z
  .object({
    externalId: z.string().trim().min(1).max(200).describe("The host platform's id for the user"),
    email: z.string().trim().max(320).regex(EMAIL_PATTERN, 'must be an email address'),
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
  })
  .strict();

export const createConsoleLink = endpoint({
  method: 'POST',
  path: '/api/v1/console-links',
  operationId: 'createConsoleLink',
  tag: 'auth',
  summary: 'Mint a one-time link that signs one of the host’s users into the console',
  description:
    'The user is created or updated when the link is opened. The link opens once, before expiresAt; ' +
    '`path` is a console path (default /consumption).',
  access: { apiKey: 'console:link' },
  body: z
    .object({
      user: ConsoleLinkUser,
      path: z.string().max(500).optional(),
      expiresInSeconds: z.number().int().min(1).max(CONSOLE_LINK_MAX_SECONDS).optional(),
    })
    .strict(),
  responses: { 201: z.object({ url: z.string(), expiresAt: Instant }) },
  errors: ['invalid_path', 'email_taken'],
});

export const openConsoleLink = endpoint({
  method: 'GET',
  path: '/api/v1/console-links/open',
  operationId: 'openConsoleLink',
  tag: 'auth',
  summary: 'Open a console link: signs its user in and lands on its path, once',
  description:
    'A used, expired or unknown link sends the browser to /login?error=console_link_used, ' +
    'console_link_expired or console_link_invalid.',
  access: PUBLIC,
  query: z.object({ token: z.string().max(200).optional() }),
  responses: { 303: redirectAnswer('To the console path, or to the sign-in page with the refusal') },
});
