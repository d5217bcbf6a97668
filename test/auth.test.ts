import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { requireApiKey, requireUserOrApiKey } from '../src/server/auth/guard.js';
import { addUser } from '../src/server/auth/users.js';
import type { Database } from '../src/server/db/database.js';
import type { Role } from '../src/shared/contract/users.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { holdToDocument } from './helpers/documented-answers.js';

let t: TestDatabase;
let db: Database;
let app: FastifyInstance;
/** The app's clock; a test may move it and must put it back. */
let clock: Date | undefined;
const now = () => clock ?? new Date();
const PASSWORD = 'correct horse battery';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
let seq = 0;
const unique = (base: string) => `${base}-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  t = await openTestDatabase();
  db = t.db;
  app = await buildApp({ db, config: { LOG_LEVEL: 'silent', METERLINE_SESSION_HOURS: 12 }, now });
  holdToDocument(app);
  // Routes for the guards alone, kept out of the API's document.
  app.get(
    '/api/v1/test/api-key-only',
    { onRequest: requireApiKey('events:write'), schema: { hide: true } },
    async (request) => ({
      auth: request.auth,
    }),
  );
  app.get(
    '/api/v1/test/admin-or-key',
    {
      onRequest: requireUserOrApiKey({ roles: ['account_admin'], scope: 'events:write' }),
      schema: { hide: true },
    },
    async (request) => ({
      auth: request.auth,
    }),
  );
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function makeTenant(): Promise<string> {
  const id = crypto.randomUUID();
  const slug = unique('t');
  await db.withTenant(id, (tx) =>
    tx.query(
      "insert into tenants (id, slug, name, time_zone, billing_anchor) values ($1, $2, 'T', 'UTC', '2026-01-01')",
      [id, slug],
    ),
  );
  return id;
}

async function makeUser(tenantId: string, role: Role, password = PASSWORD) {
  const email = `${unique(role)}@example.com`;
  return addUser(db, tenantId, { email, name: `The ${role}`, role, password });
}

interface SessionBody {
  user: { id: string; email: string; name: string; role: Role };
  tenant: { id: string; slug: string; name: string; timeZone: string };
  csrfToken: string;
}

interface Signed {
  token: string;
  csrf: string;
  body: SessionBody;
}

async function login(email: string, password = PASSWORD): Promise<Signed> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'meterline_session');
  if (!cookie) throw new Error('no session cookie');
  return { token: cookie.value, csrf: res.json().csrfToken, body: res.json() };
}

/** A request as the signed-in user: the cookie and (unless told otherwise) the csrf header. */
function as(
  s: Signed,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  csrf: string | null = s.csrf,
) {
  return app.inject({
    method,
    url,
    cookies: { meterline_session: s.token },
    headers: csrf === null ? {} : { 'x-csrf-token': csrf },
    ...(payload ? { payload } : {}),
  });
}

/** The audit rows of changes; sign-ins are audited too, and test/throttle.test.ts checks those. */
async function auditActions(tenantId: string) {
  return db.withTenant(tenantId, (tx) =>
    tx.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      `select actor, action, details from audit_log where action not like 'auth.%' order by id`,
    ),
  );
}

async function adminOfNewTenant() {
  const tenantId = await makeTenant();
  const user = await makeUser(tenantId, 'account_admin');
  return { tenantId, user, session: await login(user.email) };
}

describe('login, me, logout', () => {
  it('signs in, sets a safe cookie and stores only the token hash', async () => {
    const tenantId = await makeTenant();
    const user = await makeUser(tenantId, 'recruiter');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `  ${user.email.toUpperCase()} `, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toEqual({ id: user.id, email: user.email, name: 'The recruiter', role: 'recruiter' });
    expect(body.tenant).toMatchObject({ id: tenantId, name: 'T', timeZone: 'UTC' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^meterline_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain('Max-Age=43200');
    expect(setCookie).not.toContain('Secure');

    const token = res.cookies[0]?.value ?? '';
    const rows = await db.withTenant(tenantId, (tx) =>
      tx.query<{ token_hash: string; csrf_token: string }>('select token_hash, csrf_token from sessions'),
    );
    expect(rows).toEqual([{ token_hash: sha256(token), csrf_token: body.csrfToken }]);
  });

  it('refuses a wrong password, an unknown email and an inactive user alike', async () => {
    const tenantId = await makeTenant();
    await makeUser(tenantId, 'account_admin');
    const user = await makeUser(tenantId, 'viewer');
    const attempt = (email: string, password: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

    const wrong = await attempt(user.email, 'not the password');
    const unknown = await attempt('nobody-at-all@example.com', PASSWORD);
    await db.withTenant(tenantId, (tx) =>
      tx.query('update users set active = false where id = $1', [user.id]),
    );
    const inactive = await attempt(user.email, PASSWORD);
    for (const res of [wrong, unknown, inactive]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'The email or password is not correct.' },
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('answers /me with the login shape, and 401 without a valid cookie', async () => {
    const tenantId = await makeTenant();
    const user = await makeUser(tenantId, 'viewer');
    const s = await login(user.email);
    const me = await as(s, 'GET', '/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(s.body);

    const none = await app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const forged = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      cookies: { meterline_session: 'x' },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('answers /auth/session 200 with or without a session: the /me answer, or authenticated: false', async () => {
    const tenantId = await makeTenant();
    const user = await makeUser(tenantId, 'viewer');
    const s = await login(user.email);
    const signedIn = await as(s, 'GET', '/api/v1/auth/session');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    expect(signedIn.json()).toEqual({ authenticated: true, ...s.body });

    const none = await app.inject({ method: 'GET', url: '/api/v1/auth/session' });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ authenticated: false });
    const forged = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      cookies: { meterline_session: 'x' },
    });
    expect(forged.json()).toEqual({ authenticated: false });

    // A deactivated user's session, an expired one and one signed out of are no session either.
    try {
      clock = new Date(Date.now() + 12.1 * 3_600_000);
      expect((await as(s, 'GET', '/api/v1/auth/session')).json()).toEqual({ authenticated: false });
    } finally {
      clock = undefined;
    }
    const other = await makeUser(tenantId, 'recruiter');
    const live = await login(other.email);
    await db.withTenant(tenantId, (tx) =>
      tx.query('update users set active = false where tenant_id = $1 and id = $2', [tenantId, other.id]),
    );
    expect((await as(live, 'GET', '/api/v1/auth/session')).json()).toEqual({ authenticated: false });
    const third = await makeUser(tenantId, 'account_admin');
    const out = await login(third.email);
    expect((await as(out, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await as(out, 'GET', '/api/v1/auth/session')).json()).toEqual({ authenticated: false });
  });

  it('expires sessions after METERLINE_SESSION_HOURS', async () => {
    const tenantId = await makeTenant();
    const user = await makeUser(tenantId, 'viewer');
    const s = await login(user.email);
    try {
      clock = new Date(Date.now() + 11.9 * 3_600_000);
      expect((await as(s, 'GET', '/api/v1/me')).statusCode).toBe(200);
      clock = new Date(Date.now() + 12.1 * 3_600_000);
      expect((await as(s, 'GET', '/api/v1/me')).statusCode).toBe(401);
    } finally {
      clock = undefined;
    }
    // The expired session was deleted, not only refused.
    expect((await as(s, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('logs out with the csrf token only, deleting the session and clearing the cookie', async () => {
    const tenantId = await makeTenant();
    const user = await makeUser(tenantId, 'recruiter');
    const s = await login(user.email);

    const missing = await as(s, 'POST', '/api/v1/auth/logout', undefined, null);
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('csrf_failed');
    const wrong = await as(s, 'POST', '/api/v1/auth/logout', undefined, 'nope');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('csrf_failed');
    const other = await login(user.email);
    const crossed = await as(s, 'POST', '/api/v1/auth/logout', undefined, other.csrf);
    expect(crossed.json().error?.code).toBe('csrf_failed');

    const out = await as(s, 'POST', '/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect(String(out.headers['set-cookie'])).toMatch(/^meterline_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await as(s, 'GET', '/api/v1/me')).statusCode).toBe(401);
    // The user's other session lives on.
    expect((await as(other, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });
});

describe('role guard', () => {
  it('gives recruiters and viewers 403 on users and api-keys', async () => {
    const tenantId = await makeTenant();
    const admin = await makeUser(tenantId, 'account_admin');
    for (const role of ['recruiter', 'viewer'] as const) {
      const s = await login((await makeUser(tenantId, role)).email);
      const calls = [
        as(s, 'GET', '/api/v1/users'),
        as(s, 'POST', '/api/v1/users', {
          email: `${unique('x')}@example.com`,
          name: 'X',
          role,
          password: PASSWORD,
        }),
        as(s, 'PATCH', `/api/v1/users/${admin.id}`, { role: 'viewer' }),
        as(s, 'GET', '/api/v1/api-keys'),
        as(s, 'POST', '/api/v1/api-keys', { name: 'k' }),
        as(s, 'DELETE', `/api/v1/api-keys/${crypto.randomUUID()}`),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
      expect((await as(s, 'GET', '/api/v1/me')).statusCode).toBe(200);
    }
    expect((await auditActions(tenantId)).length).toBe(0);
  });

  it('needs the csrf token on admin changes too', async () => {
    const { session } = await adminOfNewTenant();
    const res = await as(session, 'POST', '/api/v1/api-keys', { name: 'k' }, null);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_failed');
  });
});

describe('users', () => {
  it('adds a user, refuses duplicates and short passwords, and audits', async () => {
    const { tenantId, user: admin, session } = await adminOfNewTenant();
    const email = `${unique('New.Person')}@Example.com`;
    const added = await as(session, 'POST', '/api/v1/users', {
      email: `  ${email} `,
      name: ' New Person ',
      role: 'recruiter',
      password: PASSWORD,
    });
    expect(added.statusCode, added.body).toBe(201);
    const user = added.json().user;
    expect(user).toEqual({
      id: expect.any(String),
      email: email.toLowerCase(),
      name: 'New Person',
      role: 'recruiter',
    });
    expect(JSON.stringify(added.json())).not.toContain('password');

    const dup = await as(session, 'POST', '/api/v1/users', {
      email: email.toUpperCase(),
      name: 'Again',
      role: 'viewer',
      password: PASSWORD,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('email_taken');
    // Emails are unique across tenants as well: login is by email alone.
    const other = await adminOfNewTenant();
    const elsewhere = await as(other.session, 'POST', '/api/v1/users', {
      email,
      name: 'Elsewhere',
      role: 'viewer',
      password: PASSWORD,
    });
    expect(elsewhere.statusCode).toBe(409);

    const short = await as(session, 'POST', '/api/v1/users', {
      email: `${unique('s')}@example.com`,
      name: 'Short',
      role: 'viewer',
      password: '123456789',
    });
    expect(short.statusCode).toBe(400);
    const badRole = await as(session, 'POST', '/api/v1/users', {
      email: `${unique('s')}@example.com`,
      name: 'Role',
      role: 'owner',
      password: PASSWORD,
    });
    expect(badRole.statusCode).toBe(400);

    const list = await as(session, 'GET', '/api/v1/users');
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .users.map((u: { email: string }) => u.email)
        .sort(),
    ).toEqual([admin.email, email.toLowerCase()].sort());
    expect(JSON.stringify(list.json())).not.toContain('argon2');
    expect(await auditActions(tenantId)).toEqual([
      {
        actor: `user:${admin.email}`,
        action: 'user.added',
        details: { userId: user.id, email: email.toLowerCase(), role: 'recruiter' },
      },
    ]);
    expect((await login(email)).body.user.role).toBe('recruiter');
  });

  it('changes a role with effect on the live session, and audits', async () => {
    const { tenantId, user: admin, session } = await adminOfNewTenant();
    const viewer = await makeUser(tenantId, 'viewer');
    const vs = await login(viewer.email);
    expect((await as(vs, 'GET', '/api/v1/users')).statusCode).toBe(403);

    const res = await as(session, 'PATCH', `/api/v1/users/${viewer.id}`, { role: 'account_admin' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ id: viewer.id, role: 'account_admin', active: true });
    expect((await as(vs, 'GET', '/api/v1/users')).statusCode).toBe(200);

    const empty = await as(session, 'PATCH', `/api/v1/users/${viewer.id}`, {});
    expect(empty.statusCode).toBe(400);
    const missing = await as(session, 'PATCH', `/api/v1/users/${crypto.randomUUID()}`, { role: 'viewer' });
    expect(missing.statusCode).toBe(404);
    expect(await auditActions(tenantId)).toEqual([
      {
        actor: `user:${admin.email}`,
        action: 'user.role_changed',
        details: { userId: viewer.id, email: viewer.email, from: 'viewer', to: 'account_admin' },
      },
    ]);
  });

  it('deactivates a user, ending their sessions, and keeps one active admin', async () => {
    const { tenantId, user: admin, session } = await adminOfNewTenant();
    const recruiter = await makeUser(tenantId, 'recruiter');
    const rs = await login(recruiter.email);
    expect((await as(rs, 'GET', '/api/v1/me')).statusCode).toBe(200);

    const res = await as(session, 'PATCH', `/api/v1/users/${recruiter.id}`, { active: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ id: recruiter.id, active: false });
    expect((await as(rs, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const relogin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: recruiter.email, password: PASSWORD },
    });
    expect(relogin.json().error.code).toBe('invalid_credentials');
    const sessions = await db.withTenant(tenantId, (tx) =>
      tx.query('select 1 from sessions where user_id = $1', [recruiter.id]),
    );
    expect(sessions).toEqual([]);
    const activeTrue = await as(session, 'PATCH', `/api/v1/users/${recruiter.id}`, { active: true });
    expect(activeTrue.statusCode).toBe(400);

    for (const change of [{ active: false }, { role: 'viewer' }]) {
      const last = await as(session, 'PATCH', `/api/v1/users/${admin.id}`, change);
      expect(last.statusCode).toBe(409);
      expect(last.json().error.code).toBe('last_admin');
    }
    expect((await auditActions(tenantId)).map((a) => a.action)).toEqual(['user.deactivated']);
  });
});

describe('api keys', () => {
  it('creates a key shown once, lists without it, and revokes it at once', async () => {
    const { tenantId, user: admin, session } = await adminOfNewTenant();
    const created = await as(session, 'POST', '/api/v1/api-keys', { name: ' Interview engine ' });
    expect(created.statusCode, created.body).toBe(201);
    const apiKey = created.json().apiKey;
    expect(apiKey.key).toMatch(/^ml_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'Interview engine',
      prefix: apiKey.key.slice(0, 10),
      scopes: ['events:write'],
      key: apiKey.key,
    });
    const stored = await db.withTenant(tenantId, (tx) =>
      tx.query<{ key_hash: string }>('select key_hash from api_keys'),
    );
    expect(stored).toEqual([{ key_hash: sha256(apiKey.key) }]);

    const list = await as(session, 'GET', '/api/v1/api-keys');
    expect(list.statusCode).toBe(200);
    expect(list.json().apiKeys).toEqual([
      {
        id: apiKey.id,
        name: 'Interview engine',
        prefix: apiKey.prefix,
        scopes: ['events:write'],
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);
    expect(list.body).not.toContain(apiKey.key);

    const use = () =>
      app.inject({
        method: 'GET',
        url: '/api/v1/test/api-key-only',
        headers: { authorization: `Bearer ${apiKey.key}` },
      });
    const ok = await use();
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().auth).toEqual({ kind: 'api_key', tenantId, keyId: apiKey.id, scopes: ['events:write'] });
    const afterUse = (await as(session, 'GET', '/api/v1/api-keys')).json().apiKeys[0];
    expect(afterUse.lastUsedAt).not.toBeNull();
    await use();
    expect((await as(session, 'GET', '/api/v1/api-keys')).json().apiKeys[0].lastUsedAt).toBe(
      afterUse.lastUsedAt,
    );

    const revoked = await as(session, 'DELETE', `/api/v1/api-keys/${apiKey.id}`);
    expect(revoked.statusCode).toBe(204);
    const refused = await use();
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_api_key');
    expect((await as(session, 'GET', '/api/v1/api-keys')).json().apiKeys[0].revokedAt).not.toBeNull();
    expect((await as(session, 'DELETE', `/api/v1/api-keys/${apiKey.id}`)).statusCode).toBe(204);

    expect(await auditActions(tenantId)).toEqual([
      {
        actor: `user:${admin.email}`,
        action: 'api_key.created',
        details: {
          keyId: apiKey.id,
          name: 'Interview engine',
          prefix: apiKey.prefix,
          scopes: ['events:write'],
        },
      },
      {
        actor: `user:${admin.email}`,
        action: 'api_key.revoked',
        details: { keyId: apiKey.id, name: 'Interview engine' },
      },
    ]);
  });

  it('refuses a missing, malformed or unknown key', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer ', 'Bearer ml_unknown', 'Bearer x y']) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/test/api-key-only',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_api_key');
    }
  });
});

describe('requireUserOrApiKey', () => {
  it('takes an API key or a session with the role', async () => {
    const { tenantId, session } = await adminOfNewTenant();
    const key = (await as(session, 'POST', '/api/v1/api-keys', { name: 'k' })).json().apiKey;
    const viewer = await login((await makeUser(tenantId, 'viewer')).email);
    const url = '/api/v1/test/admin-or-key';

    const byKey = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key.key}` } });
    expect(byKey.json().auth).toEqual({ kind: 'api_key', tenantId, keyId: key.id, scopes: ['events:write'] });
    const bySession = await as(session, 'GET', url);
    expect(bySession.json().auth).toMatchObject({ kind: 'session', tenantId, role: 'account_admin' });
    expect((await as(viewer, 'GET', url)).json().error.code).toBe('forbidden');
    expect((await app.inject({ method: 'GET', url })).json().error.code).toBe('unauthorized');
    const badKey = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer ml_nope' } });
    expect(badKey.json().error.code).toBe('invalid_api_key');
  });
});

