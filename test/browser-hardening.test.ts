import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../src/server/auth/users.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { makeTenant, PASSWORD, TestClock, testApp } from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
let t: TestDatabase;
let direct: FastifyInstance;
let proxied: FastifyInstance;
let email: string;

beforeAll(async () => {
  t = await openTestDatabase();
  direct = await testApp(t.db, clock);
  proxied = await testApp(t.db, clock, { METERLINE_TRUST_PROXY: true });
  const tenant = await makeTenant(t.db, clock);
  email = `admin-${tenant.slug}@example.test`;
  await addUser(t.db, tenant.id, { email, name: 'Admin', role: 'account_admin', password: PASSWORD });
});

afterAll(async () => {
  await direct?.close();
  await proxied?.close();
  await t?.close();
});

const login = (app: FastifyInstance) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    payload: { email, password: PASSWORD },
  });

describe('behind a TLS-terminating proxy', () => {
  it('makes the session cookie Secure and sends HSTS when the proxy is trusted and says https', async () => {
    const res = await login(proxied);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    expect(String(res.headers['set-cookie'])).toMatch(/;\s*HttpOnly/i);
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('ignores X-Forwarded-Proto from a client when no proxy is trusted', async () => {
    const res = await login(direct);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
