import { describe, expect, it } from 'vitest';
import type { Database } from '../src/server/db/database.js';
import { openPostgres } from '../src/server/db/postgres.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
} from './helpers/factories.js';

/**
 * The database going away under the app (a restart, a failover, an administrator ending its
 * connections) while requests are in flight: they answer 503 database_unavailable with Retry-After,
 * nothing half-done is committed, the process stays up and the pool reconnects by itself.
 */
const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

/** A second session as the database's owner, on the test's own database. */
async function ownerSession(): Promise<Database> {
  const [row] = await env.t.asOwner((q) => q.query<{ db: string }>('select current_database() as db'));
  const url = new URL(String(process.env.TEST_DATABASE_URL));
  url.pathname = `/${row?.db}`;
  return openPostgres({ url: url.toString(), max: 2 });
}

const APP_BACKENDS = `from pg_stat_activity
  where datname = current_database() and usename = 'meterline_app' and pid <> pg_backend_pid()`;

/** Ends the app's connections once one of them is waiting on a lock (so mid-transaction). */
async function terminateWhenWaiting(owner: Database): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const [waiting] = await owner.query<{ n: number }>(
      `select count(*)::int as n ${APP_BACKENDS} and wait_event_type = 'Lock'`,
    );
    if ((waiting?.n ?? 0) > 0) {
      const ended = await owner.query(`select pg_terminate_backend(pid) ${APP_BACKENDS}`);
      return ended.length;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the request never waited on the lock');
}

async function storedEvents(tenantId: string): Promise<number> {
  const [row] = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<{ n: number }>('select count(*)::int as n from interview_events'),
  );
  return row?.n ?? -1;
}

describe('database faults', () => {
  it('answers 503 database_unavailable when its connection ends mid-ingest, commits nothing, then recovers', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const owner = await ownerSession();
    try {
      const events = [
        ...interviewEvents({ outcome: 'completed' }),
        ...interviewEvents({ outcome: 'completed' }),
      ];
      const res = await owner.transaction(async (tx) => {
        // Holding the tenant's account lock makes the ingest wait inside its transaction.
        await tx.query('select 1 from credit_accounts where tenant_id = $1 for update', [tenant.id]);
        const pending = postEvents(env.app, tenant.apiKey, events);
        expect(await terminateWhenWaiting(owner)).toBeGreaterThan(0);
        return pending;
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('database_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(await storedEvents(tenant.id)).toBe(0);

      const retried = await postEvents(env.app, tenant.apiKey, events);
      expect(retried.json()).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
      expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    } finally {
      await owner.close();
    }
  });

  it('answers 503 to a console read whose connection ends, and serves the next one', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await postEvents(env.app, tenant.apiKey, interviewEvents({ outcome: 'completed' }));
    const owner = await ownerSession();
    const read = () =>
      env.app.inject({
        method: 'GET',
        url: '/api/v1/consumption/summary?from=2026-01-01&to=2026-01-31',
        headers: { cookie: admin.cookie },
      });
    try {
      const res = await owner.transaction(async (tx) => {
        // The summary reads the daily rollup: an exclusive lock on it makes the read wait.
        await tx.query('lock table tenant_daily_usage in access exclusive mode');
        const pending = read();
        await terminateWhenWaiting(owner);
        return pending;
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('database_unavailable');
      const again = await read();
      expect(again.statusCode).toBe(200);
      expect(again.json().creditsUsed).toBe(1);
    } finally {
      await owner.close();
    }
  });

  it('keeps exact books while its connections are ended again and again under a retrying client', async () => {
    const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 100_000_000 } });
    const batches = Array.from({ length: 25 }, () =>
      Array.from({ length: 10 }, () => interviewEvents({ outcome: 'completed' })).flat(),
    );
    const owner = await ownerSession();
    let streaming = true;
    let terminations = 0;
    const killer = (async () => {
      while (streaming) {
        terminations += (await owner.query(`select pg_terminate_backend(pid) ${APP_BACKENDS}`)).length;
        await new Promise((r) => setTimeout(r, 40 + Math.random() * 120));
      }
    })();
    const statuses = new Map<number, number>();
    try {
      for (const batch of batches) {
        for (let attempt = 0; ; attempt++) {
          const res = await postEvents(env.app, tenant.apiKey, batch);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode === 200) {
            expect(res.json().rejected).toEqual([]);
            break;
          }
          expect(res.statusCode).toBe(503);
          expect(attempt).toBeLessThan(50);
        }
      }
    } finally {
      streaming = false;
      await killer;
      await owner.close();
    }
    expect(terminations).toBeGreaterThan(0);
    expect([...statuses.keys()].sort()).toEqual(statuses.has(503) ? [200, 503] : [200]);
    const total = batches.flat().length;
    expect(await storedEvents(tenant.id)).toBe(total);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    const [spent] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>(
        `select -sum(amount_milli)::bigint as n from ledger_entries where kind = 'consumption'`,
      ),
    );
    expect(spent?.n).toBe(batches.length * 10 * 1000);
  });
});
