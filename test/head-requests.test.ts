import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/server/auth/api-keys.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/**
 * HEAD changes nothing: Fastify answers HEAD on every GET route by running the GET, so the API
 * refuses it on every route but its health and readiness checks (README, Security).
 */

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock, { METERLINE_PUBLIC_URL: 'https://meterline.example' });

let tenant: TestTenant;
let admin: { cookie: string; csrf: string; email: string };
let linkKey: string;

beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock);
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  linkKey = (await createApiKey(env.t.db, tenant.id, { name: 'platform', scopes: ['console:link'] })).key;
  expect(
    (await postEvents(env.app, tenant.apiKey, interviewEvents({ at: '2026-01-10T10:00:00Z' }))).statusCode,
  ).toBe(200);
});

const auditOf = (action: string) =>
  env.t.asOwner((o) =>
    o.query<{ details: Record<string, unknown> }>(
      'select details from audit_log where tenant_id = $1 and action = $2 order by id',
      [tenant.id, action],
    ),
  );

function expectRefusedHead(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(405);
  expect(res.headers.allow).toBe('GET');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.body).toBe('');
}

describe('HEAD', () => {
  it('does not redeem a console link: the link still opens once with GET', async () => {
    const minted = await env.app.inject({
      method: 'POST',
      url: '/api/v1/console-links',
      headers: { authorization: `Bearer ${linkKey}` },
      payload: {
        user: { externalId: 'u-1', email: 'linked@platform.example', name: 'Linked', role: 'viewer' },
      },
    });
    expect(minted.statusCode).toBe(201);
    const url = new URL(minted.json().url);
    const logins = (await auditOf('auth.login')).length;
    for (let i = 0; i < 2; i++) {
      expectRefusedHead(await env.app.inject({ method: 'HEAD', url: url.pathname + url.search }));
    }
    expect(await auditOf('auth.login')).toHaveLength(logins);
    const used = await env.t.asOwner((o) =>
      o.query<{ used_at: Date | null }>('select used_at from console_links where tenant_id = $1', [
        tenant.id,
      ]),
    );
    expect(used.map((r) => r.used_at)).toEqual([null]);

    const opened = await env.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/consumption');
    expect(String(opened.headers['set-cookie'])).toMatch(/^meterline_session=/);
    expect(await auditOf('auth.login')).toHaveLength(logins + 1);
    const again = await env.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(again.headers.location).toBe('/login?error=console_link_used');
  });

  it('does not run an export nor audit one', async () => {
    const url = '/api/v1/consumption/export?from=2026-01-01&to=2026-01-31';
    const head = await env.app.inject({ method: 'HEAD', url, headers: { cookie: admin.cookie } });
    expectRefusedHead(head);
    // An export's audit row is written once its file has gone out: the GET's is the one row.
    const get = await env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
    expect(get.statusCode).toBe(200);
    await expect.poll(() => auditOf('usage.exported'), { timeout: 10_000, interval: 50 }).toHaveLength(1);
    expect((await auditOf('usage.exported'))[0]?.details).toMatchObject({ status: 'completed' });
  });

  it('does not start a sign-in, refused before the guard, however the path is spelled', async () => {
    expectRefusedHead(
      await env.app.inject({ method: 'HEAD', url: '/api/v1/auth/sso/start?email=someone%40example.test' }),
    );
    // Before the guard: no credential is asked for.
    expectRefusedHead(await env.app.inject({ method: 'HEAD', url: '/api/%761/me' }));
    expectRefusedHead(await env.app.inject({ method: 'HEAD', url: '/api/v1/credits/balance' }));
  });

  it('is answered where it changes nothing: the health and readiness checks and the console', async () => {
    for (const url of ['/api/v1/health', '/api/v1/ready', '/robots.txt', '/', '/consumption']) {
      const res = await env.app.inject({ method: 'HEAD', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(res.body).toBe('');
    }
    // A path of the API without a route is still the API's 404.
    const unknown = await env.app.inject({ method: 'HEAD', url: '/api/v1/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/json/);
  });
});
