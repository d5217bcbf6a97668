import type * as oidc from 'openid-client';
import type { z } from 'zod';
import type { RoleMapping, SsoSettings } from '../../shared/contract/sso.js';
import type { Role } from '../../shared/contract/users.js';
import { isPlainlyPrivate } from '../alerts/destination.js';
import type { Database, Queryable } from '../db/database.js';
import { DomainError } from '../errors.js';
import { type AuditContext, writeAudit } from './audit.js';
import { pinnedFetch } from './sso-fetch.js';
import { randomToken, sha256Hex } from './tokens.js';
import { normalizeEmail, type VouchedUser } from './users.js';

/** How long a sign-in at the provider may take, from the login page's "Continue" to the callback. */
export const SSO_REQUEST_MINUTES = 10;

/** The callback's path: the redirect URI to register at the provider is the public URL and this. */
export const SSO_CALLBACK_PATH = '/api/v1/auth/sso/callback';

type Mapping = z.infer<typeof RoleMapping>;
type Settings = z.output<typeof SsoSettings>;

type SettingsRow = {
  issuer: string;
  client_id: string;
  client_secret: string;
  role_claim: string;
  role_mapping: Mapping;
  password_login: boolean;
  updated_at: Date | string;
  email_domains: string[] | null;
};

async function settingsRow(tx: Queryable, tenantId: string): Promise<SettingsRow | undefined> {
  const rows = await tx.query<SettingsRow>(
    `select s.issuer, s.client_id, s.client_secret, s.role_claim, s.role_mapping, s.password_login, s.updated_at,
            (select array_agg(d.domain order by d.domain) from sso_domains d where d.tenant_id = s.tenant_id)
              as email_domains
       from sso_settings s where s.tenant_id = $1`,
    [tenantId],
  );
  return rows[0];
}

const toSettings = (row: SettingsRow): Settings => ({
  issuer: row.issuer,
  clientId: row.client_id,
  clientSecretSet: true,
  roleClaim: row.role_claim,
  roleMapping: row.role_mapping,
  emailDomains: row.email_domains ?? [],
  passwordLogin: row.password_login,
  updatedAt: new Date(row.updated_at),
});

/** The tenant's provider as the API shows it (never the client secret), or null without one. */
export async function loadSsoSettings(db: Database, tenantId: string): Promise<Settings | null> {
  const row = await db.withTenant(tenantId, (tx) => settingsRow(tx, tenantId));
  return row ? toSettings(row) : null;
}

/** Whether the tenant's users may sign in with a password: yes, unless its SSO settings say no. */
export async function passwordLoginAllowed(db: Database, tenantId: string): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (tx) =>
    tx.query<{ password_login: boolean }>('select password_login from sso_settings where tenant_id = $1', [
      tenantId,
    ]),
  );
  return rows[0]?.password_login ?? true;
}

/**
 * An issuer URL Meterline will talk to: https, to a host that is not plainly this server or a
 * private network (an address or `localhost`, as webhooks are judged); with `allowPrivate`
 * (METERLINE_SSO_ALLOW_PRIVATE: development, tests) any host, over http too. No query, fragment or
 * credentials: the discovery document is found under it.
 */
export function parseIssuer(issuer: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new DomainError('invalid_issuer', 'The issuer must be a URL, such as https://login.example.com.');
  }
  const protocolOk = url.protocol === 'https:' || (allowPrivate && url.protocol === 'http:');
  if (!protocolOk || url.search || url.hash || url.username || url.password) {
    throw new DomainError(
      'invalid_issuer',
      'The issuer must be an https URL without a query, fragment or credentials.',
    );
  }
  if (!allowPrivate && isPlainlyPrivate(url.href)) {
    throw new DomainError(
      'invalid_issuer',
      'The issuer must be on the internet: not this server nor a private network.',
    );
  }
  return url;
}

export interface SsoInput {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  roleClaim: string;
  roleMapping: Mapping;
  emailDomains: string[];
  passwordLogin: boolean;
}

/**
 * Sets the tenant's provider. The client secret is kept when left out (it is never sent back, so
 * a form that changes the mapping cannot send it); the first setting needs one. A claim value maps
 * to one role; an email domain signs in with one tenant, and a tenant newly claims only a domain at
 * which no other tenant has users (409 domain_taken). A domain it claims already stays claimed
 * (another tenant's users there sign in with their own tenant: ssoTenantOfEmail), so no tenant can
 * take a domain from another by adding a user at it.
 */
