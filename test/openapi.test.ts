import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { TestClock, testApp } from './helpers/factories.js';

let t: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  t = await openTestDatabase();
  app = await testApp(t.db, new TestClock(new Date('2026-01-15T12:00:00Z')));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

it('serves an OpenAPI document of every route, and a browsable page', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json();
  expect(doc.openapi).toMatch(/^3\./);
  const paths = Object.keys(doc.paths);
  for (const path of [
    '/api/v1/auth/login',
    '/api/v1/me',
    '/api/v1/events',
    '/api/v1/credits/balance',
    '/api/v1/credits/ledger',
    '/api/v1/credits/purchases',
    '/api/v1/credits/reversals',
    '/api/v1/consumption/summary',
    '/api/v1/consumption/openings',
    '/api/v1/consumption/timeseries',
    '/api/v1/consumption/year-over-year',
    '/api/v1/openings/{openingId}/interviews',
    '/api/v1/audit',
  ]) {
    expect(paths, path).toContain(path);
  }
  expect(doc.paths['/api/v1/events'].post.requestBody).toBeDefined();
  const page = await app.inject({ method: 'GET', url: '/api/docs' });
  expect([200, 302]).toContain(page.statusCode);
});

it('answers unknown routes with the error shape', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
  expect(res.statusCode).toBe(404);
  expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/v1/nothing-here' } });
});
