import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { loadSsoSettings, parseIssuer } from '../src/server/auth/sso.js';
import { addUser } from '../src/server/auth/users.js';
import {
  makeTenant,
  PASSWORD,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/**
 * Single sign-on against a real OpenID provider (oidc-provider) run in this process on a local
 * port: the app discovers it, sends the "browser" there, and checks the ID token it issues.
 */

// ID tokens are checked against the real time: the app's clock stays close to it.
const clock = new TestClock(new Date());
const PUBLIC_URL = 'https://meterline.example';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/auth/sso/callback`;
// The provider runs on this machine, over http: a private address the server refuses by default.
const env = testAppForFile(clock, { METERLINE_PUBLIC_URL: PUBLIC_URL, METERLINE_SSO_ALLOW_PRIVATE: true });

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'provider-key';

/** The provider's accounts: their claims, changed by the tests. */
const accounts = new Map<string, Record<string, unknown>>();
/** Who signs in at the provider next, or a refusal (the provider no longer lets them in). */
let atProvider: { accountId: string } | { refuse: true } = { refuse: true };
/** Changes the ID token the token endpoint answers with, to test what the app refuses. */
let tamper: ((idToken: string) => string) | undefined;

let server: Server;
let issuer: string;
let A: TestTenant;
let B: TestTenant;
const A_DOMAIN = 'a-corp.example';
const B_DOMAIN = 'b-corp.example';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const unb64 = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

/** The ID token with `change` in its payload, signed again with `key` (the provider's by default). */
function resigned(
  idToken: string,
  change: Record<string, unknown>,
  key: KeyObject = keys.privateKey,
): string {
  const [header, payload] = idToken.split('.');
  const input = `${header}.${b64({ ...unb64(payload ?? ''), ...change })}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: ['a', 'b'].map((t) => ({
      client_id: `meterline-${t}`,
      client_secret: `secret-${t}`,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [{ ...keys.privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...accounts.get(id) }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // Claims of the scopes in the ID token itself, as most providers are set up for SSO.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test cookie key'] },
    pkce: { required: () => true, methods: ['S256'] },
  });
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && tamper && body?.id_token)
      ctx.body = { ...body, id_token: tamper(body.id_token) };
  });
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    // The provider's login page: signs in whoever the test says, consenting to what was asked.
    const details = await provider.interactionDetails(req, res);
    if ('refuse' in atProvider) {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'not allowed',
      });
      return;
    }
    const { accountId } = atProvider;
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } });
  });

  A = await makeTenant(env.t.db, clock);
  B = await makeTenant(env.t.db, clock);
  for (const [tenant, t, domain] of [
    [A, 'a', A_DOMAIN],
    [B, 'b', B_DOMAIN],
  ] as const) {
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const res = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/sso',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: {
        issuer,
        clientId: `meterline-${t}`,
        clientSecret: `secret-${t}`,
        roleClaim: 'groups',
        roleMapping: [
          { value: 'meterline-admins', role: 'account_admin' },
          { value: 'recruiting', role: 'recruiter' },
          { value: 'everyone', role: 'viewer' },
        ],
        emailDomains: [domain],
        passwordLogin: true,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain(`secret-${t}`);
  }
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** A cookie jar for the provider's origin, as the browser keeps it. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const [name = '', value = ''] = pair.split('=');
      this.cookies.set(name, value);
    }
  }
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/**
 * The browser's way through a sign-in: the login page's first step, the start route, the provider
 * (its redirects, with its cookies) and the callback. Answers where the app sent the browser at the
 * end and the session cookie it set.
 */
async function signInThroughProvider(
  email: string,
  options: { accountId?: string; startUrl?: string; headers?: Record<string, string> } = {},
) {
  atProvider = options.accountId ? { accountId: options.accountId } : { refuse: true };
  let startUrl = options.startUrl;
  if (!startUrl) {
    const discovered = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sso/discover',
      payload: { email },
    });
    expect(discovered.json().method).toBe('sso');
    startUrl = discovered.json().url as string;
  }
  const start = await env.app.inject({ method: 'GET', url: startUrl, headers: options.headers ?? {} });
  expect(start.statusCode).toBe(303);
  const ssoCookie = [start.headers['set-cookie'] ?? []]
    .flat()
    .map(String)
    .find((c) => c.startsWith('meterline_sso='))
    ?.split(';')[0];
  let location = String(start.headers.location);
  const jar = new Jar();
  while (location.startsWith(issuer)) {
    const res = await fetch(location, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    const next = res.headers.get('location');
    if (!next) throw new Error(`the provider answered ${res.status}: ${await res.text()}`);
    location = new URL(next, location).href;
  }
  if (!location.startsWith(REDIRECT_URI)) return { location, session: undefined };
  const back = new URL(location);
  const callback = await env.app.inject({
    method: 'GET',
    url: back.pathname + back.search,
    headers: { cookie: ssoCookie ?? '' },
  });
  expect(callback.statusCode).toBe(303);
  const session = [callback.headers['set-cookie'] ?? []]
    .flat()
    .map(String)
    .find((c) => c.startsWith('meterline_session='))
    ?.split(';')[0];
  return {
    location: String(callback.headers.location),
    session,
    ssoCookie,
    callbackUrl: back.pathname + back.search,
  };
}

