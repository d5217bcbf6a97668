import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createApiKey, listApiKeys } from '../src/server/auth/api-keys.js';
import { createSession, SESSION_COOKIE } from '../src/server/auth/sessions.js';
import { listUsers } from '../src/server/auth/users.js';
import { API_KEY_SCOPES } from '../src/shared/api-key-scopes.js';
import {
  interviewEvents,
  makeTenant,
  PASSWORD,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
} from './helpers/factories.js';
import type { Known, ValueOptions } from './helpers/fuzz/arbitraries.js';
import { type Operation, operationName, operationsOf } from './helpers/fuzz/openapi.js';
import { type FuzzRequest, requestArbitrary } from './helpers/fuzz/requests.js';
import { type DatabaseState, type StateReader, stateReader } from './helpers/fuzz/snapshot.js';

/**
 * Every operation of the served OpenAPI document, fuzzed from its own schemas (issue 9): requests
 * built by fast-check from the parameters and body each operation documents, valid-shaped values
 * with hostile ones mixed in (helpers/fuzz/hostile.ts), each sent as an Account Admin session, as
 * a key with every scope and anonymously. For every answer: no 5xx, the error shape on every
 * refusal, the server still answering, and a refused request changing no row of any tenant.
 * A failure prints fast-check's seed and path; FUZZ_SEED=<seed> replays the run.
 */

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
// Lifted, so that what is fuzzed is the routes and not the rate limit's 429.
const NO_LIMIT = 1_000_000_000;
const env = testAppForFile(clock, {
  METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: NO_LIMIT,
  METERLINE_RATE_LIMIT_API_KEY_PER_MINUTE: NO_LIMIT,
  METERLINE_RATE_LIMIT_ANONYMOUS_PER_MINUTE: NO_LIMIT,
});

const seed =
  process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);
console.log(`[fuzz] seed ${seed} (replay: FUZZ_SEED=${seed})`);
/** Generated requests per operation; each is sent three times, once per principal. */
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 30);

/**
 * The operations fuzzed: the document's, every one (checked below), so a new route fails here
 * until it is listed, and is then fuzzed from its own schemas.
 */
const OPERATIONS = [
  'GET /api/v1/health',
  'GET /api/v1/ready',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/session',
  'GET /api/v1/me',
  'POST /api/v1/auth/sso/discover',
  'GET /api/v1/auth/sso/start',
  'GET /api/v1/auth/sso/callback',
  'GET /api/v1/sso',
  'PUT /api/v1/sso',
  'DELETE /api/v1/sso',
  'POST /api/v1/console-links',
  'GET /api/v1/console-links/open',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'PATCH /api/v1/users/{userId}',
  'GET /api/v1/api-keys',
  'POST /api/v1/api-keys',
  'DELETE /api/v1/api-keys/{keyId}',
  'POST /api/v1/events',
  'GET /api/v1/alerts',
  'GET /api/v1/alerts/settings',
  'PUT /api/v1/alerts/settings',
  'POST /api/v1/alerts/webhook/secret',
  'POST /api/v1/alerts/webhook/test',
  'GET /api/v1/alerts/webhook/deliveries',
  'GET /api/v1/budgets',
  'POST /api/v1/budgets',
  'PUT /api/v1/budgets/{budgetId}',
  'DELETE /api/v1/budgets/{budgetId}',
  'GET /api/v1/budgets/{budgetId}/usage',
  'GET /api/v1/notifications/recipients',
  'PUT /api/v1/notifications/recipients',
  'POST /api/v1/notifications/unsubscribe',
  'PUT /api/v1/openings/{openingId}/status',
  'GET /api/v1/credits/balance',
  'GET /api/v1/credits/ledger',
  'POST /api/v1/credits/purchases',
  'POST /api/v1/credits/reversals',
  'GET /api/v1/credits/statements',
  'GET /api/v1/credits/statements/{periodStart}',
  'GET /api/v1/credits/purchases',
  'GET /api/v1/credits/auto-top-up',
  'PUT /api/v1/credits/auto-top-up',
  'GET /api/v1/credits/purchases/{purchaseId}/receipt',
  'GET /api/v1/consumption/summary',
  'GET /api/v1/consumption/openings',
  'GET /api/v1/consumption/breakdown',
  'GET /api/v1/consumption/attributes',
  'GET /api/v1/consumption/timeseries',
  'GET /api/v1/consumption/year-over-year',
  'GET /api/v1/openings/{openingId}/interviews',
  'GET /api/v1/consumption/export',
  'GET /api/v1/consumption/forecast',
  'GET /api/v1/consumption/plan',
  'GET /api/v1/audit',
];

interface Principal {
  name: string;
  headers: Record<string, string>;
}

