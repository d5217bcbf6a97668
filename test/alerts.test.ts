import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deliverDueWebhooks } from '../src/server/alerts/delivery.js';
import type { Resolve } from '../src/server/alerts/destination.js';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
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
import { sessionCaller } from './helpers/session-requests.js';
import { verifyWebhook } from './helpers/webhooks.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));

// The test endpoints listen on this machine, which webhooks may reach only when allowed.
const env = testAppForFile(clock, { METERLINE_WEBHOOK_ALLOW_PRIVATE: true });

const LOCAL = { allowPrivate: true };

const call = sessionCaller(env);

/** Completes `n` interviews (one credit each), invited at the clock's time. */
async function complete(tenant: TestTenant, n: number) {
  const events = [];
  for (let i = 0; i < n; i++) {
    events.push(...interviewEvents({ outcome: 'completed', at: clock.now().toISOString() }));
  }
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json()).toMatchObject({ accepted: events.length, rejected: [] });
}

async function alertRows(tenant: TestTenant) {
  return env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ period_start: Date; threshold_percent: number }>(
      'select period_start, threshold_percent from credit_alerts order by period_start, threshold_percent desc',
    ),
  );
}

/**
 * A local endpoint that records what it receives and answers with the statuses given, in turn;
 * on 127.0.0.1 and any free port unless told.
 */
