import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/server/auth/api-keys.js';
import { sha256Hex } from '../src/server/auth/tokens.js';
import { addUser, updateUser } from '../src/server/auth/users.js';
import {
  makeTenant,
  PASSWORD,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/** One-time console links minted by the host platform (docs/product.md, Signing in). */

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock, { METERLINE_PUBLIC_URL: 'https://meterline.example' });

let tenant: TestTenant;
let other: TestTenant;
let linkKey: string;

beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { scopes: ['events:write'] });
  other = await makeTenant(env.t.db, clock, { scopes: ['console:link'] });
  linkKey = (await createApiKey(env.t.db, tenant.id, { name: 'platform', scopes: ['console:link'] })).key;
});

let counter = 0;
const hostUser = (role: 'account_admin' | 'recruiter' | 'viewer' = 'account_admin') => {
  counter += 1;
  return {
    externalId: `host-${counter}`,
    email: `host-${counter}@platform.example`,
    name: `Host ${counter}`,
    role,
  };
};

async function mint(body: Record<string, unknown>, key = linkKey): Promise<LightMyRequestResponse> {
  return env.app.inject({
    method: 'POST',
    url: '/api/v1/console-links',
    headers: { authorization: `Bearer ${key}` },
    payload: body,
  });
}

/** Opens a link's URL as a browser would; answers where it was sent and the session cookie, if any. */
async function open(url: string) {
  const u = new URL(url);
  const res = await env.app.inject({ method: 'GET', url: u.pathname + u.search });
  expect(res.statusCode).toBe(303);
  const setCookie = [res.headers['set-cookie'] ?? []].flat().map(String);
  const session = setCookie.find((c) => c.startsWith('meterline_session='))?.split(';')[0];
  return { location: String(res.headers.location), session };
}

const auditOf = (tenantId: string) =>
  env.t.asOwner((o) =>
    o.query<{ actor: string; action: string; details: Record<string, unknown> }>(
      'select actor, action, details from audit_log where tenant_id = $1 order by id',
      [tenantId],
    ),
  );

