import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillDailyUsage, makeTenant, signIn, TestClock, testAppForFile } from './helpers/factories.js';
import { heldDownload } from './helpers/held-download.js';

/**
 * The cap on exports a server streams at once (src/server/export/slots.ts), through real downloads
 * held open by clients that stop reading: two slots, so one a tenant. PostgreSQL only: on PGlite's
 * one connection a second export waits for the first to end, so two cannot be held at once.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
const env = testAppForFile(clock, { METERLINE_MAX_CONCURRENT_EXPORTS: 2 });
const EXPORT = '/api/v1/consumption/export?from=2024-01-01&to=2026-09-26&format=csv';

interface Account {
  id: string;
  cookie: string;
}

/** A tenant whose export is far more than the socket and stream buffers hold: 100 openings × 1,000 days. */
async function bigTenant(): Promise<Account> {
  const t = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
  await fillDailyUsage(env.t, t.id, { openings: 100, days: 1000 });
  const { cookie } = await signIn(env.app, env.t.db, t.id, 'account_admin');
  return { id: t.id, cookie };
}

const exportsAudited = async (tenantId: string) => {
  const rows = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<{ details: { status: string } }>(
      `select details from audit_log where action = 'usage.exported' order by id`,
    ),
  );
  return rows.map((r) => r.details.status);
};

let a: Account;
let b: Account;
let c: Account;
let port: number;
beforeAll(async () => {
  [a, b] = [await bigTenant(), await bigTenant()];
  const small = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
  c = { id: small.id, cookie: (await signIn(env.app, env.t.db, small.id, 'account_admin')).cookie };
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  port = (env.app.server.address() as AddressInfo).port;
});

describe('exports at once', () => {
  it('refuses a tenant past its share and anyone past the server’s cap, with 429 exports_busy, then serves again once a download ends', async () => {
    const get = (account: Account) =>
      env.app.inject({ method: 'GET', url: EXPORT, headers: { cookie: account.cookie } });

    const first = await heldDownload(port, EXPORT, a.cookie);
    // Tenant A holds its share (one of two slots): its second export is refused, B's is not.
    const again = await get(a);
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('10');
    expect(again.json().error).toMatchObject({
      code: 'exports_busy',
      message: expect.stringMatching(/account/),
    });

    const second = await heldDownload(port, EXPORT, b.cookie);
    // Both slots are taken: C, with no export running, is refused by the server's cap.
    const full = await get(c);
    expect(full.statusCode).toBe(429);
    expect(full.json().error).toMatchObject({
      code: 'exports_busy',
      message: expect.stringMatching(/server/),
    });
    // A refused export was never started, so it is not audited as one.
    expect(await exportsAudited(c.id)).toEqual([]);

    // A's download goes away: its export ends (audited as aborted) and frees its slot for C.
    first.close();
    await expect.poll(() => exportsAudited(a.id), { timeout: 20_000, interval: 100 }).toEqual(['aborted']);
    await expect.poll(async () => (await get(c)).statusCode, { timeout: 5_000, interval: 100 }).toBe(200);
    // Its audit entry is written once the body has gone.
    await expect.poll(() => exportsAudited(c.id), { timeout: 5_000, interval: 100 }).toEqual(['completed']);

    second.close();
    await expect.poll(() => exportsAudited(b.id), { timeout: 20_000, interval: 100 }).toEqual(['aborted']);
    // Every slot is free again: the tenant refused first gets its whole file.
    const after = await get(a);
    expect(after.statusCode).toBe(200);
    expect(after.body.split('\n').length).toBeGreaterThan(100_000);
    // Its slot is freed once its audit entry is written, which follows the body: wait for it, so
    // the next test starts with every slot free.
    await expect
      .poll(() => exportsAudited(a.id), { timeout: 5_000, interval: 50 })
      .toEqual(['aborted', 'completed']);
  });

  it('refuses a bad request for what it is, not for the cap', async () => {
    const first = await heldDownload(port, EXPORT, a.cookie);
    const bad = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/export?from=2026-09-26&to=2024-01-01&format=csv',
      headers: { cookie: a.cookie },
    });
    expect(bad.statusCode).toBe(400);
    first.close();
    await expect
      .poll(() => exportsAudited(a.id), { timeout: 20_000, interval: 100 })
      .toEqual(['aborted', 'completed', 'aborted']);
  });
});
