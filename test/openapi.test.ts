import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addUser } from '../src/server/auth/users.js';
import { saveRecipients } from '../src/server/notifications/recipients.js';
import { API_KEY_SCOPES } from '../src/shared/api-key-scopes.js';
import { ENDPOINTS, type Endpoint } from '../src/shared/contract/index.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import {
  interviewEvents,
  makeTenant,
  PASSWORD,
  signIn,
  TestClock,
  type TestTenant,
  testApp,
} from './helpers/factories.js';

let t: TestDatabase;
let app: FastifyInstance;
let tenant: TestTenant;
let admin: { cookie: string; csrf: string };
const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));

beforeAll(async () => {
  t = await openTestDatabase();
  app = await testApp(t.db, clock);
  tenant = await makeTenant(t.db, clock, { scopes: [...API_KEY_SCOPES] });
  admin = await signIn(app, t.db, tenant.id, 'account_admin');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
}

async function servedDocument(): Promise<Document> {
  const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** 'GET /api/v1/openings/:openingId/interviews' for each operation of the document. */
const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      op,
    })),
  );

const routeOf = (e: Endpoint) => `${e.method} ${e.path}`;

/**
 * Fastify's own list of the routes registered, read from `printRoutes`: a tree whose lines are
 * `├── <segment> (<METHODS>)`, each segment continuing its parent's path.
 */
function registeredRoutes(): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const segment = m[2] ?? '';
    const path =
      depth === 0 && !segment.startsWith('/') ? `/${segment}` : `${parents[depth - 1] ?? ''}${segment}`;
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) routes.push(`${method} ${path}`);
  }
  return routes;
}

/**
 * Routes of the server that are not operations of the API: the documentation page and its files
 * (the document itself, /api/docs/json, is an operation), the console's files and robots.txt.
 * Fastify answers HEAD for every GET route; the document lists the GET.
 */
const NOT_OPERATIONS = [
  /^GET \/api\/docs(\/|\/static\/.*|\/\*|\/yaml)?$/,
  /^GET \/(\*)?$/,
  /^GET \/robots\.txt$/,
];

