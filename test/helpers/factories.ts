import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type AppDeps, buildApp } from '../../src/server/app.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { addUser } from '../../src/server/auth/users.js';
import type { Database } from '../../src/server/db/database.js';
import { createTenant, DEFAULT_PLAN, type PlanInput } from '../../src/server/tenants/create.js';
import type { ApiKeyScope } from '../../src/shared/api-key-scopes.js';
import type { Role } from '../../src/shared/contract/users.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { holdToDocument } from './documented-answers.js';

export const PASSWORD = 'correct horse battery';

/** A clock tests can move: the app and every domain call read the same one. */
export class TestClock {
  constructor(public current: Date) {}
  now = () => new Date(this.current);
  set(iso: string) {
    this.current = new Date(iso);
  }
}

/** The app on a test database and clock, held to its OpenAPI document (closing it fails on a misfit). */
export async function testApp(
  db: Database,
  clock: TestClock,
  config: Partial<AppDeps['config']> = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    db,
    config: { LOG_LEVEL: 'silent', METERLINE_SESSION_HOURS: 12, ...config },
    now: clock.now,
  });
  holdToDocument(app);
  return app;
}

let counter = 0;
export const uniqueSlug = (prefix = 't') =>
  `${prefix}-${process.pid}-${++counter}-${randomUUID().slice(0, 6)}`;

export interface TestTenant {
  id: string;
  slug: string;
  apiKey: string;
}

/**
 * A tenant with its plan and one API key, `apiKey`. The key has the scopes given, else only
 * events:write (the interview engine's default): a test that reads, buys or sets opening status
 * with it says so. `admin`, when given, is an account admin who signs in with PASSWORD.
 */
export async function makeTenant(
  db: Database,
  clock: TestClock,
  opts: {
    plan?: Partial<PlanInput>;
    timeZone?: string;
    anchor?: string;
    scopes?: ApiKeyScope[];
    admin?: { email: string; name: string };
  } = {},
): Promise<TestTenant> {
  const slug = uniqueSlug();
  const { id } = await createTenant(
    db,
    {
      slug,
      name: `Tenant ${slug}`,
      timeZone: opts.timeZone ?? 'UTC',
      billingAnchor: opts.anchor ?? '2026-01-01',
      plan: { ...DEFAULT_PLAN, ...opts.plan },
    },
    { now: clock.now(), actor: 'test' },
  );
  const { key } = await createApiKey(db, id, {
    name: 'engine',
    ...(opts.scopes ? { scopes: opts.scopes } : {}),
  });
  if (opts.admin) await addUser(db, id, { ...opts.admin, role: 'account_admin', password: PASSWORD });
  return { id, slug, apiKey: key };
}

/** Adds a user and signs in; returns what a browser would hold. */
export async function signIn(
  app: FastifyInstance,
  db: Database,
  tenantId: string,
  role: Role,
): Promise<{ cookie: string; csrf: string; email: string }> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  await addUser(db, tenantId, { email, name: role, role, password: PASSWORD });
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return { cookie: String(raw).split(';')[0] ?? '', csrf: res.json().csrfToken, email };
}

let eventCounter = 0;

/** Events for one interview's life, in order. */
export function interviewEvents(
  o: {
    interviewId?: string;
    openingId?: string;
    jobTitle?: string;
    candidateId?: string;
    at?: string;
    outcome?: 'invited' | 'started' | 'completed' | 'partial' | 'expired' | 'cancelled' | 'simulation';
    completion?: number;
    /** How long after the invitation an 'expired' interview expires (a week unless told). */
    expiresAfterHours?: number;
  } = {},
): Record<string, unknown>[] {
  const interviewId = o.interviewId ?? `iv-${randomUUID()}`;
  const base = {
    interviewId,
    openingId: o.openingId ?? 'op-1',
    jobTitle: o.jobTitle ?? 'Backend Engineer',
    candidateId: o.candidateId ?? `cand-${interviewId}`,
  };
  const t0 = Date.parse(o.at ?? '2026-01-10T10:00:00Z');
  const ev = (type: string, minutes: number, extra: Record<string, unknown> = {}) => ({
    id: `ev-${++eventCounter}-${randomUUID().slice(0, 8)}`,
    type,
    ...base,
    occurredAt: new Date(t0 + minutes * 60_000).toISOString(),
    ...extra,
  });
  const outcome = o.outcome ?? 'completed';
  if (outcome === 'simulation') return [ev('simulation.run', 0)];
  const events = [ev('interview.invited', 0)];
  if (outcome === 'expired')
    return [...events, ev('interview.expired', 60 * (o.expiresAfterHours ?? 24 * 7))];
  if (outcome === 'cancelled') return [...events, ev('interview.cancelled', 60)];
  if (outcome === 'invited') return events;
  events.push(ev('interview.started', 120));
  if (outcome === 'started') return events;
  if (outcome === 'partial') {
    events.push(ev('interview.progress', 130, { completion: (o.completion ?? 0.5) / 2 }));
    return [...events, ev('interview.ended', 140, { completion: o.completion ?? 0.5 })];
  }
  return [...events, ev('interview.completed', 150)];
}

export async function postEvents(app: FastifyInstance, apiKey: string, events: unknown[]) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { authorization: `Bearer ${apiKey}` },
    payload: { events },
  });
}

/**
 * A fresh database and app for the test file that calls it: opened before its tests (and before
 * the file's own beforeAll), closed after them. Tests and hooks read `env.t` and `env.app`.
 */
export function testAppForFile(
  clock: TestClock,
  config: Partial<AppDeps['config']> = {},
): { t: TestDatabase; app: FastifyInstance } {
  const env = {} as { t: TestDatabase; app: FastifyInstance };
  beforeAll(async () => {
    env.t = await openTestDatabase();
    env.app = await testApp(env.t.db, clock, config);
  });
  afterAll(async () => {
    await env.app?.close();
    await env.t?.close();
  });
  return env;
}

/**
 * A tenant's usage rollup written directly, for an export far larger than socket and stream buffers
 * hold: `openings` openings ('op-1'…), each with a row on every one of `days` days from 2024-01-01.
 */
export async function fillDailyUsage(
  t: TestDatabase,
  tenantId: string,
  size: { openings: number; days: number },
): Promise<void> {
  await t.asOwner(async (owner) => {
    await owner.query(
      `insert into openings (tenant_id, id, job_title, title_event_at, title_event_id, created_at)
       select $1, 'op-' || g, 'Opening ' || g, now(), '', now() from generate_series(1, $2::int) g`,
      [tenantId, size.openings],
    );
    await owner.query(
      `insert into daily_usage (tenant_id, opening_id, day, invited, completed, credits_milli)
       select $1, 'op-' || o, date '2024-01-01' + d, 3, 2, 2000
         from generate_series(1, $2::int) o, generate_series(0, $3::int - 1) d`,
      [tenantId, size.openings, size.days],
    );
  });
}
