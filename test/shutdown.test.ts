import { type AddressInfo, connect } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdownOnSignal } from '../src/server/shutdown.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { fillDailyUsage, makeTenant, signIn, TestClock, testApp } from './helpers/factories.js';
import { heldDownload } from './helpers/held-download.js';

/**
 * Stopping the server (src/server/shutdown.ts, src/server/http/stopping.ts): a stop forced while a
 * download runs cuts it short, and the close, which waits for running exports, ends only once its
 * audit entry is written, before the exit; a request reaching a stopping server is refused in the
 * API's error shape.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
let t: TestDatabase;
afterAll(async () => t?.close());

let tenantId: string;
beforeAll(async () => {
  t = await openTestDatabase();
  const tenant = await makeTenant(t.db, clock, { timeZone: 'UTC' });
  await fillDailyUsage(t, tenant.id, { openings: 100, days: 1000 });
  tenantId = tenant.id;
});

const audited = () =>
  t.db.withTenant(tenantId, (tx) =>
    tx.query<{ details: { status: string; rows: number } }>(
      `select details from audit_log where action = 'usage.exported' order by id`,
    ),
  );

describe('a forced stop during a download', () => {
  it('cuts it short and exits 1 only once its export is audited aborted', async () => {
    // A stall limit past the test's length: only the forced stop may end this download.
    const app = await testApp(t.db, clock, { METERLINE_EXPORT_STALL_SECONDS: 3_600 });
    const { cookie } = await signIn(app, t.db, tenantId, 'account_admin');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const held = await heldDownload(
      port,
      '/api/v1/consumption/export?from=2024-01-01&to=2026-09-26&format=csv',
      cookie,
    );
    const exits: { code: number; audited: { status: string; rows: number }[] }[] = [];
    let exited = () => {};
    const exit = new Promise<void>((resolve) => (exited = resolve));
    const signal = shutdownOnSignal({
      close: () => app.close(),
      interrupt: () => app.server.closeAllConnections(),
      graceSeconds: 3_600,
      log: pino({ level: 'silent' }),
      // What the audit log holds at the moment of the exit.
      exit: (code) =>
        void audited().then((rows) => {
          exits.push({ code, audited: rows.map((r) => r.details) });
          exited();
        }),
    });
    signal('SIGTERM');
    // The graceful close waits on the download, which its client holds: nothing ends.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(exits).toEqual([]);
    signal('SIGTERM');
    await exit;
    held.close();
    expect(exits).toHaveLength(1);
    expect(exits[0]?.code).toBe(1);
    expect(exits[0]?.audited).toHaveLength(1);
    expect(exits[0]?.audited[0]?.status).toBe('aborted');
    expect(exits[0]?.audited[0]?.rows).toBeLessThan(100_000);
  });
});

describe('a server that has begun to stop', () => {
  it('refuses a request reaching it on a kept-alive connection in the API error shape', async () => {
    const app = await testApp(t.db, clock);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // A sign-in under way (its headers taken, its body not yet sent) keeps the connection open
    // across the start of the close; the next request on it comes once the server has stopped listening.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'not-a-password' });
    socket.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await expect.poll(() => received).toMatch(/^HTTP\/1\.1 100 Continue/);
    const closed = app.close();
    try {
      await expect.poll(() => app.server.listening).toBe(false);
      socket.write(`${body}GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n`);
      await expect.poll(() => received.match(/HTTP\/1\.1 \d{3}/g)?.length ?? 0).toBe(3);
      const last = received.slice(received.lastIndexOf('HTTP/1.1 '));
      expect(last).toMatch(/^HTTP\/1\.1 503 /);
      expect(last).toMatch(/\r\nretry-after: 5\r\n/i);
      expect(last).toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(last.slice(last.indexOf('\r\n\r\n') + 4)).error.code).toBe('server_stopping');
    } finally {
      socket.destroy();
      await closed;
    }
  });
});
