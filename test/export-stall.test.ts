import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillDailyUsage, makeTenant, signIn, TestClock, testAppForFile } from './helpers/factories.js';
import { heldDownload } from './helpers/held-download.js';

/**
 * A download whose client stops reading without closing is stopped after
 * METERLINE_EXPORT_STALL_SECONDS (src/server/export/stall.ts), so it holds neither a database
 * connection nor, on PGlite, the server's only one.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
const env = testAppForFile(clock, { METERLINE_EXPORT_STALL_SECONDS: 1 });

let big: { id: string; cookie: string };
let other: { cookie: string };
let port: number;
beforeAll(async () => {
  const t = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
  await fillDailyUsage(env.t, t.id, { openings: 100, days: 1000 });
  big = { id: t.id, cookie: (await signIn(env.app, env.t.db, t.id, 'account_admin')).cookie };
  const o = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
  other = await signIn(env.app, env.t.db, o.id, 'account_admin');
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  port = (env.app.server.address() as AddressInfo).port;
});

const audited = async () => {
  const rows = await env.t.db.withTenant(big.id, (tx) =>
    tx.query<{ details: { status: string; rows: number } }>(
      `select details from audit_log where action = 'usage.exported' order by id`,
    ),
  );
  return rows.map((r) => r.details);
};

const connections = () =>
  new Promise<number>((resolve, reject) =>
    env.app.server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
  );

describe('a stalled download', () => {
  it.each(['csv', 'xlsx'])(
    'is stopped and audited as aborted, and the server answers others meanwhile (%s)',
    async (format) => {
      const before = (await audited()).length;
      const held = await heldDownload(
        port,
        `/api/v1/consumption/export?from=2024-01-01&to=2026-09-26&format=${format}`,
        big.cookie,
      );
      // The server stops the export and drops the connection itself. The client, not reading, does
      // not notice (a paused socket reads no FIN), so the server's own count of connections says it.
      await expect
        .poll(async () => (await audited()).length, { timeout: 10_000, interval: 100 })
        .toBe(before + 1);
      const entry = (await audited())[before];
      expect(entry?.status).toBe('aborted');
      expect(entry?.rows).toBeLessThan(100_000);
      await expect.poll(connections, { timeout: 5_000, interval: 100 }).toBe(0);
      held.close();
      const summary = await env.app.inject({
        method: 'GET',
        url: '/api/v1/consumption/summary?from=2026-09-01&to=2026-09-26',
        headers: { cookie: other.cookie },
      });
      expect(summary.statusCode).toBe(200);
    },
  );
});
