import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE } from '../src/server/auth/login-attempts.js';
import { addUser } from '../src/server/auth/users.js';
import { makeTenant, PASSWORD, TestClock, testApp, testAppForFile } from './helpers/factories.js';

/**
 * Login throttling: at most 10 failed logins per account and 100 per client address in
 * any 15 minutes; over that, 429 too_many_attempts with Retry-After, even for the right password.
 * Each test uses its own emails and addresses and sets the clock it needs.
 */
const clock = new TestClock(new Date('2026-02-01T09:00:00Z'));
const env = testAppForFile(clock);

const WRONG = 'not the password at all';
const MINUTE = 60_000;

function login(email: string, password: string, remoteAddress: string, app = env.app) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress,
  });
}

async function account(tenantId: string) {
  const email = `user-${randomUUID().slice(0, 8)}@example.test`;
  const user = await addUser(env.t.db, tenantId, { email, name: 'User', role: 'viewer', password: PASSWORD });
  return { tenantId, userId: user.id, email };
}

async function authAudit(tenantId: string) {
  return env.t.db.withTenant(tenantId, (tx) =>
    tx.query<{ actor: string; action: string; details: Record<string, unknown>; at: Date | string }>(
      `select actor, action, details, at from audit_log where action like 'auth.%' order by at, id`,
    ),
  );
}

function expectThrottled(res: LightMyRequestResponse, retryAfterSeconds: number) {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.json().error.code).toBe('too_many_attempts');
  expect(res.headers['retry-after']).toBe(String(retryAfterSeconds));
  expect(res.headers['set-cookie']).toBeUndefined();
}

function expectRefused(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(401);
  expect(res.json().error.code).toBe('invalid_credentials');
}

const at = (start: Date, ms: number) => new Date(start.getTime() + ms).toISOString();

describe('per account', () => {
  it('answers the eleventh of twelve wrong passwords with 429, refuses the right one until the window passes, then a success clears the count', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const user = await account(tenant.id);
    const address = '198.51.100.10';
    const t0 = new Date('2026-02-01T09:00:00Z');
    // A wrong password a minute: the first failure leaves the window at t0 + 15 min.
    for (let i = 0; i < 12; i++) {
      clock.set(at(t0, i * MINUTE));
      const res = await login(user.email, WRONG, address);
      if (i < 10) expectRefused(res);
      else expectThrottled(res, (15 - i) * 60);
    }
    clock.set(at(t0, 12 * MINUTE));
    expectThrottled(await login(user.email, PASSWORD, address), 180);
    // Refused attempts are not failures: the window does not move.
    clock.set(at(t0, 15 * MINUTE - 1000));
    expectThrottled(await login(user.email, PASSWORD, address), 1);
    clock.set(at(t0, 15 * MINUTE));
    const ok = await login(user.email, PASSWORD, address);
    expect(ok.statusCode, ok.body).toBe(200);

    // The success cleared the nine failures still in the window: ten more are let through.
    for (let i = 0; i < 10; i++) {
      clock.set(at(t0, 16 * MINUTE + i * 1000));
      expectRefused(await login(user.email, WRONG, address));
    }
    clock.set(at(t0, 16 * MINUTE + 10_000));
    expectThrottled(await login(user.email, PASSWORD, address), 890);

    const failed = {
      actor: `address:${address}`,
      action: 'auth.login_failed',
      details: { userId: user.userId, email: user.email, reason: 'wrong_password' },
    };
    const throttled = (until: string) => ({
      actor: `address:${address}`,
      action: 'auth.throttled',
      details: {
        scope: 'account',
        userId: user.userId,
        email: user.email,
        failures: 10,
        windowMinutes: 15,
        until,
      },
    });
    // Failures are audited just after their answer (auth/login-attempts.ts: AfterAnswer).
    await expect
      .poll(async () => (await authAudit(tenant.id)).map((r) => ({ ...r, at: new Date(r.at).toISOString() })))
      .toEqual([
        ...Array.from({ length: 10 }, (_, i) => ({ ...failed, at: at(t0, i * MINUTE) })),
        { ...throttled(at(t0, 15 * MINUTE)), at: at(t0, 9 * MINUTE) },
        {
          actor: `user:${user.email}`,
          action: 'auth.login',
          details: { userId: user.userId, address, method: 'password' },
          at: at(t0, 15 * MINUTE),
        },
        ...Array.from({ length: 10 }, (_, i) => ({ ...failed, at: at(t0, 16 * MINUTE + i * 1000) })),
        { ...throttled(at(t0, 31 * MINUTE)), at: at(t0, 16 * MINUTE + 9000) },
      ]);
  });

  it('throttles an unknown email as typed, normalized, with the very answers a known account gets', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const user = await account(tenant.id);
    const unknown = `Nobody-${randomUUID().slice(0, 8)}@Example.test`;
    clock.set('2026-02-02T10:00:00Z');
    const spellings = [unknown, unknown.toLowerCase(), `  ${unknown.toUpperCase()} `];
    for (let i = 0; i < 10; i++) {
      const a = await login(spellings[i % 3] ?? unknown, WRONG, '198.51.100.21');
      const b = await login(user.email, WRONG, '198.51.100.22');
      expectRefused(a);
      expect(a.body).toBe(b.body);
    }
    const a = await login(unknown.toLowerCase(), PASSWORD, '198.51.100.21');
    const b = await login(user.email, PASSWORD, '198.51.100.22');
    expectThrottled(a, 900);
    expectThrottled(b, 900);
    expect(a.body).toBe(b.body);
    // The unknown email has no tenant: nothing of it in the known account's audit log.
    expect(JSON.stringify(await authAudit(tenant.id))).not.toContain(unknown.toLowerCase());
  });

  it('lets no more than ten of a burst of parallel wrong passwords through', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const user = await account(tenant.id);
    clock.set('2026-02-03T10:00:00Z');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(user.email, WRONG, `198.51.100.${100 + i}`)),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
    await expect
      .poll(async () => (await authAudit(tenant.id)).map((r) => r.action).sort())
      .toEqual([...Array(10).fill('auth.login_failed'), 'auth.throttled']);
  });

  it('counts in the database, shared by every server on it', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const user = await account(tenant.id);
    clock.set('2026-02-04T10:00:00Z');
    for (let i = 0; i < 10; i++) expectRefused(await login(user.email, WRONG, '198.51.100.30'));
    const second = await testApp(env.t.db, clock);
    try {
      expectThrottled(await login(user.email, PASSWORD, '198.51.100.31', second), 900);
    } finally {
      await second.close();
    }
  });
});