/** Callers without a valid credential, some with a made-up or malformed one. */
const anonymousArbitrary = fc.constantFrom<Principal>(
  { name: 'anonymous', headers: {} },
  { name: 'anonymous with a made-up key', headers: { authorization: 'Bearer ml_madeup' } },
  { name: 'anonymous with a malformed authorization', headers: { authorization: 'Basic Og==' } },
  {
    name: 'anonymous with a made-up session',
    headers: { cookie: 'meterline_session=madeup', 'x-csrf-token': 'madeup' },
  },
);

let operations: Map<string, Operation>;
let tenantId: string;
let admin: Principal;
let fullKey: Principal;
let state: StateReader;
/** The database as it stood after the last request that changed it. */
let current: DatabaseState;
let valueOptions: ValueOptions;
const known: Known = { password: [PASSWORD], email: [], userId: [], keyId: [] };

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => {
  rejections.push(reason);
};

/** Answers per operation (successes by status class, refusals by code), printed at the end. */
const reached = new Map<string, Map<string, number>>();

let adminUserId: string;

async function signInAdmin(): Promise<Principal> {
  const session = await signIn(env.app, env.t.db, tenantId, 'account_admin');
  known.email?.push(session.email);
  const user = (await listUsers(env.t.db, tenantId)).find((u) => u.email === session.email);
  adminUserId = String(user?.id);
  return { name: 'account admin', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } };
}

/**
 * A new session for the admin (signed out by a fuzzed logout, say), opened directly rather than by
 * a login's slow password hash; a new admin when this one was demoted or deactivated.
 */
async function renewAdmin(): Promise<Principal> {
  const user = (await listUsers(env.t.db, tenantId)).find((u) => u.id === adminUserId);
  if (!user?.active || user.role !== 'account_admin') return signInAdmin();
  const session = await createSession(env.t.db, tenantId, adminUserId, { now: clock.now(), hours: 12 });
  return {
    name: 'account admin',
    headers: { cookie: `${SESSION_COOKIE}=${session.token}`, 'x-csrf-token': session.csrfToken },
  };
}

async function makeFullKey(): Promise<Principal> {
  const { key, id } = await createApiKey(env.t.db, tenantId, { name: 'fuzz', scopes: [...API_KEY_SCOPES] });
  known.keyId?.push(id);
  return { name: 'key with every scope', headers: { authorization: `Bearer ${key}` } };
}

/** The state once the database has stopped changing (writes made after an answer have landed). */
async function settled(from: DatabaseState): Promise<DatabaseState> {
  let last = await state.since(from);
  for (let look = 0; look < 100; look++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const next = await state.since(last);
    if (isDeepStrictEqual(next.rows, last.rows)) return next;
    last = next;
  }
  throw new Error('The database kept changing after the last answer.');
}

/** A successful request may have signed the admin out, demoted them or revoked the key: renew them. */
async function keepPrincipals(): Promise<void> {
  const me = await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: admin.headers });
  if (me.statusCode !== 200 || me.json().user.role !== 'account_admin') admin = await renewAdmin();
  const balance = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: fullKey.headers,
  });
  if (balance.statusCode !== 200) fullKey = await makeFullKey();
}

let addresses = 0;
/** Each request from its own client address, so that login throttling per address never trips. */
const nextAddress = () => {
  addresses += 1;
  return `198.18.${(addresses >> 8) & 255}.${addresses & 255}`;
};

const cut = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

function errorCodeOf(res: LightMyRequestResponse): string {
  try {
    return String(res.json().error?.code);
  } catch {
    return 'not JSON';
  }
}

/** Whether the request was refused: an error status, or an events batch of which nothing was accepted. */
function refused(op: Operation, res: LightMyRequestResponse): boolean {
  if (res.statusCode >= 400) return true;
  return op.path === '/api/v1/events' && res.json().accepted === 0;
}