async function endpoint(statuses: number[], at: { host?: string; port?: number } = {}) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  const host = at.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/hooks/meterline`;
  return { url, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A resolver that answers each name with `addresses` in turn (the last again), counting its calls. */
function resolver(...addresses: string[]) {
  const calls: string[] = [];
  const resolve: Resolve = async (host) => {
    calls.push(host);
    return [{ address: addresses[Math.min(calls.length, addresses.length) - 1] as string, family: 4 }];
  };
  return { resolve, calls };
}

describe('credit alerts', () => {
  it('raises 25, 10 and 0 % of the allotment left once each per period, and again the next period', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock, {
      plan: { allotmentMilli: 20_000, rolloverMode: 'none' },
    });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');

    await complete(tenant, 14); // 6 of 20 left: 30 %
    expect(await alertRows(tenant)).toEqual([]);
    await complete(tenant, 1); // 25 %
    expect((await alertRows(tenant)).map((r) => r.threshold_percent)).toEqual([25]);
    await complete(tenant, 1); // 20 %: nothing new
    await complete(tenant, 2); // 10 %
    await complete(tenant, 1); // 5 %
    await complete(tenant, 1); // 0 %
    expect((await alertRows(tenant)).map((r) => r.threshold_percent)).toEqual([25, 10, 0]);

    const res = await call(admin, 'GET', '/alerts');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ balance: 0, allotment: 20, percentLeft: 0, thresholds: [25, 10, 0] });
    expect(body.reached).toEqual([25, 10, 0]);
    expect(body.alerts.map((a: { thresholdPercent: number }) => a.thresholdPercent).sort()).toEqual([
      0, 10, 25,
    ]);
    expect(body.alerts.find((a: { thresholdPercent: number }) => a.thresholdPercent === 10).balance).toBe(2);

    // The next period grants 20 again; 15 used brings it to 25 % once more.
    clock.set('2026-02-03T09:00:00Z');
    await closeDuePeriods(env.t.db, tenant.id, clock.now());
    await complete(tenant, 15);
    const rows = await alertRows(tenant);
    expect(rows.map((r) => [r.period_start.toISOString(), r.threshold_percent])).toEqual([
      ['2026-01-01T00:00:00.000Z', 25],
      ['2026-01-01T00:00:00.000Z', 10],
      ['2026-01-01T00:00:00.000Z', 0],
      ['2026-02-01T00:00:00.000Z', 25],
    ]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('sends each alert once as a signed webhook, retrying until the endpoint takes it', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const hook = await endpoint([500, 200]);
    try {
      const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 10_000 } });
      const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      const saved = await call(admin, 'PUT', '/alerts/settings', { thresholds: [50], webhookUrl: hook.url });
      expect(saved.statusCode).toBe(200);
      const { secret } = saved.json();
      expect(secret).toMatch(/^whsec_/);
      expect(saved.json()).toMatchObject({ thresholds: [50], webhookUrl: hook.url, hasSecret: true });
      // The secret is shown when it is made, never again.
      const again = await call(admin, 'PUT', '/alerts/settings', { thresholds: [50], webhookUrl: hook.url });
      expect(again.json().secret).toBeNull();

      await complete(tenant, 5);
      await complete(tenant, 1); // below 50 % twice: one alert, one delivery
      expect(await deliverDueWebhooks(env.t.db, clock.now, LOCAL)).toEqual({
        delivered: 0,
        failed: 1,
        abandoned: 0,
      });
      expect(hook.received).toHaveLength(1);
      const first = hook.received[0] as { headers: IncomingMessage['headers']; body: string };
      // Signed per Standard Webhooks: the receiver's library verifies it with the secret, and only with it.
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(verifyWebhook(secret, first.headers, first.body, clock.now())).toBe(true);
      expect(
        verifyWebhook('whsec_b3RoZXIgc2VjcmV0IG9mIDI0IGJ5dGVz', first.headers, first.body, clock.now()),
      ).toBe(false);
      expect(verifyWebhook(secret, first.headers, `${first.body} `, clock.now())).toBe(false);
      const event = JSON.parse(first.body);
      expect(event).toMatchObject({
        type: 'credits.threshold_reached',
        data: { thresholdPercent: 50, balance: 5, allotment: 10, percentLeft: 50 },
      });
      expect(first.headers['webhook-id']).toBe(event.id);
      expect(first.headers['webhook-timestamp']).toBe(String(clock.now().getTime() / 1000));

      let deliveries = (await call(admin, 'GET', '/alerts/webhook/deliveries')).json().deliveries;
      expect(deliveries).toEqual([
        expect.objectContaining({ id: event.id, attempts: 1, lastStatus: 500, deliveredAt: null }),
      ]);
      expect(new Date(deliveries[0].nextAttemptAt).getTime() - clock.now().getTime()).toBe(30_000);

      // Not due yet; then due, and taken.
      expect(await deliverDueWebhooks(env.t.db, clock.now, LOCAL)).toEqual({
        delivered: 0,
        failed: 0,
        abandoned: 0,
      });
      clock.set('2026-01-15T12:00:31Z');
      expect(await deliverDueWebhooks(env.t.db, clock.now, LOCAL)).toEqual({
        delivered: 1,
        failed: 0,
        abandoned: 0,
      });
      expect(hook.received).toHaveLength(2);
      expect(hook.received[1]?.body).toBe(first.body);
      // A retry: the same id, its own time and signature.
      const retry = hook.received[1] as { headers: IncomingMessage['headers']; body: string };
      expect(retry.headers['webhook-id']).toBe(event.id);
      expect(retry.headers['webhook-timestamp']).toBe(String(clock.now().getTime() / 1000));
      expect(verifyWebhook(secret, retry.headers, retry.body, clock.now())).toBe(true);
      deliveries = (await call(admin, 'GET', '/alerts/webhook/deliveries')).json().deliveries;
      expect(deliveries[0]).toMatchObject({ attempts: 2, lastStatus: 200, nextAttemptAt: null });
      expect(deliveries[0].deliveredAt).not.toBeNull();

      // After a new secret: signed with it at once, and with the old one beside it for 24 hours.
      const rotated = await call(admin, 'POST', '/alerts/webhook/secret');
      expect(rotated.statusCode).toBe(200);
      const newSecret = rotated.json().secret;
      expect(newSecret).not.toBe(secret);
      expect((await call(admin, 'POST', '/alerts/webhook/test')).statusCode).toBe(202);
      expect(await deliverDueWebhooks(env.t.db, clock.now, LOCAL)).toEqual({
        delivered: 1,
        failed: 0,
        abandoned: 0,
      });
      const test = hook.received[2] as { headers: IncomingMessage['headers']; body: string };
      expect(JSON.parse(test.body).type).toBe('webhook.test');
      expect(String(test.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifyWebhook(newSecret, test.headers, test.body, clock.now())).toBe(true);
      expect(verifyWebhook(secret, test.headers, test.body, clock.now())).toBe(true);
      clock.set('2026-01-16T12:00:32Z');
      const nextDay = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      expect((await call(nextDay, 'POST', '/alerts/webhook/test')).statusCode).toBe(202);
      expect((await deliverDueWebhooks(env.t.db, clock.now, LOCAL)).delivered).toBe(1);
      const dayLater = hook.received[3] as { headers: IncomingMessage['headers']; body: string };
      expect(String(dayLater.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(verifyWebhook(newSecret, dayLater.headers, dayLater.body, clock.now())).toBe(true);
      expect(verifyWebhook(secret, dayLater.headers, dayLater.body, clock.now())).toBe(false);
    } finally {
      await hook.close();
    }
  });

  it('abandons a delivery after its last retry and says so', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const hook = await endpoint([503]);
    try {
      const tenant = await makeTenant(env.t.db, clock);
      const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      await call(admin, 'PUT', '/alerts/settings', { thresholds: [25], webhookUrl: hook.url });
      expect((await call(admin, 'POST', '/alerts/webhook/test')).statusCode).toBe(202);
      const outcomes = [];
      for (let i = 0; i < 12; i++) {
        outcomes.push(await deliverDueWebhooks(env.t.db, clock.now, LOCAL));
        clock.set(new Date(clock.now().getTime() + 7 * 3_600_000).toISOString());
      }
      expect(outcomes.filter((o) => o.failed === 1)).toHaveLength(11);
      expect(outcomes[11]).toEqual({ delivered: 0, failed: 0, abandoned: 1 });
      // Days later: the admin signs in again.
      const later = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      const [delivery] = (await call(later, 'GET', '/alerts/webhook/deliveries')).json().deliveries;
      expect(delivery).toMatchObject({
        attempts: 12,
        lastStatus: 503,
        lastError: 'HTTP 503',
        nextAttemptAt: null,
      });
      expect(delivery.abandonedAt).not.toBeNull();
      expect(await deliverDueWebhooks(env.t.db, clock.now, LOCAL)).toEqual({
        delivered: 0,
        failed: 0,
        abandoned: 0,
      });
    } finally {
      await hook.close();
    }
  });

  it('refuses webhooks to this server or a private network unless the operator allows them', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const strict = await testApp(env.t.db, clock);
    try {
      const tenant = await makeTenant(env.t.db, clock);
      const admin = await signIn(strict, env.t.db, tenant.id, 'account_admin');
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://localhost./hook',
        'http://hooks.localhost./hook',
        'http://169.254.169.254/latest/meta-data',
        'http://10.1.2.3/hook',
        'http://2130706433/hook',
        'http://0x7f.1/hook',
        'http://0177.0.0.1/hook',
        'http://[::1]/hook',
        'http://[::127.0.0.1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[::ffff:192.168.0.1]/hook',
        'http://[64:ff9b::7f00:1]/hook',
        'http://[64:ff9b:1::a9fe:a9fe]/hook',
        'http://[2002:7f00:1::]/hook',
        'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook',
      ]) {
        const res = await strict.inject({
          method: 'PUT',
          url: '/api/v1/alerts/settings',
          headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
          payload: { thresholds: [25], webhookUrl: url },
        });
        expect({ url, code: res.json().error?.code }).toEqual({ url, code: 'webhook_url_not_public' });
      }
      // A URL saved before these checks, or a name that resolves to this machine, is caught when
      // sending: the delivery fails, nothing is sent.
      const hook = await endpoint([200]);
      try {
        const sendTo = async (url: string, resolve?: Resolve) => {
          await env.t.db.withTenant(tenant.id, async (tx) => {
            await tx.query('delete from webhook_deliveries');
            await tx.query(
              `insert into alert_settings (tenant_id, thresholds, webhook_url, webhook_secret)
               values ($1, '{25}', $2, 'whsec_test')
               on conflict (tenant_id) do update set webhook_url = excluded.webhook_url`,
              [tenant.id, url],
            );
          });
          const test = await strict.inject({
            method: 'POST',
            url: '/api/v1/alerts/webhook/test',
            headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
          });
          expect(test.statusCode).toBe(202);
          expect(
            await deliverDueWebhooks(env.t.db, clock.now, {
              allowPrivate: false,
              ...(resolve ? { resolve } : {}),
            }),
          ).toEqual({ delivered: 0, failed: 1, abandoned: 0 });
          const [delivery] = await env.t.db.withTenant(tenant.id, (tx) =>
            tx.query<{ last_error: string }>('select last_error from webhook_deliveries'),
          );
          return delivery?.last_error;
        };
        expect(await sendTo(hook.url.replace('127.0.0.1', 'localhost.'))).toBe(
          'refused: localhost names this host',
        );
        expect(await sendTo(hook.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'))).toBe(
          'refused: ::ffff:7f00:1 is a private address (::ffff:7f00:1)',
        );
        const dns = resolver('127.0.0.1');
        expect(await sendTo(hook.url.replace('127.0.0.1', 'hooks.meterline.test'), dns.resolve)).toBe(
          'refused: hooks.meterline.test is a private address (127.0.0.1)',
        );
        expect(dns.calls).toEqual(['hooks.meterline.test']);
        expect(hook.received).toEqual([]);
      } finally {
        await hook.close();
      }
    } finally {
      await strict.close();
    }
  });

  it('sends to the address it checked, even when the name answers otherwise a moment later', async () => {
    clock.set('2026-01-15T12:00:00Z');
    // The name first resolves to 127.0.0.2, then to 127.0.0.1 (a rebinding name); an endpoint
    // listens on each, on one port. Private addresses are allowed here, as in development.
    const checked = await endpoint([200], { host: '127.0.0.2' });
    const rebound = await endpoint([200], { port: checked.port });
    try {
      const tenant = await makeTenant(env.t.db, clock);
      const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      const url = checked.url.replace('127.0.0.2', 'hooks.meterline.test');
      expect(
        (await call(admin, 'PUT', '/alerts/settings', { thresholds: [25], webhookUrl: url })).statusCode,
      ).toBe(200);
      expect((await call(admin, 'POST', '/alerts/webhook/test')).statusCode).toBe(202);
      const dns = resolver('127.0.0.2', '127.0.0.1');
      expect(await deliverDueWebhooks(env.t.db, clock.now, { ...LOCAL, resolve: dns.resolve })).toEqual({
        delivered: 1,
        failed: 0,
        abandoned: 0,
      });
      expect(dns.calls).toEqual(['hooks.meterline.test']);
      expect(checked.received).toHaveLength(1);
      expect(checked.received[0]?.headers.host).toBe(`hooks.meterline.test:${checked.port}`);
      expect(rebound.received).toEqual([]);
    } finally {
      await checked.close();
      await rebound.close();
    }
  });

  it('refuses bad settings with stable codes, and others than account admins', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const recruiter = await signIn(env.app, env.t.db, tenant.id, 'recruiter');
    const bad = async (payload: Record<string, unknown>, code: string) => {
      const res = await call(admin, 'PUT', '/alerts/settings', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(code);
    };
    await bad({ thresholds: [25], webhookUrl: 'not a url' }, 'invalid_webhook_url');
    await bad({ thresholds: [25], webhookUrl: 'ftp://example.test/x' }, 'invalid_webhook_url');
    await bad({ thresholds: [25], webhookUrl: 'https://user:pw@example.test/x' }, 'invalid_webhook_url');
    await bad({ thresholds: [150], webhookUrl: null }, 'invalid_request');
    await bad({ thresholds: [25] }, 'invalid_request');
    const settings = await call(admin, 'GET', '/alerts/settings');
    expect(settings.json()).toEqual({ thresholds: [25, 10, 0], webhookUrl: null, hasSecret: false });
    for (const [method, url] of [
      ['POST', '/alerts/webhook/test'],
      ['POST', '/alerts/webhook/secret'],
    ] as const) {
      const res = await call(admin, method, url);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('webhook_not_configured');
    }
    for (const [method, url] of [
      ['GET', '/alerts'],
      ['GET', '/alerts/settings'],
      ['PUT', '/alerts/settings'],
      ['GET', '/alerts/webhook/deliveries'],
    ] as const) {
      const res = await call(
        recruiter,
        method,
        url,
        method === 'PUT' ? { thresholds: [], webhookUrl: null } : undefined,
      );
      expect(res.statusCode).toBe(403);
    }
  });
});