describe('the OpenAPI document', () => {
  it('documents every route the server registered, and each is an operation of the contract', async () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(30);
    const gets = new Set(registered.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)));
    for (const head of registered.filter((r) => r.startsWith('HEAD '))) expect(gets).toContain(head.slice(5));
    const operations = registered
      .filter((r) => !r.startsWith('HEAD ') && !NOT_OPERATIONS.some((p) => p.test(r)))
      .sort();
    const documented = operationsOf(await servedDocument())
      .map((o) => o.route)
      .sort();
    expect(documented).toEqual(operations);
    expect(ENDPOINTS.map(routeOf).sort()).toEqual(documented);
  });

  it('names each operation once, says who may call it, and lists servers', async () => {
    const doc = await servedDocument();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.servers?.length).toBeGreaterThan(0);
    const operations = operationsOf(doc);
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { route, op } of operations) {
      expect(op.summary, route).toBeTruthy();
      expect(op.security, route).toBeDefined();
      // Asking for credentials means refusing a request without them (login answers 401 for bad ones too).
      if ((op.security ?? []).length > 0) expect(Object.keys(op.responses), route).toContain('401');
    }
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });

  it('answers 401 without credentials exactly where it declares security', async () => {
    const doc = await servedDocument();
    for (const { route, op } of operationsOf(doc)) {
      const [method, path] = route.split(' ') as [InjectOptions['method'], string];
      const res = await app.inject({ method, url: path.replace(/:\w+/g, randomUUID()) });
      expect({ route, status: res.statusCode === 401 }).toEqual({
        route,
        status: (op.security ?? []).length > 0,
      });
    }
  });

  it("passes Redocly's recommended lint with no errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterline-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(await servedDocument()));
      // In a folder of its own, so no configuration of the repository can turn a rule off.
      const { stdout } = await promisify(execFile)(
        join(process.cwd(), 'node_modules/.bin/redocly'),
        ['lint', file, '--extends=recommended', '--format=json'],
        {
          cwd: dir,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; severity: string; message: string }[];
      };
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
      // The warnings left: the document names no licence (the project publishes none), and the
      // three sign-in steps a browser follows answer 303 See Other, never 2xx.
      expect(report.problems.map((p) => p.ruleId).sort()).toEqual([
        'info-license',
        ...Array.from({ length: 3 }, () => 'operation-2xx-response'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('real answers', () => {
  const session = () => ({ cookie: admin.cookie, 'x-csrf-token': admin.csrf });
  const key = () => ({ authorization: `Bearer ${tenant.apiKey}` });
  const walker = `walker-${randomUUID().slice(0, 8)}@example.test`;
  const added = `added-${randomUUID().slice(0, 8)}@example.test`;
  const range = '?from=2026-01-01&to=2026-01-31';
  const ids: {
    userId?: string;
    keyId?: string;
    budgetId?: string;
    unsubscribeToken?: string;
    purchaseId?: string;
    periodStart?: string;
    consoleLink?: string;
  } = {};

  /** A request that succeeds for each operation, in an order that gives each what it needs. */
  const EXAMPLES: [operationId: string, request: () => InjectOptions][] = [
    ['getHealth', () => ({ method: 'GET', url: '/api/v1/health' })],
    ['getReadiness', () => ({ method: 'GET', url: '/api/v1/ready' })],
    ['getOpenApiDocument', () => ({ method: 'GET', url: '/api/docs/json' })],
    [
      'login',
      () => ({ method: 'POST', url: '/api/v1/auth/login', payload: { email: walker, password: PASSWORD } }),
    ],
    ['getSession', () => ({ method: 'GET', url: '/api/v1/me', headers: session() })],
    ['getSessionState', () => ({ method: 'GET', url: '/api/v1/auth/session', headers: session() })],
    [
      'ingestEvents',
      () => ({
        method: 'POST',
        url: '/api/v1/events',
        headers: key(),
        payload: {
          events: [
            ...interviewEvents({ interviewId: 'iv-walk', openingId: 'op-walk', outcome: 'completed' }).map(
              (e) => ({
                ...e,
                recruiterId: 'rec-walk',
                recruiterName: 'Walker',
                department: 'Eng',
                tags: { team: 'a' },
              }),
            ),
            ...interviewEvents({ openingId: 'op-walk', outcome: 'partial', completion: 0.6 }),
            ...interviewEvents({ openingId: 'op-walk', outcome: 'invited' }),
            ...interviewEvents({ openingId: 'op-walk', outcome: 'simulation' }),
          ],
        },
      }),
    ],
    [
      'setOpeningStatus',
      () => ({
        method: 'PUT',
        url: '/api/v1/openings/op-walk/status',
        headers: key(),
        payload: { status: 'open' },
      }),
    ],
    [
      'getConsumptionSummary',
      () => ({ method: 'GET', url: `/api/v1/consumption/summary${range}`, headers: key() }),
    ],
    [
      'listOpeningUsage',
      () => ({ method: 'GET', url: `/api/v1/consumption/openings${range}`, headers: key() }),
    ],
    [
      'getUsageBreakdown',
      () => ({ method: 'GET', url: `/api/v1/consumption/breakdown${range}&by=recruiter`, headers: key() }),
    ],
    ['listUsageAttributes', () => ({ method: 'GET', url: '/api/v1/consumption/attributes', headers: key() })],
    [
      'getUsageTimeseries',
      () => ({
        method: 'GET',
        url: `/api/v1/consumption/timeseries${range}&granularity=week`,
        headers: key(),
      }),
    ],
    ['getYearOverYear', () => ({ method: 'GET', url: '/api/v1/consumption/year-over-year', headers: key() })],
    [
      'listOpeningInterviews',
      () => ({ method: 'GET', url: `/api/v1/openings/op-walk/interviews${range}`, headers: key() }),
    ],
    ['exportUsage', () => ({ method: 'GET', url: `/api/v1/consumption/export${range}`, headers: session() })],
    ['getForecast', () => ({ method: 'GET', url: '/api/v1/consumption/forecast', headers: session() })],
    ['getHiringPlan', () => ({ method: 'GET', url: '/api/v1/consumption/plan?roles=2', headers: session() })],
    ['getBalance', () => ({ method: 'GET', url: '/api/v1/credits/balance', headers: key() })],
    ['listLedgerEntries', () => ({ method: 'GET', url: '/api/v1/credits/ledger?limit=5', headers: key() })],
    [
      'purchaseCredits',
      () => ({
        method: 'POST',
        url: '/api/v1/credits/purchases',
        headers: { ...key(), 'idempotency-key': randomUUID() },
        payload: { credits: 12.5 },
      }),
    ],
    ['listPurchases', () => ({ method: 'GET', url: '/api/v1/credits/purchases', headers: key() })],
    [
      'downloadReceipt',
      () => ({
        method: 'GET',
        url: `/api/v1/credits/purchases/${ids.purchaseId}/receipt`,
        headers: session(),
      }),
    ],
    ['listStatements', () => ({ method: 'GET', url: '/api/v1/credits/statements', headers: key() })],
    [
      'downloadStatement',
      () => ({ method: 'GET', url: `/api/v1/credits/statements/${ids.periodStart}`, headers: session() }),
    ],
    [
      'reverseCharge',
      () => ({
        method: 'POST',
        url: '/api/v1/credits/reversals',
        headers: session(),
        payload: { interviewId: 'iv-walk', reason: 'The recording failed' },
      }),
    ],
    ['getAlerts', () => ({ method: 'GET', url: '/api/v1/alerts', headers: session() })],
    ['getAlertSettings', () => ({ method: 'GET', url: '/api/v1/alerts/settings', headers: session() })],
    [
      'saveAlertSettings',
      () => ({
        method: 'PUT',
        url: '/api/v1/alerts/settings',
        headers: session(),
        payload: { thresholds: [25, 10, 0], webhookUrl: 'https://hooks.example.test/meterline' },
      }),
    ],
    [
      'rotateWebhookSecret',
      () => ({ method: 'POST', url: '/api/v1/alerts/webhook/secret', headers: session() }),
    ],
    ['sendTestWebhook', () => ({ method: 'POST', url: '/api/v1/alerts/webhook/test', headers: session() })],
    [
      'listWebhookDeliveries',
      () => ({ method: 'GET', url: '/api/v1/alerts/webhook/deliveries', headers: session() }),
    ],
    [
      'unsubscribe',
      () => ({
        method: 'POST',
        url: '/api/v1/notifications/unsubscribe',
        payload: { token: ids.unsubscribeToken ?? '' },
      }),
    ],
    ['getAutoTopUp', () => ({ method: 'GET', url: '/api/v1/credits/auto-top-up', headers: session() })],
    [
      'setAutoTopUp',
      () => ({
        method: 'PUT',
        url: '/api/v1/credits/auto-top-up',
        headers: session(),
        payload: { enabled: true, belowCredits: 100, buyCredits: 50, monthlyCapCredits: 200 },
      }),
    ],
    [
      'getNotificationRecipients',
      () => ({ method: 'GET', url: '/api/v1/notifications/recipients', headers: session() }),
    ],
    [
      'setNotificationRecipients',
      () => ({
        method: 'PUT',
        url: '/api/v1/notifications/recipients',
        headers: session(),
        payload: {
          recipients: [{ email: 'books@walk.example', alerts: true, weeklyDigest: true, statements: false }],
        },
      }),
    ],
    [
      'createBudget',
      () => ({
        method: 'POST',
        url: '/api/v1/budgets',
        headers: session(),
        payload: {
          scope: { kind: 'opening', value: 'op-walk' },
          credits: 5,
          window: 'month',
          onExhausted: 'block',
        },
      }),
    ],
    ['listBudgets', () => ({ method: 'GET', url: '/api/v1/budgets', headers: session() })],
    [
      'updateBudget',
      () => ({
        method: 'PUT',
        url: `/api/v1/budgets/${ids.budgetId}`,
        headers: session(),
        payload: {
          ...{
            scope: { kind: 'opening', value: 'op-walk' },
            credits: 5,
            window: 'month',
            onExhausted: 'block',
          },
          credits: 6,
          thresholds: [50],
        },
      }),
    ],
    [
      'getBudgetUsage',
      () => ({ method: 'GET', url: `/api/v1/budgets/${ids.budgetId}/usage`, headers: session() }),
    ],
    [
      'deleteBudget',
      () => ({ method: 'DELETE', url: `/api/v1/budgets/${ids.budgetId}`, headers: session() }),
    ],
    ['listUsers', () => ({ method: 'GET', url: '/api/v1/users', headers: session() })],
    [
      'addUser',
      () => ({
        method: 'POST',
        url: '/api/v1/users',
        headers: session(),
        payload: { email: added, name: 'Added', role: 'recruiter', password: PASSWORD },
      }),
    ],
    [
      'updateUser',
      () => ({
        method: 'PATCH',
        url: `/api/v1/users/${ids.userId}`,
        headers: session(),
        payload: { role: 'viewer' },
      }),
    ],
    ['listApiKeys', () => ({ method: 'GET', url: '/api/v1/api-keys', headers: session() })],
    [
      'createApiKey',
      () => ({ method: 'POST', url: '/api/v1/api-keys', headers: session(), payload: { name: 'Walk' } }),
    ],
    ['revokeApiKey', () => ({ method: 'DELETE', url: `/api/v1/api-keys/${ids.keyId}`, headers: session() })],
    [
      'setSsoSettings',
      () => ({
        method: 'PUT',
        url: '/api/v1/sso',
        headers: session(),
        payload: {
          issuer: 'https://login.walk.example',
          clientId: 'meterline',
          clientSecret: 'provider secret',
          roleClaim: 'groups',
          roleMapping: [{ value: 'meterline-admins', role: 'account_admin' }],
          emailDomains: ['walk.example'],
          passwordLogin: true,
        },
      }),
    ],
    ['getSsoSettings', () => ({ method: 'GET', url: '/api/v1/sso', headers: session() })],
    [
      'discoverSignIn',
      () => ({ method: 'POST', url: '/api/v1/auth/sso/discover', payload: { email: 'ann@walk.example' } }),
    ],
    // A domain without a provider: back to the sign-in page, which says so.
    ['startSso', () => ({ method: 'GET', url: '/api/v1/auth/sso/start?email=ann%40nowhere.example' })],
    ['ssoCallback', () => ({ method: 'GET', url: '/api/v1/auth/sso/callback?code=c&state=s' })],
    ['deleteSsoSettings', () => ({ method: 'DELETE', url: '/api/v1/sso', headers: session() })],
    [
      'createConsoleLink',
      () => ({
        method: 'POST',
        url: '/api/v1/console-links',
        headers: key(),
        payload: {
          user: { externalId: 'host-ann', email: 'ann@host.example', name: 'Ann', role: 'account_admin' },
        },
      }),
    ],
    ['openConsoleLink', () => ({ method: 'GET', url: ids.consoleLink ?? '' })],
    [
      'listAuditEntries',
      () => ({ method: 'GET', url: '/api/v1/audit?limit=2&action=user.added', headers: session() }),
    ],
    ['logout', () => ({ method: 'POST', url: '/api/v1/auth/logout', headers: session() })],
  ];

  it('has a succeeding request for every operation', () => {
    expect(EXAMPLES.map(([id]) => id).sort()).toEqual(ENDPOINTS.map((e) => e.operationId).sort());
  });

  it('answers every operation with a documented success, its body as the contract says', async () => {
    await addUser(t.db, tenant.id, { email: walker, name: 'Walker', role: 'viewer', password: PASSWORD });
    const token = await t.db.withTenant(tenant.id, async (tx) => {
      const walkRecipient = {
        email: 'walk@finance.example',
        alerts: true,
        weeklyDigest: false,
        statements: false,
      };
      await saveRecipients(tx, tenant.id, [walkRecipient], new Date());
      return tx.query<{ token: string }>('select unsubscribe_token as token from notification_recipients');
    });
    ids.unsubscribeToken = token[0]?.token;
    const byId = new Map(ENDPOINTS.map((e) => [e.operationId, e]));
    for (const [operationId, request] of EXAMPLES) {
      const e = byId.get(operationId) as Endpoint;
      const res = await app.inject(request());
      const answer = e.responses[res.statusCode];
      expect(answer, `${operationId} answered ${res.statusCode}: ${res.body.slice(0, 300)}`).toBeDefined();
      if (answer instanceof z.ZodType) {
        const body = res.statusCode === 204 ? undefined : res.json();
        const parsed = answer.safeParse(body);
        expect(parsed.error?.issues ?? [], operationId).toEqual([]);
        if (operationId === 'addUser') ids.userId = body.user.id;
        if (operationId === 'createApiKey') ids.keyId = body.apiKey.id;
        if (operationId === 'createBudget') ids.budgetId = body.budgetId;
        if (operationId === 'purchaseCredits') ids.purchaseId = body.purchaseId;
        if (operationId === 'listStatements') ids.periodStart = body.items[0].periodStart;
        if (operationId === 'createConsoleLink') {
          const url = new URL(body.url);
          ids.consoleLink = url.pathname + url.search;
        }
      } else {
        const type = res.headers['content-type'];
        expect(Object.keys(answer?.content ?? {}), operationId).toContain(type);
        expect(res.body.length, operationId).toBeGreaterThan(0);
      }
    }
  });
});

it('answers unknown routes with the error shape', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
  expect(res.statusCode).toBe(404);
  expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/v1/nothing-here' } });
});