describe('tenant isolation', () => {
  it("keeps tenant A's users and keys out of tenant B's admin's reach", async () => {
    const a = await adminOfNewTenant();
    const b = await adminOfNewTenant();
    const aUser = await makeUser(a.tenantId, 'viewer');
    const aKey = (await as(a.session, 'POST', '/api/v1/api-keys', { name: 'A key' })).json().apiKey;

    const users = (await as(b.session, 'GET', '/api/v1/users')).json().users;
    expect(users.map((u: { id: string }) => u.id)).toEqual([b.user.id]);
    expect((await as(b.session, 'GET', '/api/v1/api-keys')).json().apiKeys).toEqual([]);

    const patch = await as(b.session, 'PATCH', `/api/v1/users/${aUser.id}`, { active: false });
    expect(patch.statusCode).toBe(404);
    const patchAdmin = await as(b.session, 'PATCH', `/api/v1/users/${a.user.id}`, { role: 'viewer' });
    expect(patchAdmin.statusCode).toBe(404);
    const revoke = await as(b.session, 'DELETE', `/api/v1/api-keys/${aKey.id}`);
    expect(revoke.statusCode).toBe(404);

    // Nothing changed in tenant A.
    const aUsers = (await as(a.session, 'GET', '/api/v1/users')).json().users;
    expect(aUsers.find((u: { id: string }) => u.id === aUser.id)).toMatchObject({
      role: 'viewer',
      active: true,
    });
    const stillWorks = await app.inject({
      method: 'GET',
      url: '/api/v1/test/api-key-only',
      headers: { authorization: `Bearer ${aKey.key}` },
    });
    expect(stillWorks.json().auth.tenantId).toBe(a.tenantId);
    expect(await auditActions(b.tenantId)).toEqual([]);
  });
});

describe('openapi', () => {
  it('documents the auth routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/me',
        '/api/v1/auth/session',
        '/api/v1/users/{userId}',
        '/api/v1/api-keys/{keyId}',
      ]),
    );
    expect(paths['/api/v1/auth/login'].post.tags).toEqual(['auth']);
    expect(paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(paths['/api/v1/auth/session'].get.security).toEqual([]);
    expect(Object.keys(paths['/api/v1/auth/session'].get.responses)).toEqual([
      '200',
      '400',
      '408',
      '429',
      '431',
      '503',
    ]);
  });
});
