import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import {
  interviewEvents,
  makeTenant,
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

  it('limit each API key by its bearer token', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await postEvents(env.app, tenant.apiKey, interviewEvents());
      expect(res.statusCode, res.body).toBe(200);
    }
    const over = await postEvents(env.app, tenant.apiKey, interviewEvents());
    expectRateLimited(over);
    expect((await postEvents(env.app, other.apiKey, interviewEvents())).statusCode).toBe(200);
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
      const byKey = await postEvents(app, tenant.apiKey, interviewEvents());
      expect(byKey.headers['x-ratelimit-limit']).toBe('6000');
      const byAddress = await app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '198.51.100.9' });
      expect(byAddress.headers['x-ratelimit-limit']).toBe('300');
    } finally {
      await app.close();
    }
  });
});