const me = async (session: string | undefined) =>
  (await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session ?? '' } })).json();

const auditOf = (tenantId: string) =>
  env.t.asOwner((o) =>
    o.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      'select actor, action, details from audit_log where tenant_id = $1 order by id',
      [tenantId],
    ),
  );

const usersOf = (tenantId: string) =>
  env.t.asOwner((o) =>
    o.query<{ email: string; role: string; sso_subject: string | null }>(
      'select email, role, sso_subject from users where tenant_id = $1 order by email',
      [tenantId],
    ),
  );

describe('single sign-on with the tenant’s OpenID provider', () => {
  it('first sign-in creates an account admin from the role claim, lands on Consumption, and is audited', async () => {
    accounts.set('ada', {
      email: `ada@${A_DOMAIN}`,
      email_verified: true,
      name: 'Ada',
      groups: ['meterline-admins'],
    });
    const done = await signInThroughProvider(`ada@${A_DOMAIN}`, { accountId: 'ada' });
    expect(done.location).toBe('/consumption');
    const session = await me(done.session);
    expect(session.user).toMatchObject({ email: `ada@${A_DOMAIN}`, name: 'Ada', role: 'account_admin' });
    expect(session.tenant.id).toBe(A.id);
    const consumption = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/summary',
      headers: { cookie: done.session ?? '' },
    });
    expect(consumption.statusCode).toBe(200);
    const entries = (await auditOf(A.id)).filter((r) => r.details.email === `ada@${A_DOMAIN}`);
    expect(entries.map((r) => [r.actor, r.action])).toEqual([
      [`user:ada@${A_DOMAIN}`, 'user.added'],
      [`user:ada@${A_DOMAIN}`, 'auth.login'],
    ]);
    expect(entries[0]?.details).toMatchObject({ role: 'account_admin', via: 'sso' });
    expect(entries[1]?.details).toMatchObject({ method: 'sso' });
    // Made without a password: a password login finds nothing to match.
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `ada@${A_DOMAIN}`, password: PASSWORD },
    });
    expect(login.json().error.code).toBe('invalid_credentials');
  });

  it('maps the claim on every sign-in: a changed claim changes the role; a claim mapping to nothing is refused', async () => {
    accounts.set('bo', { email: `bo@${A_DOMAIN}`, name: 'Bo', groups: ['everyone', 'recruiting'] });
    const first = await signInThroughProvider(`bo@${A_DOMAIN}`, { accountId: 'bo' });
    expect(first.location).toBe('/');
    expect((await me(first.session)).user.role).toBe('recruiter');
    accounts.set('bo', { email: `bo@${A_DOMAIN}`, name: 'Bo', groups: ['everyone'] });
    const second = await signInThroughProvider(`bo@${A_DOMAIN}`, { accountId: 'bo' });
    expect((await me(second.session)).user.role).toBe('viewer');
    const changed = (await auditOf(A.id)).filter((r) => r.action === 'user.role_changed');
    expect(changed.at(-1)?.details).toMatchObject({
      email: `bo@${A_DOMAIN}`,
      from: 'recruiter',
      to: 'viewer',
    });
    accounts.set('bo', { email: `bo@${A_DOMAIN}`, name: 'Bo', groups: ['contractors'] });
    const third = await signInThroughProvider(`bo@${A_DOMAIN}`, { accountId: 'bo' });
    expect(third).toMatchObject({ location: '/login?error=sso_role_unmapped', session: undefined });
    expect((await auditOf(A.id)).at(-1)).toMatchObject({ action: 'auth.sso_refused' });
  });

  it('signs nobody in when the provider no longer lets the user in', async () => {
    const refused = await signInThroughProvider(`ada@${A_DOMAIN}`);
    expect(refused).toMatchObject({ location: '/login?error=sso_failed', session: undefined });
  });

  it('refuses an ID token with a wrong audience, a wrong nonce or a wrong signature, and a wrong state', async () => {
    accounts.set('cy', { email: `cy@${A_DOMAIN}`, name: 'Cy', groups: ['meterline-admins'] });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const tampers: [string, (t: string) => string][] = [
      ['audience', (t) => resigned(t, { aud: 'meterline-b' })],
      ['nonce', (t) => resigned(t, { nonce: 'not-the-one-sent' })],
      ['signature', (t) => resigned(t, {}, other)],
      ['issuer', (t) => resigned(t, { iss: 'https://elsewhere.example' })],
      ['expiry', (t) => resigned(t, { exp: Math.floor(Date.now() / 1000) - 3600 })],
    ];
    try {
      for (const [what, change] of tampers) {
        tamper = change;
        const done = await signInThroughProvider(`cy@${A_DOMAIN}`, { accountId: 'cy' });
        expect({ what, ...done }).toMatchObject({
          what,
          location: '/login?error=sso_failed',
          session: undefined,
        });
      }
    } finally {
      tamper = undefined;
    }
    expect((await usersOf(A.id)).map((u) => u.email)).not.toContain(`cy@${A_DOMAIN}`);
    // The provider's answer, with the state changed: refused.
    const start = await env.app.inject({
      method: 'GET',
      url: `/api/v1/auth/sso/start?email=cy%40${A_DOMAIN}`,
    });
    const ssoCookie = String([start.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    const wrongState = await env.app.inject({
      method: 'GET',
      url: '/api/v1/auth/sso/callback?code=x&state=not-the-state',
      headers: { cookie: ssoCookie },
    });
    expect(wrongState.headers.location).toBe('/login?error=sso_failed');
    // Without the browser's cookie (another browser replaying the answer): refused.
    const done = await signInThroughProvider(`cy@${A_DOMAIN}`, { accountId: 'cy' });
    expect(done.location).toBe('/consumption');
    const again = await env.app.inject({
      method: 'GET',
      url: String(done.callbackUrl),
      headers: { cookie: String(done.ssoCookie) },
    });
    expect(again.headers.location).toBe('/login?error=sso_failed');
  });

  it("cannot sign a user into another tenant: an address off the tenant's domains, or another tenant's user", async () => {
    const beforeB = await usersOf(B.id);
    // A's provider vouches for an address of B's domain: refused, in A and in B.
    accounts.set('mallory', { email: `mallory@${B_DOMAIN}`, name: 'Mallory', groups: ['meterline-admins'] });
    const crossed = await signInThroughProvider(`mallory@${A_DOMAIN}`, { accountId: 'mallory' });
    expect(crossed).toMatchObject({ location: '/login?error=sso_email_not_allowed', session: undefined });
    // A's provider vouches for a user B already has under A's domain (B added them after A claimed
    // it): the login page never sends that address to A's provider, but a sign-in started for a new
    // address, whose provider answers with B's user, is refused at the callback, and made no user.
    const ofB = `dual@${A_DOMAIN}`;
    await addUser(env.t.db, B.id, { email: ofB, name: 'Of B', role: 'viewer', password: PASSWORD });
    accounts.set('dual', { email: ofB, name: 'Dual', groups: ['meterline-admins'] });
    const taken = await signInThroughProvider(`new-hire@${A_DOMAIN}`, { accountId: 'dual' });
    expect(taken).toMatchObject({ location: '/login?error=email_taken', session: undefined });
    expect((await auditOf(A.id)).at(-1)).toMatchObject({
      action: 'auth.sso_refused',
      details: {
        reason: 'email_taken',
        email: ofB,
        message: expect.stringContaining('another organisation'),
      },
    });
    expect((await usersOf(B.id)).filter((u) => u.email !== ofB)).toEqual(beforeB);
    expect((await usersOf(B.id)).find((u) => u.email === ofB)).toMatchObject({
      role: 'viewer',
      sso_subject: null,
    });
    expect((await usersOf(A.id)).map((u) => u.email)).not.toContain(ofB);
  });

  it("sends a user to their own tenant, whatever another tenant's claim of their domain says", async () => {
    const domain = `claimed-${A.slug}.example`;
    const C = await makeTenant(env.t.db, clock);
    const ofC = `admin@${domain}`;
    await addUser(env.t.db, C.id, {
      email: ofC,
      name: 'Admin of C',
      role: 'account_admin',
      password: PASSWORD,
    });
    // A claim of C's domain by A, as one made before claims were checked against users: the API
    // refuses it now (next test), so it is written as the database kept it.
    await env.t.asOwner((o) =>
      o.query('insert into sso_domains (tenant_id, domain) values ($1, $2)', [A.id, domain]),
    );
    const discover = async (email: string) =>
      (await env.app.inject({ method: 'POST', url: '/api/v1/auth/sso/discover', payload: { email } })).json();
    expect(await discover(ofC)).toEqual({ method: 'password' });
    expect(await discover(ofC.toUpperCase())).toEqual({ method: 'password' });
    const start = await env.app.inject({
      method: 'GET',
      url: `/api/v1/auth/sso/start?email=${encodeURIComponent(ofC)}`,
    });
    expect(start.headers.location).toBe('/login?error=sso_not_configured');
    expect(start.headers['set-cookie']).toBeUndefined();
    const requests = await env.t.asOwner((o) =>
      o.query('select 1 from sso_requests where tenant_id = $1 and email = $2', [A.id, ofC]),
    );
    expect(requests).toEqual([]);
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ofC, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect((await me(String(login.headers['set-cookie']).split(';')[0])).tenant.id).toBe(C.id);
    // An address no tenant has a user at still goes by the claim, and A's own users by theirs.
    expect(await discover(`someone-new@${domain}`)).toMatchObject({ method: 'sso' });
    expect(await discover(`ada@${A_DOMAIN}`)).toMatchObject({ method: 'sso' });
  });

  it('refuses a claim of a domain at which another tenant has users, changing nothing', async () => {
    const domain = `users-${B.slug}.example`;
    await addUser(env.t.db, B.id, {
      email: `someone@${domain}`,
      name: 'B',
      role: 'viewer',
      password: PASSWORD,
    });
    const admin = await signIn(env.app, env.t.db, A.id, 'account_admin');
    const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const before = (await env.app.inject({ method: 'GET', url: '/api/v1/sso', headers })).json().sso;
    const auditBefore = await auditOf(A.id);
    const { clientSecretSet: _, updatedAt: __, ...settings } = before;
    const claim = (emailDomains: string[]) =>
      env.app.inject({ method: 'PUT', url: '/api/v1/sso', headers, payload: { ...settings, emailDomains } });
    for (const spelled of [domain, domain.toUpperCase()]) {
      const refused = await claim([A_DOMAIN, spelled]);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toEqual({
        code: 'domain_taken',
        message: expect.stringMatching(/users of another organisation/),
      });
      expect(refused.json().error.message.startsWith(`${domain} `)).toBe(true);
    }
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/sso', headers })).json().sso).toEqual(before);
    expect(await auditOf(A.id)).toEqual(auditBefore);
    // A keeps a domain it claimed before another tenant had users there: B's users at it sign in
    // with B all the same (the test above).
    await addUser(env.t.db, B.id, {
      email: `late@${A_DOMAIN}`,
      name: 'Late',
      role: 'viewer',
      password: PASSWORD,
    });
    expect((await claim([A_DOMAIN])).statusCode).toBe(200);
    // B, whose users they are, may claim it.
    const adminB = await signIn(env.app, env.t.db, B.id, 'account_admin');
    const headersB = { cookie: adminB.cookie, 'x-csrf-token': adminB.csrf };
    const ofB = (await env.app.inject({ method: 'GET', url: '/api/v1/sso', headers: headersB })).json().sso;
    const { clientSecretSet: ___, updatedAt: ____, ...settingsB } = ofB;
    const own = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/sso',
      headers: headersB,
      payload: { ...settingsB, emailDomains: [B_DOMAIN, domain] },
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().sso.emailDomains).toEqual([B_DOMAIN, domain].sort());
  });

  it('keeps password login for tenants without SSO, and refuses it where the tenant turned it off', async () => {
    const plain = await makeTenant(env.t.db, clock);
    const user = await signIn(env.app, env.t.db, plain.id, 'viewer');
    expect(
      (
        await env.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sso/discover',
          payload: { email: user.email },
        })
      ).json(),
    ).toEqual({ method: 'password' });
    const pw = `pw@${A_DOMAIN}`;
    await addUser(env.t.db, A.id, { email: pw, name: 'Password user', role: 'viewer', password: PASSWORD });
    const login = () =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: pw, password: PASSWORD },
      });
    expect((await login()).statusCode).toBe(200);
    const admin = await signIn(env.app, env.t.db, A.id, 'account_admin');
    const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const current = (await env.app.inject({ method: 'GET', url: '/api/v1/sso', headers })).json();
    const { clientSecretSet: _, updatedAt: __, ...settings } = current.sso;
    const off = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/sso',
      headers,
      payload: { ...settings, passwordLogin: false },
    });
    expect(off.statusCode).toBe(200);
    const refused = await login();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('sso_required');
    await env.app.inject({
      method: 'PUT',
      url: '/api/v1/sso',
      headers,
      payload: { ...settings, passwordLogin: true },
    });
    expect((await login()).statusCode).toBe(200);
  });

  it("tests the provider from Settings → Sign-in: shows the answer's address and role, signs nobody in", async () => {
    const admin = await signIn(env.app, env.t.db, A.id, 'account_admin');
    accounts.set('tess', { email: `tess@${A_DOMAIN}`, name: 'Tess', groups: ['recruiting'] });
    const done = await signInThroughProvider('', {
      accountId: 'tess',
      startUrl: '/api/v1/auth/sso/start?test=true',
      headers: { cookie: admin.cookie },
    });
    expect(done.location).toBe(`/settings?ssoTest=passed&email=tess%40${A_DOMAIN}&role=recruiter`);
    expect(done.session).toBeUndefined();
    expect((await usersOf(A.id)).map((u) => u.email)).not.toContain(`tess@${A_DOMAIN}`);
    // Not for anyone else.
    const anonymous = await env.app.inject({ method: 'GET', url: '/api/v1/auth/sso/start?test=true' });
    expect(anonymous.headers.location).toBe('/login?error=sso_not_configured');
  });

  it('counts each start as a sign-in attempt: the eleventh unfinished one for an address is throttled', async () => {
    const email = `throttled@${A_DOMAIN}`;
    const start = () =>
      env.app.inject({
        method: 'GET',
        url: `/api/v1/auth/sso/start?email=${encodeURIComponent(email)}`,
        remoteAddress: '198.51.100.7',
      });
    for (let i = 0; i < 10; i++)
      expect(String((await start()).headers.location)).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect((await start()).headers.location).toBe('/login?error=too_many_attempts');
  });
});