export async function saveSsoSettings(
  db: Database,
  tenantId: string,
  input: SsoInput,
  audit: AuditContext & { at: Date },
  options: { allowPrivate: boolean },
): Promise<Settings> {
  parseIssuer(input.issuer, options.allowPrivate);
  const values = input.roleMapping.map((m) => m.value);
  if (new Set(values).size !== values.length) {
    throw new DomainError('invalid_role_mapping', 'Each value of the role claim maps to one role only.');
  }
  const domains = [...new Set(input.emailDomains.map((d) => d.toLowerCase()))];
  for (const domain of domains) {
    const owners = await db.query<{ tenant_id: string }>('select tenant_id from auth_sso_domain_lookup($1)', [
      domain,
    ]);
    if (owners.some((o) => String(o.tenant_id) !== tenantId)) {
      throw new DomainError(
        'domain_taken',
        `${domain} already signs in with another organisation's provider.`,
      );
    }
    if (owners.length > 0) continue;
    const peopled = await db.query<{ tenant_id: string }>(
      'select tenant_id from auth_email_domain_tenants($1)',
      [domain],
    );
    if (peopled.some((p) => String(p.tenant_id) !== tenantId)) {
      throw new DomainError(
        'domain_taken',
        `${domain} has users of another organisation in Meterline, so it cannot sign in with your provider.`,
      );
    }
  }
  try {
    return await db.withTenant(tenantId, async (tx) => {
      const before = await settingsRow(tx, tenantId);
      const secret = input.clientSecret ?? before?.client_secret;
      if (!secret) {
        throw new DomainError('client_secret_required', 'Give the client secret the provider issued.');
      }
      await tx.query(
        `insert into sso_settings (tenant_id, issuer, client_id, client_secret, role_claim, role_mapping,
                                   password_login, updated_at)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
         on conflict (tenant_id) do update set issuer = excluded.issuer, client_id = excluded.client_id,
           client_secret = excluded.client_secret, role_claim = excluded.role_claim,
           role_mapping = excluded.role_mapping, password_login = excluded.password_login,
           updated_at = excluded.updated_at`,
        [
          tenantId,
          input.issuer,
          input.clientId,
          secret,
          input.roleClaim,
          JSON.stringify(input.roleMapping),
          input.passwordLogin,
          audit.at,
        ],
      );
      await tx.query('delete from sso_domains where tenant_id = $1', [tenantId]);
      for (const domain of domains) {
        await tx.query('insert into sso_domains (tenant_id, domain) values ($1, $2)', [tenantId, domain]);
      }
      await writeAudit(tx, tenantId, audit, 'sso.settings_changed', {
        issuer: input.issuer,
        clientId: input.clientId,
        clientSecretChanged: input.clientSecret !== undefined,
        roleClaim: input.roleClaim,
        roleMapping: input.roleMapping,
        emailDomains: domains,
        passwordLogin: input.passwordLogin,
      });
      const after = await settingsRow(tx, tenantId);
      if (!after) throw new Error('sso settings vanished in their own transaction');
      return toSettings(after);
    });
  } catch (err) {
    // Another tenant claimed the domain in the meantime: the unique index decides.
    if ((err as { code?: unknown } | null)?.code === '23505') {
      throw new DomainError(
        'domain_taken',
        "A domain already signs in with another organisation's provider.",
      );
    }
    throw err;
  }
}

/** Turns single sign-on off; users who have a password sign in with it again. */
export async function deleteSsoSettings(
  db: Database,
  tenantId: string,
  audit: AuditContext & { at: Date },
): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    const gone = await tx.query<{ issuer: string }>(
      'delete from sso_settings where tenant_id = $1 returning issuer',
      [tenantId],
    );
    if (gone.length === 0) throw new DomainError('sso_not_configured', 'Single sign-on is not set up.');
    await tx.query('delete from sso_domains where tenant_id = $1', [tenantId]);
    await tx.query('delete from sso_requests where tenant_id = $1', [tenantId]);
    await writeAudit(tx, tenantId, audit, 'sso.settings_removed', { issuer: gone[0]?.issuer });
  });
}

/**
 * The tenant whose provider the address signs in with, if any. An address that is a user's belongs
 * to the user's tenant: it goes to that tenant's provider when the tenant claims its domain, and to
 * none when another tenant does, so no claim sends another tenant's users elsewhere. Only an address
 * that is no one's goes by its domain's claim.
 */