describe('console links', () => {
  it('opens once: the first signs the user in (made just in time) and lands on Consumption, the second is refused', async () => {
    const user = hostUser('account_admin');
    const minted = await mint({ user });
    expect(minted.statusCode).toBe(201);
    const { url, expiresAt } = minted.json();
    expect(url).toMatch(/^https:\/\/meterline\.example\/api\/v1\/console-links\/open\?token=mlc_/);
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBe(60_000);
    // Only the token's hash is stored.
    const token = new URL(url).searchParams.get('token') ?? '';
    const stored = await env.t.asOwner((o) =>
      o.query<{ token_hash: string }>('select token_hash from console_links where tenant_id = $1', [
        tenant.id,
      ]),
    );
    expect(stored.map((r) => r.token_hash)).toContain(sha256Hex(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const first = await open(url);
    expect(first.location).toBe('/consumption');
    expect(first.session).toBeDefined();
    const me = await env.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: first.session ?? '' },
    });
    expect(me.json().user).toMatchObject({ email: user.email, name: user.name, role: 'account_admin' });
    expect(me.json().tenant.id).toBe(tenant.id);
    const consumption = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/summary',
      headers: { cookie: first.session ?? '' },
    });
    expect(consumption.statusCode).toBe(200);

    const second = await open(url);
    expect(second).toEqual({ location: '/login?error=console_link_used', session: undefined });

    const audit = await auditOf(tenant.id);
    const mine = audit.filter((r) => JSON.stringify(r.details).includes(user.email));
    expect(mine.map((r) => r.action)).toEqual(['console_link.created', 'user.added', 'auth.login']);
    expect(mine[2]?.details).toMatchObject({ method: 'console_link', email: user.email });
  });

  it('refuses a link past expiresAt, and an unknown token', async () => {
    const minted = await mint({ user: hostUser(), expiresInSeconds: 300 });
    expect(minted.statusCode).toBe(201);
    const { url, expiresAt } = minted.json();
    const saved = clock.current;
    clock.set(expiresAt);
    try {
      expect(await open(url)).toEqual({ location: '/login?error=console_link_expired', session: undefined });
    } finally {
      clock.current = saved;
    }
    // A token changed by one character, or none at all, is unknown.
    expect((await open(`${url}x`)).location).toBe('/login?error=console_link_invalid');
    expect((await open('https://meterline.example/api/v1/console-links/open')).location).toBe(
      '/login?error=console_link_invalid',
    );
  });

  it('updates the user on a later link: the role and name the host sends now', async () => {
    const user = hostUser('viewer');
    const first = await open((await mint({ user, path: '/' })).json().url);
    expect(first.location).toBe('/');
    const again = await open(
      (await mint({ user: { ...user, role: 'account_admin', name: 'Renamed' } })).json().url,
    );
    const me = await env.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: again.session ?? '' },
    });
    expect(me.json().user).toMatchObject({ role: 'account_admin', name: 'Renamed' });
    const rows = await env.t.asOwner((o) =>
      o.query<{ n: number }>('select count(*)::int as n from users where tenant_id = $1 and email = $2', [
        tenant.id,
        user.email,
      ]),
    );
    expect(rows[0]?.n).toBe(1);
    const changed = (await auditOf(tenant.id)).filter((r) => r.action === 'user.role_changed');
    expect(changed.at(-1)?.details).toMatchObject({ email: user.email, from: 'viewer', to: 'account_admin' });
    // The Users page shows how they sign in and when they last did.
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const users = await env.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { cookie: admin.cookie },
    });
    const listed = users.json().users.find((u: { email: string }) => u.email === user.email);
    expect(listed).toMatchObject({
      signInMethods: ['console_link'],
      lastSignInMethod: 'console_link',
      lastSignInAt: clock.now().toISOString(),
    });
    const self = users.json().users.find((u: { email: string }) => u.email === admin.email);
    expect(self).toMatchObject({ signInMethods: ['password'], lastSignInMethod: 'password' });
  });

  it('refuses a deactivated user, and a user of another tenant', async () => {
    const user = hostUser('viewer');
    await open((await mint({ user })).json().url);
    const [row] = await env.t.asOwner((o) =>
      o.query<{ id: string }>('select id::text from users where email = $1', [user.email]),
    );
    await updateUser(env.t.db, tenant.id, String(row?.id), { active: false });
    const link = (await mint({ user })).json().url;
    expect((await open(link)).location).toBe('/login?error=user_inactive');

    // A user of the other tenant: refused when minted, and when opened (made in the meantime).
    const theirs = await mint({ user: { ...hostUser(), email: user.email } }, (await otherKey()).key);
    expect(theirs.statusCode).toBe(409);
    expect(theirs.json().error.code).toBe('email_taken');
    const later = hostUser();
    const minted = await mint({ user: later }, (await otherKey()).key);
    expect(minted.statusCode).toBe(201);
    await addUser(env.t.db, tenant.id, {
      email: later.email,
      name: 'Here first',
      role: 'viewer',
      password: PASSWORD,
    });
    expect((await open(minted.json().url)).location).toBe('/login?error=email_taken');
  });

  it('refuses a key without console:link (403 insufficient_scope), a path off the console, and a long life', async () => {
    const noScope = await mint({ user: hostUser() }, tenant.apiKey);
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json().error.code).toBe('insufficient_scope');
    for (const path of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'consumption',
      '/api/v1/me',
    ]) {
      const res = await mint({ user: hostUser(), path });
      expect({ path, status: res.statusCode, code: res.json().error?.code }).toEqual({
        path,
        status: 400,
        code: 'invalid_path',
      });
    }
    const long = await mint({ user: hostUser(), expiresInSeconds: 301 });
    expect(long.statusCode).toBe(400);
    const count = await env.t.asOwner((o) =>
      o.query<{ n: number }>(
        "select count(*)::int as n from console_links where email like '%platform.example' and path <> '/consumption' and path <> '/'",
      ),
    );
    expect(count[0]?.n).toBe(0);
  });

  it('lands a recruiter where the host asked; Consumption stays for account admins', async () => {
    const user = hostUser('recruiter');
    const opened = await open((await mint({ user, path: '/consumption?range=month' })).json().url);
    expect(opened.location).toBe('/consumption?range=month');
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/summary',
      headers: { cookie: opened.session ?? '' },
    });
    expect(res.statusCode).toBe(403);
  });
});

const otherKey = () => createApiKey(env.t.db, other.id, { name: 'platform', scopes: ['console:link'] });