describe('the issuer', () => {
  it('is an https URL on the internet, unless METERLINE_SSO_ALLOW_PRIVATE allows this host and private networks', () => {
    expect(parseIssuer('https://login.acme.example/realms/x', false).href).toBe(
      'https://login.acme.example/realms/x',
    );
    for (const issuer of [
      'http://login.acme.example',
      'https://127.0.0.1:8443',
      'https://localhost',
      'https://10.1.2.3',
      'https://[::1]',
      'https://169.254.169.254',
      'https://user:pw@login.acme.example',
      'https://login.acme.example/?x=1',
      'not a url',
    ]) {
      expect(() => parseIssuer(issuer, false), issuer).toThrow(
        expect.objectContaining({ code: 'invalid_issuer' }),
      );
    }
    expect(parseIssuer('http://127.0.0.1:8080', true).hostname).toBe('127.0.0.1');
    expect(() => parseIssuer('ftp://127.0.0.1', true)).toThrow();
  });
});

describe('npm run cli -- sso set', () => {
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      db: env.t.db,
      now: clock.now,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('sets the provider, its mapping and domains, never printing the secret; refuses a bad mapping', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const args = ['sso', 'set', '--tenant', tenant.slug, '--issuer', 'https://login.cli-corp.example'];
    const set = await cli(
      ...args,
      '--client-id',
      'meterline',
      '--client-secret',
      'cli secret',
      '--map',
      'admins=account_admin',
      '--map',
      'staff=viewer',
      '--domain',
      'cli-corp.example',
      '--no-password-login',
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('admins → account_admin');
    expect(set.out).not.toContain('cli secret');
    expect(await loadSsoSettings(env.t.db, tenant.id)).toMatchObject({
      issuer: 'https://login.cli-corp.example',
      clientId: 'meterline',
      roleClaim: 'groups',
      roleMapping: [
        { value: 'admins', role: 'account_admin' },
        { value: 'staff', role: 'viewer' },
      ],
      emailDomains: ['cli-corp.example'],
      passwordLogin: false,
    });
    const bad = await cli(
      ...args,
      '--client-id',
      'x',
      '--map',
      'admins=owner',
      '--domain',
      'cli-corp.example',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--map');
    const taken = await cli(
      'sso',
      'set',
      '--tenant',
      A.slug,
      '--issuer',
      'https://login.a-corp.example',
      '--client-id',
      'meterline-a',
      '--map',
      'meterline-admins=account_admin',
      '--domain',
      'cli-corp.example',
    );
    expect(taken.code).toBe(2);
    expect(taken.err).toContain('another organisation');
  });
});
