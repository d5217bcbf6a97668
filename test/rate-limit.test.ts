import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { addUser, updateUser } from '../src/server/auth/users.js';
import { loadConfig } from '../src/server/config.js';
import {
  interviewEvents,
  makeTenant,
  PASSWORD,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testApp,
  testAppForFile,
} from './helpers/factories.js';

/**
 * The API's rate limits, turned down here to prove the 429: requests a minute per
 * session, per API key, and per client address for anonymous callers. The plugin counts real
 * time, not the test clock; each test spends its own principal's budget.
 */
const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const LIMITS = {
  METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: 5,
  METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: 4,
  METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE: 3,
};
const env = testAppForFile(clock, LIMITS);

function expectRateLimited(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.json()).toEqual({
    error: { code: 'rate_limited', message: expect.stringMatching(/^Too many/) },
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

const anonymous = (url: string, remoteAddress: string) =>
  env.app.inject({ method: 'GET', url, remoteAddress });

const sendEvents = (apiKey: string, remoteAddress: string) =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { authorization: `Bearer ${apiKey}` },
    payload: { events: interviewEvents() },
    remoteAddress,
  });

let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock);
  other = await makeTenant(env.t.db, clock);
});

describe('anonymous requests', () => {
  it('are limited per client address, whatever way the path is spelled', async () => {
    const address = '198.51.100.1';
    for (const url of ['/api/v1/me', '/api/%761/me', '/api/v1/%6De']) {
      expect((await anonymous(url, address)).statusCode).toBe(401);
    }
    expectRateLimited(await anonymous('/api/v1/me', address));
    // Limited before anything else: a login from there is refused unread.
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'someone@example.test', password: 'whatever it is' },
      remoteAddress: address,
    });
    expectRateLimited(login);
    expect((await anonymous('/api/v1/me', '198.51.100.2')).statusCode).toBe(401);
  });

  it('leave the health check and the console files unlimited', async () => {
    const address = '198.51.100.3';
    for (let i = 0; i < 3; i++) await anonymous('/api/v1/me', address);
    expectRateLimited(await anonymous('/api/v1/me', address));
    for (let i = 0; i < 10; i++) {
      expect((await anonymous('/api/v1/health', address)).statusCode).toBe(200);
      for (const url of ['/', '/consumption', '/assets/app.js']) {
        expect((await anonymous(url, address)).statusCode).not.toBe(429);
      }
    }
  });
});