export async function ssoTenantOfEmail(db: Database, email: string): Promise<string | undefined> {
  const address = normalizeEmail(email);
  const domain = address.split('@')[1];
  if (!domain) return undefined;
  const rows = await db.query<{ tenant_id: string }>('select tenant_id from auth_sso_domain_lookup($1)', [
    domain,
  ]);
  const claimedBy = rows[0] ? String(rows[0].tenant_id) : undefined;
  if (!claimedBy) return undefined;
  const users = await db.query<{ tenant_id: string }>('select tenant_id from auth_login_lookup($1)', [
    address,
  ]);
  return users.every((u) => String(u.tenant_id) === claimedBy) ? claimedBy : undefined;
}

/** How capable each role is: a claim with several mapped values gives the most capable one. */
const RANK: Record<Role, number> = { account_admin: 3, recruiter: 2, viewer: 1 };

/** The value of `claim` in the claims: a top-level name, else a dotted path (`realm_access.roles`). */
function claimValue(claims: Record<string, unknown>, claim: string): unknown {
  if (claim in claims) return claims[claim];
  let value: unknown = claims;
  for (const part of claim.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The role the claims map to, or undefined when none of the claim's values is mapped. */
export function mapRole(claims: Record<string, unknown>, claim: string, mapping: Mapping): Role | undefined {
  const raw = claimValue(claims, claim);
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  let best: Role | undefined;
  for (const m of mapping) {
    if (values.includes(m.value) && (best === undefined || RANK[m.role] > RANK[best])) best = m.role;
  }
  return best;
}

/**
 * The OpenID Connect client, loaded at the first sign-in through a provider rather than at start-up:
 * most servers have no tenant with single sign-on, and the library is ~8 MiB of resident memory.
 */
const client = () => import('openid-client');

/**
 * The provider's configuration (its discovery document and keys, fetched once), per tenant and
 * setting: a changed setting makes a new one. The library validates ID tokens against its JWKS.
 */
const configurations = new Map<string, { config: Promise<oidc.Configuration>; until: number }>();
const CONFIGURATION_MS = 10 * 60_000;

function configurationOf(
  tenantId: string,
  row: SettingsRow,
  allowPrivate: boolean,
): Promise<oidc.Configuration> {
  const key = `${tenantId} ${new Date(row.updated_at).toISOString()}`;
  const cached = configurations.get(key);
  if (cached && cached.until > Date.now()) return cached.config;
  const issuer = parseIssuer(row.issuer, allowPrivate);
  const config = client().then((oidc) =>
    oidc.discovery(issuer, row.client_id, row.client_secret, undefined, {
      timeout: 10,
      // Every request to the provider, now and for this configuration's life, goes where it was judged to.
      [oidc.customFetch]: pinnedFetch(allowPrivate),
      execute: [
        // The ID token's signature is checked against the provider's JWKS even though it came
        // straight from the token endpoint, where the library would otherwise trust TLS alone.
        oidc.enableNonRepudiationChecks,
        ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : []),
      ],
    }),
  );
  // A failed discovery is not kept: the next sign-in asks the provider again.
  config.catch(() => configurations.delete(key));
  for (const [k, v] of configurations)
    if (k.startsWith(`${tenantId} `) || v.until <= Date.now()) configurations.delete(k);
  configurations.set(key, { config, until: Date.now() + CONFIGURATION_MS });
  return config;
}

export const SSO_COOKIE = 'meterline_sso';

export interface BegunSso {
  /** Where to send the browser: the provider's authorization endpoint. */
  url: string;
  /** The browser's cookie for the callback: the tenant, and the secret whose hash finds the request. */
  cookie: string;
}

/**
 * Starts a sign-in at the tenant's provider: authorization code flow with PKCE (S256), a state and
 * a nonce, kept for the callback under the hash of a secret only the browser's cookie holds.
 */
export async function beginSso(
  db: Database,
  tenantId: string,
  options: { redirectUri: string; at: Date; email?: string; test: boolean; allowPrivate: boolean },
): Promise<BegunSso> {
  const row = await db.withTenant(tenantId, (tx) => settingsRow(tx, tenantId));
  if (!row) throw new DomainError('sso_not_configured', 'Single sign-on is not set up.');
  let config: oidc.Configuration;
  try {
    config = await configurationOf(tenantId, row, options.allowPrivate);
  } catch {
    throw new DomainError('sso_failed', 'The identity provider could not be reached.');
  }
  const oidc = await client();
  const secret = randomToken(32);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const expiresAt = new Date(options.at.getTime() + SSO_REQUEST_MINUTES * 60_000);
  await db.withTenant(tenantId, async (tx) => {
    await tx.query('delete from sso_requests where tenant_id = $1 and expires_at <= $2', [
      tenantId,
      options.at,
    ]);
    await tx.query(
      `insert into sso_requests (tenant_id, token_hash, state, nonce, code_verifier, email, test, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        tenantId,
        sha256Hex(secret),
        state,
        nonce,
        verifier,
        options.email ?? null,
        options.test,
        options.at,
        expiresAt,
      ],
    );
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: 'openid email profile',
    response_type: 'code',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(options.email ? { login_hint: options.email } : {}),
  });
  return { url: url.href, cookie: `${tenantId}.${secret}` };
}

export interface FinishedSso {
  tenantId: string;
  test: boolean;
  /** The address typed on the login page (the throttle's account), when not a test. */
  typedEmail: string | null;
  user: VouchedUser;
}

/** A refusal of the provider's answer, with the tenant when the request was found (to audit it). */
export class SsoRefusal extends DomainError {
  constructor(
    readonly refusal: DomainError,
    readonly tenantId: string | undefined,
    readonly test: boolean,
  ) {
    super(refusal.code, refusal.message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks the provider's answer at the callback: the request of the browser's cookie (once, in
 * time), then the library checks state, exchanges the code with the PKCE verifier and validates
 * the ID token (signature by the provider's JWKS, issuer, audience = the client id, nonce, expiry).
 * The user is who the ID token says, with the role their claim maps to, from an address of one of
 * the tenant's domains. Any refusal is an SsoRefusal.
 */
export async function finishSso(
  db: Database,
  cookie: string | undefined,
  callback: { redirectUri: string; search: string; at: Date; allowPrivate: boolean },
): Promise<FinishedSso> {
  const failed = (tenantId?: string, test = false) =>
    new SsoRefusal(
      new DomainError('sso_failed', 'The sign-in could not be checked; start it again.'),
      tenantId,
      test,
    );
  const [tenantId, secret] = (cookie ?? '').split('.');
  if (!tenantId || !secret || !UUID.test(tenantId)) throw failed();
  const found = await db.withTenant(tenantId, async (tx) => {
    const rows = await tx.query<{
      state: string;
      nonce: string;
      code_verifier: string;
      email: string | null;
      test: boolean;
      expires_at: Date | string;
    }>(
      `delete from sso_requests where tenant_id = $1 and token_hash = $2
       returning state, nonce, code_verifier, email, test, expires_at`,
      [tenantId, sha256Hex(secret)],
    );
    return { request: rows[0], settings: await settingsRow(tx, tenantId) };
  });
  const { request, settings } = found;
  // Not audited: without a request of its own the cookie's tenant is only what the browser claims.
  if (!request || !settings) throw failed();
  const test = request.test;
  if (new Date(request.expires_at).getTime() <= callback.at.getTime()) throw failed(tenantId, test);
  let claims: Record<string, unknown>;
  try {
    const config = await configurationOf(tenantId, settings, callback.allowPrivate);
    const oidc = await client();
    const currentUrl = new URL(callback.redirectUri);
    currentUrl.search = callback.search;
    const tokens = await oidc.authorizationCodeGrant(
      config,
      currentUrl,
      { expectedState: request.state, expectedNonce: request.nonce, pkceCodeVerifier: request.code_verifier },
      { redirect_uri: callback.redirectUri },
    );
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('no ID token');
    claims = { ...idClaims };
    // Providers that keep the role or the address out of the ID token give them by userinfo.
    if (claimValue(claims, settings.role_claim) === undefined || claims.email === undefined) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...idClaims };
    }
  } catch {
    throw failed(tenantId, test);
  }
  const refuse = (code: 'sso_email_not_allowed' | 'sso_role_unmapped', message: string) =>
    new SsoRefusal(new DomainError(code, message), tenantId, test);
  const email = typeof claims.email === 'string' ? normalizeEmail(claims.email) : '';
  const domain = email.split('@')[1] ?? '';
  if (!domain || claims.email_verified === false || !(settings.email_domains ?? []).includes(domain)) {
    throw refuse(
      'sso_email_not_allowed',
      `The provider gave the address "${email}", not one of this tenant's domains.`,
    );
  }
  const role = mapRole(claims, settings.role_claim, settings.role_mapping);
  if (!role) throw refuse('sso_role_unmapped', `The claim ${settings.role_claim} maps to no role.`);
  const name =
    typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : email;
  return {
    tenantId,
    test,
    typedEmail: request.email,
    user: { method: 'sso', subject: String(claims.sub), email, name, role },
  };
}
