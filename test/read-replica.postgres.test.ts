import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReads } from '../src/server/db/connect.js';
import type { Database } from '../src/server/db/database.js';
import { openPostgres } from '../src/server/db/postgres.js';
import type { ReplicaRouting } from '../src/server/db/replica.js';
import { createMetrics } from '../src/server/metrics/metrics.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
} from './helpers/factories.js';

/**
 * The read replica (docs/product.md, Read replica) against a real streaming replica of the test
 * server: .ci/run builds one on port 5433 and names it in TEST_READ_DATABASE_URL. CI fails without
 * it; elsewhere the file is skipped, and says why.
 */
const readServer = process.env.TEST_READ_DATABASE_URL;
if (!readServer) {
  if (process.env.CI) {
    throw new Error(
      'TEST_READ_DATABASE_URL is not set: CI runs the read-replica tests (.ci/run builds the replica)',
    );
  }
  console.warn(
    '\n[meterline] TEST_READ_DATABASE_URL is not set: the read-replica tests are skipped.\n' +
      '            .ci/run builds a replica on port 5433 and sets it.\n',
  );
}

const clock = new TestClock(new Date('2026-01-15T12:00:00.000Z'));
const env = testAppForFile(clock);

/** The log lines of one routing, as `level: message`. */
function captureLog() {
  const lines: string[] = [];
  return {
    lines,
    info: (_: object, msg: string) => void lines.push(`info: ${msg}`),
    warn: (_: object, msg: string) => void lines.push(`warn: ${msg}`),
  };
}

