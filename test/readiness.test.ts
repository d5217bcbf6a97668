import { describe, expect, it } from 'vitest';
import type { Database } from '../src/server/db/database.js';
import { READINESS_TIMEOUT_MS } from '../src/server/http/service-routes.js';
import { TestClock, testApp, testAppForFile } from './helpers/factories.js';

/**
 * The readiness check (`GET /api/v1/ready`): ready while the database answers, 503
 * database_unavailable with Retry-After when it fails or does not answer in time. The replica's
 * states are in test/read-replica.postgres.test.ts.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
const env = testAppForFile(clock);

/** The test database, but its one-statement queries (outside a transaction) fail as `query` says. */
const failing = (query: () => Promise<never>): Database => ({ ...env.t.db, query });

async function readyOf(db: Database) {
  const app = await testApp(db, clock);
  try {
    return await app.inject({ method: 'GET', url: '/api/v1/ready' });
  } finally {
    await app.close();
  }
}

describe('the readiness check', () => {
  it('is ready while the database answers, and says which and that there is no replica', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ready: true,
      database: env.t.db.kind,
      replica: 'none',
      replicaLagSeconds: null,
    });
  });

  it('is not ready when the database refuses: 503 database_unavailable with Retry-After', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const res = await readyOf(failing(() => Promise.reject(refused)));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json()).toEqual({
      error: { code: 'database_unavailable', message: expect.stringMatching(/cannot serve/) },
    });
  });

  it('is not ready when the database does not answer in time', async () => {
    const started = Date.now();
    const res = await readyOf(failing(() => new Promise<never>(() => {})));
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('database_unavailable');
    expect(Date.now() - started).toBeGreaterThanOrEqual(READINESS_TIMEOUT_MS - 50);
  });
});
