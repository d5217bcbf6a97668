import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/server/metrics/metrics.js';
import { serveMetrics } from '../src/server/metrics/serve.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
} from './helpers/factories.js';

/**
 * Prometheus metrics (METERLINE_METRICS_PORT): what the routes count, read back over HTTP from
 * the metrics port, as a scraper would.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
const env = testAppForFile(clock);

let server: Server;
let base: string;
beforeAll(async () => {
  env.app.deps.metrics = await createMetrics(() => env.app.deps);
  server = await serveMetrics(env.app.deps.metrics, { port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
});

/** One sample's value from the scrape, by its name and labels as written (`{a="1",b="2"}`), or undefined. */
async function sample(name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('metrics', () => {
  it('are served as Prometheus text at /metrics, and nothing else is', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await sample('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('count ingested events by outcome', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const events = interviewEvents({ at: '2026-09-20T10:00:00Z' });
    const first = await postEvents(env.app, tenant.apiKey, events);
    expect(first.statusCode).toBe(200);
    const accepted = first.json().accepted as number;
    // The same events again (duplicates) and one that is not an event at all (rejected).
    const again = await postEvents(env.app, tenant.apiKey, [...events, { type: 'nonsense' }]);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: events.length });
    expect(await sample('meterline_ingest_events_total', '{outcome="accepted"}')).toBe(accepted);
    expect(await sample('meterline_ingest_events_total', '{outcome="duplicate"}')).toBe(events.length);
    expect(await sample('meterline_ingest_events_total', '{outcome="rejected"}')).toBe(1);
  });

  it('time requests by route pattern and status, and count exports by how they ended', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const { cookie } = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const get = (url: string) => env.app.inject({ method: 'GET', url, headers: { cookie } });
    expect((await get('/api/v1/consumption/summary')).statusCode).toBe(200);
    expect((await get('/api/v1/openings/no-such-opening/interviews')).statusCode).toBe(404);
    expect((await get('/api/v1/consumption/export?format=csv')).statusCode).toBe(200);

    const timed = (route: string, status: number) =>
      sample(
        'meterline_http_request_duration_seconds_count',
        `{method="GET",route="${route}",status="${status}"}`,
      );
    expect(await timed('/api/v1/consumption/summary', 200)).toBe(1);
    // The pattern, not the URL: an opening's id never becomes a label.
    expect(await timed('/api/v1/openings/:openingId/interviews', 404)).toBe(1);
    await expect.poll(() => sample('meterline_exports_total', '{format="csv",status="completed"}')).toBe(1);
    expect(await sample('meterline_exports_running', '{format="csv"}')).toBe(0);
  });

  it("show the primary's connection pool on PostgreSQL; the embedded database has none", async () => {
    const pool = (state: string) =>
      sample('meterline_db_pool_connections', `{database="primary",state="${state}"}`);
    if (env.t.db.kind === 'postgres') {
      expect(await pool('max')).toBe(10);
      expect(await pool('total')).toBeGreaterThanOrEqual(1);
      expect(await pool('waiting')).toBe(0);
      // No replica here: no series of one.
      expect(
        await sample('meterline_db_pool_connections', '{database="replica",state="max"}'),
      ).toBeUndefined();
    } else {
      expect(await pool('total')).toBeUndefined();
    }
  });

  it('say where the console reads: here, without a replica, the primary', async () => {
    expect(await sample('meterline_replica_state', '{state="none"}')).toBe(1);
    expect(await sample('meterline_replica_state', '{state="in_use"}')).toBe(0);
    expect(await sample('meterline_replica_lag_seconds')).toBeUndefined();
  });
});