async function until(what: string, fn: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP proxy to `target` that can be cut, as a server stopping would: its connections end, new ones are refused. */
async function cuttableProxy(target: URL): Promise<{ url: string; cut(): void }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    cut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe.skipIf(!readServer)('read replica', () => {
  let replicaUrl: string;
  /** The replica as a superuser: to pause and resume its replay. */
  let replicaAdmin: Database;
  const open: ReplicaRouting[] = [];

  /** A routing of the app's reads to the replica at `url` (the test database's by default). */
  async function routing(maxLagSeconds: number, url = replicaUrl) {
    for (const earlier of open.splice(0)) await earlier.close();
    const log = captureLog();
    const reads = (await openReads(
      { METERLINE_READ_DATABASE_URL: url, METERLINE_MAX_REPLICA_LAG_SECONDS: maxLagSeconds },
      env.t.db,
      log,
    )) as ReplicaRouting;
    open.push(reads);
    env.app.deps.reads = reads;
    return { reads, log };
  }

  /** Waits until the replica has replayed everything committed on the primary so far. */
  async function caughtUp(reads: ReplicaRouting) {
    reads.noteWrite('test');
    await until('the replica to catch up', async () => {
      await reads.poll();
      return reads.pick('test', new Date()).source === 'replica';
    });
  }

  const setPaused = (paused: boolean) =>
    replicaAdmin.query(paused ? 'select pg_wal_replay_pause()' : 'select pg_wal_replay_resume()');

  beforeAll(async () => {
    const url = new URL(readServer as string);
    url.pathname = `/${env.t.name}`;
    replicaUrl = url.toString();
    replicaAdmin = openPostgres({ url: replicaUrl, max: 1, connectionTimeoutMillis: 3_000 });
    // The database was made on the primary just now: it reaches the replica by replication.
    await until('the test database on the replica', () =>
      replicaAdmin.query('select 1').then(
        () => true,
        () => false,
      ),
    );
    await setPaused(false);
  });

  afterAll(async () => {
    await replicaAdmin?.query('select pg_wal_replay_resume()').catch(() => {});
    for (const reads of open) await reads.close();
    await replicaAdmin?.close();
  });

  async function summary(auth: { cookie: string }) {
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/summary',
      headers: { cookie: auth.cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { totalInterviews: number; remainingBalance: number; dataAsOf: string };
  }

  /** The readiness check: the server is ready whatever the replica's state, and says what it is. */
  async function readiness() {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/ready' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { replica: string; replicaLagSeconds: number | null };
  }

  it('reads go to the replica, as the app role, with how fresh they are', async () => {
    const { reads, log } = await routing(30);
    const tenant = await makeTenant(env.t.db, clock, { scopes: ['events:write'] });
    const viewer = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await caughtUp(reads);
    const [conn] = await reads
      .pick(undefined, new Date())
      .db.withTenant(tenant.id, (tx) =>
        tx.query<{ recovery: boolean; role: string }>(
          'select pg_is_in_recovery() as recovery, current_user as role',
        ),
      );
    expect(conn).toEqual({ recovery: true, role: 'meterline_app' });
    const ready = await readiness();
    expect(ready.replica).toBe('in_use');
    expect(ready.replicaLagSeconds).toBeGreaterThanOrEqual(0);
    expect(ready.replicaLagSeconds).toBeLessThanOrEqual(30);
    const scraped = await (await createMetrics(() => ({ db: env.t.db, reads }))).registry.metrics();
    expect(scraped).toContain('meterline_replica_state{state="in_use"} 1');
    const lag = Number(/^meterline_replica_lag_seconds (\S+)$/m.exec(scraped)?.[1]);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(30);
    // The replica's own pool, beside the primary's: it has opened connections for its reads.
    expect(scraped).toMatch(/^meterline_db_pool_connections\{database="replica",state="max"\} 10$/m);
    expect(scraped).toMatch(/^meterline_db_pool_connections\{database="replica",state="total"\} [1-9]/m);
    expect(scraped).toMatch(/^meterline_db_pool_connections\{database="primary",state="max"\} 10$/m);

    const before = { ...reads.served };
    const started = Date.now();
    const s = await summary(viewer);
    expect(reads.served.replica).toBe(before.replica + 1);
    expect(reads.served.primary).toBe(before.primary);
    // Caught up within the lag limit, never ahead of now.
    const asOf = Date.parse(s.dataAsOf);
    expect(asOf).toBeGreaterThan(started - 30_000);
    expect(asOf).toBeLessThanOrEqual(Date.now());
    expect(log.lines).toEqual(['info: read replica in use: the console, export and forecast read from it']);

    // With replay paused, what the primary gets later is not on the replica: the figures are its.
    await setPaused(true);
    try {
      expect(
        (await postEvents(env.app, tenant.apiKey, interviewEvents({ at: '2026-01-14T10:00:00Z' })))
          .statusCode,
      ).toBe(200);
      expect((await summary(viewer)).totalInterviews).toBe(0);
    } finally {
      await setPaused(false);
    }
    await caughtUp(reads);
    expect((await summary(viewer)).totalInterviews).toBe(1);

    // The export and the forecast read there too.
    const counted = reads.served.replica;
    const exported = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/export?format=csv',
      headers: { cookie: viewer.cookie },
    });
    expect(exported.statusCode, exported.body).toBe(200);
    const forecast = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/forecast',
      headers: { cookie: viewer.cookie },
    });
    expect(forecast.statusCode, forecast.body).toBe(200);
    expect(reads.served.replica).toBe(counted + 2);
  });

  it("reads a caller's own purchase back from the primary, while the replica does not have it yet", async () => {
    const { reads } = await routing(60);
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const other = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await caughtUp(reads);
    const old = (await summary(admin)).remainingBalance;
    await setPaused(true);
    try {
      const bought = await env.app.inject({
        method: 'POST',
        url: '/api/v1/credits/purchases',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'idempotency-key': `k-${Date.now()}` },
        payload: { credits: 25 },
      });
      expect(bought.statusCode, bought.body).toBe(201);
      const primaryBefore = reads.served.primary;
      expect((await summary(admin)).remainingBalance).toBe(old + 25);
      expect(reads.served.primary).toBe(primaryBefore + 1);
      // Another session reads the replica, which has not replayed the purchase.
      expect((await summary(other)).remainingBalance).toBe(old);
    } finally {
      await setPaused(false);
    }
    // Once the replica has it, the buyer reads from the replica again.
    await caughtUp(reads);
    const replicaBefore = reads.served.replica;
    expect((await summary(admin)).remainingBalance).toBe(old + 25);
    expect(reads.served.replica).toBe(replicaBefore + 1);
  });

  it('reads go to the primary while the replica lags more than the limit, and the log says so once', async () => {
    // 3 s: well above a poll's own time on a busy machine, so only the paused replay makes it lag.
    const { reads, log } = await routing(3);
    const tenant = await makeTenant(env.t.db, clock);
    const viewer = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await caughtUp(reads);
    await setPaused(true);
    try {
      // Something to replay, which the paused replica does not.
      await makeTenant(env.t.db, clock);
      await until('the replica to be reported lagging', async () => {
        await reads.poll();
        return reads.state === 'lagging';
      });
      const before = reads.served.primary;
      await summary(viewer);
      await summary(viewer);
      expect(reads.served.primary).toBe(before + 2);
      const ready = await readiness();
      expect(ready.replica).toBe('lagging');
      expect(ready.replicaLagSeconds).toBeGreaterThan(3);
    } finally {
      await setPaused(false);
    }
    await until('the replica to be back in use', async () => {
      await reads.poll();
      return reads.state === 'in_use';
    });
    expect(log.lines).toEqual([
      'info: read replica in use: the console, export and forecast read from it',
      'warn: read replica lags too far behind: reads go to the primary',
      'info: read replica in use: the console, export and forecast read from it',
    ]);
  });

  it('the console still answers when the replica is down: reads go to the primary, and the log says so once', async () => {
    const url = new URL(replicaUrl);
    url.port = String(await closedPort());
    const { reads, log } = await routing(10, url.toString());
    const tenant = await makeTenant(env.t.db, clock);
    const viewer = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    for (let i = 0; i < 3; i++) {
      await summary(viewer);
      await reads.poll();
    }
    expect(reads.served).toEqual({ primary: 3, replica: 0 });
    expect(reads.state).toBe('down');
    expect(await readiness()).toMatchObject({ replica: 'down' });
    expect(log.lines).toEqual(['warn: read replica unavailable: reads go to the primary']);
  });

  it('a replica that stops between two checks: the request is answered from the primary, and the log says so', async () => {
    const proxy = await cuttableProxy(new URL(replicaUrl));
    const { reads, log } = await routing(30, proxy.url);
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await caughtUp(reads);
    const before = reads.served.replica;
    await summary(admin);
    expect(reads.served.replica).toBe(before + 1);

    proxy.cut();
    const primaryBefore = reads.served.primary;
    await summary(admin);
    await summary(admin);
    expect(reads.served.primary).toBe(primaryBefore + 2);
    expect(reads.state).toBe('down');
    expect(log.lines).toEqual([
      'info: read replica in use: the console, export and forecast read from it',
      'warn: read replica unavailable: reads go to the primary',
    ]);
  });
});