describe('sessions and API keys', () => {
  it('limit each session by its cookie, apart from other sessions and anonymous requests from the same address', async () => {
    const first = await signIn(env.app, env.t.db, tenant.id, 'viewer');
    const second = await signIn(env.app, env.t.db, tenant.id, 'viewer');
    const me = (s: { cookie: string }) =>
      env.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
    for (let i = 0; i < 5; i++) expect((await me(first)).statusCode).toBe(200);
    expectRateLimited(await me(first));
    expect((await me(second)).statusCode).toBe(200);
    // The sessions came from 127.0.0.1 too; its anonymous budget is its own.
    expect((await anonymous('/api/v1/me', '127.0.0.1')).statusCode).toBe(401);
  });

  it('limit each API key by its bearer token, once the server has found the key valid', async () => {
    const send = (key: string) => sendEvents(key, '198.51.100.20');
    // A key this server has not checked yet is one of its address's anonymous requests, until its
    // guard finds it valid; from then on it spends its own budget.
    expect((await send(tenant.apiKey)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) {
      const res = await send(tenant.apiKey);
      expect(res.statusCode, res.body).toBe(200);
    }
    expectRateLimited(await send(tenant.apiKey));
    expect((await send(other.apiKey)).statusCode).toBe(200);
  });
});

describe('made-up credentials', () => {
  const bearer = (token: string, remoteAddress: string) =>
    env.app.inject({
      method: 'GET',
      url: '/api/v1/credits/balance',
      headers: { authorization: `Bearer ${token}` },
      remoteAddress,
    });
  const cookie = (token: string, remoteAddress: string) =>
    env.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `meterline_session=${token}` },
      remoteAddress,
    });

  /** A viewer signed in from `remoteAddress`: the login is one of that address's anonymous requests. */
  async function signInFrom(tenantId: string, remoteAddress: string) {
    const email = `viewer-${randomUUID().slice(0, 8)}@example.test`;
    await addUser(env.t.db, tenantId, { email, name: 'Viewer', role: 'viewer', password: PASSWORD });
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: PASSWORD },
      remoteAddress,
    });
    expect(res.statusCode, res.body).toBe(200);
    return {
      cookie: String(res.headers['set-cookie']).split(';')[0] ?? '',
      csrf: String(res.json().csrfToken),
    };
  }

  /** Counts the lookups of sessions and API keys the database is asked for while `run` runs. */
  async function lookupsDuring(run: () => Promise<void>): Promise<number> {
    const query = vi.spyOn(env.t.db, 'query');
    try {
      await run();
      return query.mock.calls.filter(([sql]) => /auth_(session|api_key)_lookup/.test(sql)).length;
    } finally {
      query.mockRestore();
    }
  }

  it('count against their address: each a new one, then refused before any lookup', async () => {
    for (const [label, send] of [
      ['session cookies', cookie],
      ['bearer tokens', bearer],
    ] as const) {
      const address = label === 'session cookies' ? '198.51.100.30' : '198.51.100.31';
      const lookups = await lookupsDuring(async () => {
        for (let i = 0; i < 3; i++) {
          const res = await send(`ml_${randomUUID()}`, address);
          expect({ label, status: res.statusCode }).toEqual({ label, status: 401 });
        }
        for (let i = 0; i < 5; i++) expectRateLimited(await send(`ml_${randomUUID()}`, address));
        // The address's own anonymous requests share the budget.
        expectRateLimited(await anonymous('/api/v1/me', address));
      });
      expect({ label, lookups }).toEqual({ label, lookups: 3 });
    }
  });

  it("spend an address's anonymous budget, and not a real session's or key's from the same address", async () => {
    const address = '198.51.100.32';
    const user = await signInFrom(tenant.id, '198.51.100.36');
    const me = () =>
      env.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { cookie: user.cookie },
        remoteAddress: address,
      });
    const events = () => sendEvents(other.apiKey, address);
    expect((await me()).statusCode).toBe(200);
    expect((await sendEvents(other.apiKey, '198.51.100.35')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await cookie(randomUUID(), address)).statusCode).toBe(401);
    expectRateLimited(await bearer(`ml_${randomUUID()}`, address));
    expectRateLimited(await anonymous('/api/v1/me', address));
    for (let i = 0; i < 4; i++) expect((await me()).statusCode).toBe(200);
    // A key found valid before, from elsewhere: its own budget, though its address is over.
    expect((await events()).statusCode).toBe(200);
  });

  it('a session that is no longer valid counts against its address', async () => {
    const me = (user: { cookie: string }, remoteAddress: string) =>
      env.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: user.cookie }, remoteAddress });
    // Signed out here: the server forgets the session at once.
    const out = await signInFrom(other.id, '198.51.100.37');
    const headers = { cookie: out.cookie, 'x-csrf-token': out.csrf };
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(
      204,
    );
    expect(
      await lookupsDuring(async () => {
        for (let i = 0; i < 3; i++) expect((await me(out, '198.51.100.33')).statusCode).toBe(401);
        expectRateLimited(await me(out, '198.51.100.33'));
      }),
    ).toBe(3);
    // Ended behind the server's back (the user deactivated by the command line): the lookup that
    // finds it ended forgets it; from then on it is one of its address's anonymous requests.
    const gone = await signInFrom(other.id, '198.51.100.38');
    const found = await me(gone, '198.51.100.34');
    expect(found.statusCode).toBe(200);
    await updateUser(env.t.db, other.id, found.json().user.id, { active: false });
    expect(
      await lookupsDuring(async () => {
        for (let i = 0; i < 4; i++) expect((await me(gone, '198.51.100.34')).statusCode).toBe(401);
        expectRateLimited(await me(gone, '198.51.100.34'));
      }),
    ).toBe(4);
  });
});

describe('configuration', () => {
  it('reads the limits from the environment, with defaults the console and the interview engine stay far below', async () => {
    expect(loadConfig({})).toMatchObject({
      METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: 600,
      METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: 6000,
      METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE: 300,
    });
    expect(loadConfig({ METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: '12000' })).toMatchObject({
      METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: 12000,
    });
    expect(() => loadConfig({ METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: '0' })).toThrow(/SESSION_PER_MINUTE/);

    const app = await testApp(env.t.db, clock);
    try {
      const s = await signIn(app, env.t.db, tenant.id, 'viewer');
      const bySession = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
      expect(bySession.headers['x-ratelimit-limit']).toBe('600');
      // A key's first request to this server is counted as its address's, until the key is found valid.
      expect((await postEvents(app, tenant.apiKey, interviewEvents())).headers['x-ratelimit-limit']).toBe(
        '300',
      );
      const byKey = await postEvents(app, tenant.apiKey, interviewEvents());
      expect(byKey.headers['x-ratelimit-limit']).toBe('6000');
      const byAddress = await app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '198.51.100.9' });
      expect(byAddress.headers['x-ratelimit-limit']).toBe('300');
    } finally {
      await app.close();
    }
  });
});