describe('per client address', () => {
  it('answers 429 from an address after 100 failures across many accounts, known or not, and tells their tenants', async () => {
    const [tenantA, tenantB, tenantC] = [
      await makeTenant(env.t.db, clock),
      await makeTenant(env.t.db, clock),
      await makeTenant(env.t.db, clock),
    ];
    const known = [];
    for (const tenant of [tenantA, tenantB]) {
      for (let i = 0; i < 5; i++) known.push((await account(tenant.id)).email);
    }
    const unknown = Array.from(
      { length: 15 },
      (_, i) => `stranger-${i}-${randomUUID().slice(0, 6)}@example.test`,
    );
    const emails = [...known, ...unknown];
    const address = '203.0.113.50';
    const t0 = new Date('2026-02-05T10:00:00Z');
    clock.set(t0.toISOString());
    // 25 emails × 4: no account comes near its own limit.
    for (let round = 0; round < 4; round++) {
      for (const email of emails) expectRefused(await login(email, WRONG, address));
    }
    expect(emails.length * 4).toBe(LOGIN_THROTTLE.perAddress);
    const fresh = await account(tenantC.id);
    clock.set(at(t0, 5 * MINUTE));
    expectThrottled(await login(fresh.email, PASSWORD, address), 600);
    // The same address written as IPv6 is the same client; another address is not held back.
    expectThrottled(await login(fresh.email, PASSWORD, '::ffff:203.0.113.50'), 600);
    const elsewhere = await login(fresh.email, PASSWORD, '203.0.113.51');
    expect(elsewhere.statusCode, elsewhere.body).toBe(200);

    clock.set(at(t0, 15 * MINUTE));
    const after = await login(fresh.email, PASSWORD, address);
    expect(after.statusCode, after.body).toBe(200);

    for (const tenant of [tenantA, tenantB]) {
      const throttles = async () =>
        (await authAudit(tenant.id))
          .filter((r) => r.action === 'auth.throttled')
          .map((r) => ({ actor: r.actor, details: r.details }));
      await expect.poll(throttles).toEqual([
        {
          actor: `address:${address}`,
          details: {
            scope: 'address',
            address,
            failures: 100,
            windowMinutes: 15,
            until: at(t0, 15 * MINUTE),
          },
        },
      ]);
    }
    const ofC = await authAudit(tenantC.id);
    expect(ofC.map((r) => r.action)).toEqual(['auth.login', 'auth.login']);
  });

  it('groups an IPv6 client by its /64 network', async () => {
    clock.set('2026-02-06T10:00:00Z');
    const email = `v6-${randomUUID().slice(0, 8)}@example.test`;
    for (let i = 0; i < 10; i++) expectRefused(await login(email, WRONG, `2001:db8:1:2::${i + 1}`));
    expectThrottled(await login(email, WRONG, '2001:db8:1:2:ffff::1'), 900);
  });
});

describe('the failures table', () => {
  it('is out of the application role’s reach but through the login functions', async () => {
    await expect(env.t.db.query('select count(*) from login_failures')).rejects.toThrow(/permission denied/);
    await expect(
      env.t.db.query(
        `insert into login_failures (email, address, failed_at) values ('a@b.c', '1.2.3.4', now())`,
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('prunes failures that left the window as it writes, a batch at a time', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const cutoff = new Date(now.getTime() - LOGIN_THROTTLE.windowSeconds * 1000);
    await env.t.asOwner((o) =>
      o.query(
        `insert into login_failures (email, address, failed_at)
         select 'old-' || i || '@example.test', '192.0.2.1', $1::timestamptz - i * interval '1 minute'
           from generate_series(1, 250) i`,
        [cutoff],
      ),
    );
    const old = async () => {
      const [row] = await env.t.asOwner((o) =>
        o.query<{ n: number }>('select count(*)::int as n from login_failures where failed_at <= $1', [
          cutoff,
        ]),
      );
      return Number(row?.n);
    };
    const before = await old();
    expect(before).toBeGreaterThanOrEqual(250);
    clock.set(now.toISOString());
    expectRefused(await login(`prune-${randomUUID().slice(0, 8)}@example.test`, WRONG, '192.0.2.200'));
    expect(await old()).toBe(before - 200);
    expectRefused(await login(`prune-${randomUUID().slice(0, 8)}@example.test`, WRONG, '192.0.2.200'));
    expect(await old()).toBe(Math.max(0, before - 400));
  });
});