async function sendAndCheck(op: Operation, request: FuzzRequest, principal: Principal): Promise<void> {
  const res = await env.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...request.headers, ...principal.headers },
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
    remoteAddress: nextAddress(),
  });
  const what = `${principal.name}: ${request.method} ${cut(request.url, 200)} → ${res.statusCode} ${cut(res.body)}`;
  const counts = reached.get(operationName(op)) ?? new Map<string, number>();
  const status =
    res.statusCode < 400 ? `${Math.floor(res.statusCode / 100)}xx` : `${res.statusCode} ${errorCodeOf(res)}`;
  counts.set(status, (counts.get(status) ?? 0) + 1);
  reached.set(operationName(op), counts);

  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type'], what).toMatch(/^application\/json/);
    const body = res.json();
    expect(body, what).toEqual({
      error: expect.objectContaining({
        code: expect.stringMatching(/^[a-z_]+$/),
        message: expect.any(String),
      }),
    });
  }
  const health = await env.app.inject({ method: 'GET', url: '/api/v1/health' });
  expect(health.statusCode, `the server stopped answering after ${what}`).toBe(200);
  if (refused(op, res)) {
    const before = current;
    // Kept whatever the outcome, so that one finding does not fail every request after it.
    current = await state.since(before);
    expect(current.rows, `a refused request changed rows: ${what}`).toEqual(before.rows);
  } else {
    if (request.method !== 'GET') await keepPrincipals();
    // A successful request may write after its answer (an export's audit row).
    current = await settled(current);
  }
  expect(rejections, `an unhandled rejection after ${what}`).toEqual([]);
}

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  const doc = await env.app.inject({ method: 'GET', url: '/api/docs/json' });
  operations = new Map(
    operationsOf(doc.json())
      .filter((op) => !op.path.startsWith('/api/docs'))
      .map((op) => [operationName(op), op]),
  );

  // A zone whose clocks skipped midnight for years (days that start at 01:00) and an anchor on the
  // 31st (periods clamped to shorter months): the calendar's hard cases, for every date generated.
  const tenant = await makeTenant(env.t.db, clock, {
    scopes: [...API_KEY_SCOPES],
    timeZone: 'America/Sao_Paulo',
    anchor: '2025-01-31',
  });
  tenantId = tenant.id;
  admin = await signInAdmin();
  fullKey = { name: 'key with every scope', headers: { authorization: `Bearer ${tenant.apiKey}` } };
  for (const role of ['recruiter', 'viewer'] as const) {
    known.email?.push((await signIn(env.app, env.t.db, tenantId, role)).email);
  }
  // Usage to read, reverse and export: three openings over the current and earlier periods.
  const events = ['2025-10-20T09:00:00Z', '2025-12-03T15:00:00Z', '2026-01-08T10:00:00Z'].flatMap((at, i) =>
    (['completed', 'partial', 'expired', 'started', 'invited', 'simulation'] as const).flatMap((outcome) =>
      interviewEvents({ openingId: `op-fuzz-${i}`, jobTitle: `Role ${i}`, at, outcome }),
    ),
  );
  const ingested = await postEvents(env.app, tenant.apiKey, events);
  expect(ingested.json().rejected).toEqual([]);
  for (const field of ['id', 'interviewId', 'openingId', 'candidateId', 'jobTitle']) {
    known[field] = [...new Set(events.map((e) => String(e[field])))];
  }
  // Drawer cursors (issue 15): real ones, and the same with their place forged (hostile ids and
  // instants), so that generated requests reach the keyset read and not only the cursor's checks.
  known.cursor = [];
  for (const query of ['pageSize=1', 'from=2025-10-01&to=2026-01-15&pageSize=1']) {
    for (const openingId of known.openingId ?? []) {
      const { nextCursor } = (
        await env.app.inject({
          method: 'GET',
          url: `/api/v1/openings/${openingId}/interviews?${query}`,
          headers: fullKey.headers,
        })
      ).json();
      if (typeof nextCursor !== 'string') continue;
      const [head] = /^(?:[^.]*\.){4}/.exec(Buffer.from(nextCursor, 'base64url').toString('utf8')) ?? [];
      known.cursor.push(
        nextCursor,
        ...["-1.x'; --", '0.%', '8640000000000000.\u00ff\u{1f600}', `1.${'x'.repeat(200)}`, '1.\u0000'].map(
          (place) => Buffer.from(`${head}${place}`).toString('base64url'),
        ),
      );
    }
  }
  expect(known.cursor.length).toBeGreaterThan(0);
  known.userId = (await listUsers(env.t.db, tenantId)).map((u) => u.id);
  known.keyId = (await listApiKeys(env.t.db, tenantId)).map((k) => k.id);
  valueOptions = { known, now: clock.now(), heavy: true };
  state = await stateReader(env.t);
  current = await settled(await state.read());
});

beforeEach(async () => {
  // A webhook to rotate the secret of and test (an earlier operation may have removed it).
  const webhook = await env.app.inject({
    method: 'PUT',
    url: '/api/v1/alerts/settings',
    headers: admin.headers,
    payload: { thresholds: [25, 10, 0], webhookUrl: 'https://example.com/hooks/meterline' },
  });
  expect(webhook.statusCode).toBe(200);
  current = await settled(current);
});

afterEach(() => {
  expect(rejections, 'unhandled rejections').toEqual([]);
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  const lines = [...reached].map(
    ([name, counts]) =>
      `  ${name}: ${[...counts]
        .sort()
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
  );
  console.log(`[fuzz] answers by operation (seed ${seed}):\n${lines.join('\n')}`);
});

it('fuzzes every operation of the served document (but /api/docs itself)', () => {
  expect([...operations.keys()].sort()).toEqual([...OPERATIONS].sort());
});

it.each(OPERATIONS)(
  '%s: no 5xx, the error shape, still serving, and refusals change nothing',
  async (name) => {
    const op = operations.get(name);
    if (!op) throw new Error(`${name} is not in the document`);
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op, valueOptions), anonymousArbitrary, async (request, anonymous) => {
        for (const principal of [admin, fullKey, anonymous]) await sendAndCheck(op, request, principal);
      }),
      { seed, numRuns: RUNS_PER_OPERATION },
    );
  },
  Math.max(60_000, RUNS_PER_OPERATION * 2_000),
);
