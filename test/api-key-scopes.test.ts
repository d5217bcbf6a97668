import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { migrate } from '../src/server/db/migrate.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../src/shared/api-key-scopes.js';
import { openBareDatabase } from './helpers/db.js';
import {
  interviewEvents,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
  uniqueSlug,
} from './helpers/factories.js';

/**
 * Scoped API keys: a key does what its scopes say and nothing more; purchases stay
 * within the tenant's limit per purchase.
 */

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

/** Every route an API key may call, with the one scope it needs. Any other route refuses keys. */
const KEY_ROUTES: Record<string, ApiKeyScope> = {
  'POST /api/v1/events': 'events:write',
  'GET /api/v1/credits/balance': 'usage:read',
  'GET /api/v1/credits/ledger': 'usage:read',
  'POST /api/v1/credits/purchases': 'credits:purchase',
  'GET /api/v1/credits/statements': 'usage:read',
  'GET /api/v1/credits/statements/{periodStart}': 'usage:read',
  'GET /api/v1/credits/purchases': 'usage:read',
  'GET /api/v1/credits/purchases/{purchaseId}/receipt': 'usage:read',
  'GET /api/v1/credits/auto-top-up': 'usage:read',
  'PUT /api/v1/openings/{openingId}/status': 'openings:write',
  'GET /api/v1/consumption/summary': 'usage:read',
  'GET /api/v1/consumption/openings': 'usage:read',
  'GET /api/v1/consumption/breakdown': 'usage:read',
  'GET /api/v1/consumption/attributes': 'usage:read',
  'GET /api/v1/consumption/timeseries': 'usage:read',
  'GET /api/v1/consumption/year-over-year': 'usage:read',
  'GET /api/v1/openings/{openingId}/interviews': 'usage:read',
  'POST /api/v1/console-links': 'console:link',
};
/** Routes anyone may call. */
/** The operations anyone may call (their OpenAPI security is empty); every other needs a credential. */
const PUBLIC_ROUTES = [
  'POST /api/v1/auth/login',
  'GET /api/v1/health',
  'GET /api/v1/ready',
  'GET /api/docs/json',
  'GET /api/v1/auth/session',
  'POST /api/v1/notifications/unsubscribe',
  'POST /api/v1/auth/sso/discover',
  'GET /api/v1/auth/sso/start',
  'GET /api/v1/auth/sso/callback',
  'GET /api/v1/console-links/open',
];

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    db: env.t.db,
    now: clock.now,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, lastLine: out[out.length - 1] ?? '', stderr: err.join('\n') };
}

async function cliTenant(...extra: string[]): Promise<{ slug: string; id: string }> {
  const slug = uniqueSlug('scopes');
  const res = await cli('tenant', 'create', '--slug', slug, '--name', `Tenant ${slug}`, ...extra);
  expect(res.code, res.stderr).toBe(0);
  return { slug, id: res.lastLine };
}

/** `apikey create` for the tenant; returns the key (the last line). */
async function cliKey(slug: string, ...extra: string[]): Promise<string> {
  const res = await cli('apikey', 'create', '--tenant', slug, ...extra);
  expect(res.code, res.stderr).toBe(0);
  expect(res.lastLine).toMatch(/^ml_/);
  return res.lastLine;
}

type Principal = { key: string } | { cookie: string; csrf: string };

function request(
  who: Principal,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const auth =
    'key' in who ? { authorization: `Bearer ${who.key}` } : { cookie: who.cookie, 'x-csrf-token': who.csrf };
  return env.app.inject({ method, url, headers: { ...auth, ...headers }, ...(payload ? { payload } : {}) });
}

const buy = (who: Principal, credits: number) =>
  request(
    who,
    'POST',
    '/api/v1/credits/purchases',
    { credits },
    { 'idempotency-key': `buy-${randomUUID()}` },
  );

/** Everything a purchase writes, to prove a refused one wrote nothing. */
async function footprint(tenantId: string) {
  const [row] = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<Record<string, number>>(
      `select (select count(*) from purchases)::int as purchases,
              (select count(*) from credit_lots)::int as lots,
              (select count(*) from ledger_entries)::int as entries,
              (select count(*) from audit_log where action = 'credits.purchased')::int as audits,
              (select balance_milli from credit_accounts)::int as balance`,
    ),
  );
  return row;
}

const expectInsufficientScope = (res: LightMyRequestResponse, scope: ApiKeyScope) => {
  expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({
    status: 403,
    code: 'insufficient_scope',
  });
  expect(res.json().error.message).toContain(scope);
};

describe('a key made by `apikey create` without --scope (the interview engine)', () => {
  it('sends events, and gets 403 insufficient_scope on purchases, the ledger, the balance and consumption', async () => {
    const { slug, id } = await cliTenant();
    const created = await cli('apikey', 'create', '--tenant', slug);
    expect(created.out[0]).toContain('with scopes events:write;');
    const engine = { key: created.lastLine };

    const events = interviewEvents({ outcome: 'completed' });
    const sent = await postEvents(env.app, engine.key, events);
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ accepted: events.length, rejected: [] });

    const before = await footprint(id);
    expectInsufficientScope(await buy(engine, 10), 'credits:purchase');
    expectInsufficientScope(await request(engine, 'GET', '/api/v1/credits/ledger'), 'usage:read');
    expectInsufficientScope(await request(engine, 'GET', '/api/v1/credits/balance'), 'usage:read');
    expectInsufficientScope(await request(engine, 'GET', '/api/v1/consumption/summary'), 'usage:read');
    expectInsufficientScope(
      await request(engine, 'PUT', '/api/v1/openings/op-1/status', { status: 'closed' }),
      'openings:write',
    );
    expect(await footprint(id)).toEqual(before);

    // An Account Admin's session still buys.
    const admin = await signIn(env.app, env.t.db, id, 'account_admin');
    const bought = await buy(admin, 10);
    expect(bought.statusCode, bought.body).toBe(201);
    expect(bought.json()).toMatchObject({ credits: 10, balance: 509 });
    expect(await verifyTenant(env.t.db, id)).toEqual([]);
  });
});

describe('keys with scopes', () => {
  it('a credits:purchase key buys, and reads nothing', async () => {
    const { slug, id } = await cliTenant();
    const buyer = { key: await cliKey(slug, '--name', 'Billing', '--scope', 'credits:purchase') };
    const res = await buy(buyer, 12.5);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ credits: 12.5, balance: 512.5 });
    const [entry] = await env.t.db.withTenant(id, (tx) =>
      tx.query<{ actor: string }>("select actor from ledger_entries where kind = 'purchase'"),
    );
    expect(entry?.actor).toMatch(/^api_key:[0-9a-f-]{36}$/);
    expectInsufficientScope(await request(buyer, 'GET', '/api/v1/credits/ledger'), 'usage:read');
    expectInsufficientScope(await postEvents(env.app, buyer.key, interviewEvents()), 'events:write');
  });

  it('a usage:read key reads the balance, the ledger and consumption, and cannot ingest or buy', async () => {
    const { slug, id } = await cliTenant();
    const engine = await cliKey(slug);
    expect((await postEvents(env.app, engine, interviewEvents({ openingId: 'op-r' }))).statusCode).toBe(200);
    const reader = { key: await cliKey(slug, '--name', 'Reports', '--scope', 'usage:read') };
    const admin = await signIn(env.app, env.t.db, id, 'account_admin');

    for (const url of [
      '/api/v1/credits/balance',
      '/api/v1/credits/ledger',
      '/api/v1/consumption/summary',
      '/api/v1/consumption/openings',
      '/api/v1/consumption/breakdown?by=department',
      '/api/v1/consumption/breakdown?by=recruiter&department=Nursing&tag.team=a',
      '/api/v1/consumption/attributes',
      '/api/v1/consumption/timeseries',
      '/api/v1/consumption/year-over-year',
      '/api/v1/openings/op-r/interviews',
    ]) {
      const byKey = await request(reader, 'GET', url);
      expect({ url, status: byKey.statusCode }).toEqual({ url, status: 200 });
      // The same answer the console gets.
      expect(byKey.json()).toEqual((await request(admin, 'GET', url)).json());
    }
    expect((await request(reader, 'GET', '/api/v1/credits/balance')).json().balance).toBe(499);

    const before = await footprint(id);
    expectInsufficientScope(await postEvents(env.app, reader.key, interviewEvents()), 'events:write');
    expectInsufficientScope(await buy(reader, 1), 'credits:purchase');
    expect(await footprint(id)).toEqual(before);
  });

  it('an openings:write key sets opening status; scopes given repeated and comma-separated add up', async () => {
    const { slug } = await cliTenant();
    const engine = await cliKey(slug);
    expect((await postEvents(env.app, engine, interviewEvents({ openingId: 'op-w' }))).statusCode).toBe(200);
    const platform = {
      key: await cliKey(slug, '--scope', 'openings:write,usage:read', '--scope', 'openings:write'),
    };
    const closed = await request(platform, 'PUT', '/api/v1/openings/op-w/status', { status: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');
    expect((await request(platform, 'GET', '/api/v1/consumption/openings')).statusCode).toBe(200);
    expectInsufficientScope(await buy(platform, 1), 'credits:purchase');
    const listed = await cli('apikey', 'list', '--tenant', slug);
    const line = listed.out.find((l) => l.includes(platform.key.slice(0, 10)));
    expect(line).toContain('usage:read,openings:write');
  });

  it('answers every route by its scope: a key without it gets 403 insufficient_scope, session-only routes 401', async () => {
    const { slug } = await cliTenant();
    const keys = Object.fromEntries(
      await Promise.all(API_KEY_SCOPES.map(async (s) => [s, await cliKey(slug, '--scope', s)] as const)),
    ) as Record<ApiKeyScope, string>;
    const doc = env.app.swagger() as {
      paths: Record<string, Record<string, { description?: string; security?: unknown }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, op })),
    );
    expect(routes.length).toBeGreaterThan(20);
    const documented = routes.map((r) => r.route);
    for (const route of Object.keys(KEY_ROUTES)) expect(documented).toContain(route);

    for (const { route, path, op } of routes) {
      if (PUBLIC_ROUTES.includes(route)) {
        expect(op.security, route).toEqual([]);
        continue;
      }
      const [method] = route.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'];
      const url = path.replace(/\{openingId\}/g, 'op-none').replace(/\{\w+\}/g, randomUUID());
      const needed = KEY_ROUTES[route];
      if (needed) {
        expect(op.description, route).toContain(`\`${needed}\``);
        expect(JSON.stringify(op.security), route).toContain('apiKey');
      }
      for (const scope of API_KEY_SCOPES) {
        const res = await env.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${keys[scope]}` },
        });
        const got = { route, scope, status: res.statusCode, code: res.json().error?.code };
        if (!needed) {
          expect(got).toEqual({ route, scope, status: 401, code: 'unauthorized' });
        } else if (scope !== needed) {
          expect(got).toEqual({ route, scope, status: 403, code: 'insufficient_scope' });
        } else {
          expect([401, 403], JSON.stringify(got)).not.toContain(res.statusCode);
        }
      }
    }
  });

  it('refuses a revoked key with 401, whatever its scopes', async () => {
    const { slug } = await cliTenant();
    const key = await cliKey(slug, '--scope', 'usage:read');
    expect((await request({ key }, 'GET', '/api/v1/credits/balance')).statusCode).toBe(200);
    const listed = await cli('apikey', 'list', '--tenant', slug);
    const id = listed.out.find((l) => l.includes(key.slice(0, 10)))?.split(/\s+/)[0] ?? '';
    const revoked = await cli('apikey', 'revoke', '--tenant', slug, '--id', id);
    expect(revoked.code, revoked.stderr).toBe(0);
    const res = await request({ key }, 'GET', '/api/v1/credits/balance');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_api_key');
  });
});

describe('the purchase limit', () => {
  it('refuses more than the tenant limit (default 100,000) with 400 purchase_limit_exceeded, changing nothing', async () => {
    const { id } = await cliTenant();
    const admin = await signIn(env.app, env.t.db, id, 'account_admin');
    const balance = await request(admin, 'GET', '/api/v1/credits/balance');
    expect(balance.json().plan.purchaseLimit).toBe(100_000);
    const before = await footprint(id);
    for (const credits of [100_000.001, 500_000, 1_000_000]) {
      const res = await buy(admin, credits);
      expect({ credits, status: res.statusCode, code: res.json().error?.code }).toEqual({
        credits,
        status: 400,
        code: 'purchase_limit_exceeded',
      });
      expect(res.json().error.message).toContain('100,000 credits');
    }
    expect(await footprint(id)).toEqual(before);
    const ledger = await request(admin, 'GET', '/api/v1/credits/ledger');
    expect(ledger.json().entries.map((e: { kind: string }) => e.kind)).toEqual(['grant']);
    const atLimit = await buy(admin, 100_000);
    expect(atLimit.statusCode, atLimit.body).toBe(201);
    expect(await verifyTenant(env.t.db, id)).toEqual([]);
  });

  it('takes the limit set by `tenant create --purchase-limit`, for keys and sessions alike', async () => {
    const { slug, id } = await cliTenant('--purchase-limit', '50');
    const buyer = { key: await cliKey(slug, '--scope', 'credits:purchase,usage:read') };
    expect((await request(buyer, 'GET', '/api/v1/credits/balance')).json().plan.purchaseLimit).toBe(50);
    const before = await footprint(id);
    const over = await buy(buyer, 50.001);
    expect(over.statusCode).toBe(400);
    expect(over.json().error).toMatchObject({
      code: 'purchase_limit_exceeded',
      message: expect.stringContaining('50'),
    });
    expect(await footprint(id)).toEqual(before);
    expect((await buy(buyer, 50)).statusCode).toBe(201);
  });

  it('refuses a purchase limit of zero or above 1,000,000 credits at `tenant create`', async () => {
    for (const limit of ['0', '1000000.001', 'lots']) {
      const slug = uniqueSlug('scopes');
      const res = await cli('tenant', 'create', '--slug', slug, '--name', 'X', '--purchase-limit', limit);
      expect({ limit, code: res.code }).toEqual({ limit, code: 2 });
      expect(res.stderr).toMatch(/purchase limit|purchase-limit/);
    }
  });
});

describe('key creation through the API', () => {
  it('takes scopes, lists them with lastUsedAt, and refuses unknown or no scopes', async () => {
    const { id } = await cliTenant();
    const admin = await signIn(env.app, env.t.db, id, 'account_admin');
    const made = await request(admin, 'POST', '/api/v1/api-keys', {
      name: 'Finance',
      scopes: ['credits:purchase', 'usage:read', 'usage:read'],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().apiKey.scopes).toEqual(['usage:read', 'credits:purchase']);
    const plain = await request(admin, 'POST', '/api/v1/api-keys', { name: 'Engine' });
    expect(plain.json().apiKey.scopes).toEqual(['events:write']);

    clock.set('2026-01-15T12:05:00Z');
    expect((await request({ key: made.json().apiKey.key }, 'GET', '/api/v1/credits/ledger')).statusCode).toBe(
      200,
    );
    clock.set('2026-01-15T12:00:00Z');
    const list = await request(admin, 'GET', '/api/v1/api-keys');
    const byName = Object.fromEntries(
      list.json().apiKeys.map((k: { name: string }) => [k.name, k] as const),
    ) as Record<string, { scopes: string[]; lastUsedAt: string | null }>;
    expect(byName.Finance).toMatchObject({
      scopes: ['usage:read', 'credits:purchase'],
      lastUsedAt: '2026-01-15T12:05:00.000Z',
    });
    expect(byName.Engine).toMatchObject({ scopes: ['events:write'], lastUsedAt: null });

    const count = async () =>
      (await env.t.db.withTenant(id, (tx) => tx.query('select 1 from api_keys'))).length;
    const keysBefore = await count();
    for (const scopes of [['credits:buy'], [], ['usage:read', 'all'], 'usage:read']) {
      const res = await request(admin, 'POST', '/api/v1/api-keys', { name: 'Bad', scopes });
      expect({ scopes, status: res.statusCode }).toEqual({ scopes, status: 400 });
    }
    expect(await count()).toBe(keysBefore);
  });
});

describe('apikey commands', () => {
  it('refuses an unknown scope by name, and a revoke of a key that is not there', async () => {
    const { slug, id } = await cliTenant();
    const bad = await cli('apikey', 'create', '--tenant', slug, '--scope', 'usage:read,credits:buy');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown scope 'credits:buy'");
    expect(bad.stderr).toContain(API_KEY_SCOPES.join(', '));
    const empty = await cli('apikey', 'create', '--tenant', slug, '--scope', ',');
    expect(empty.code).toBe(2);
    const keys = await env.t.db.withTenant(id, (tx) => tx.query('select 1 from api_keys'));
    expect(keys).toEqual([]);

    const missing = await cli('apikey', 'revoke', '--tenant', slug, '--id', randomUUID());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not found');
    const malformed = await cli('apikey', 'revoke', '--tenant', slug, '--id', 'key-1');
    expect(malformed.code).toBe(2);
  });
});

describe('migration 008', () => {
  it('leaves the keys made before it with events:write alone, and gives existing plans the default limit', async () => {
    const bare = await openBareDatabase();
    try {
      await migrate(bare.db, { through: 7 });
      const tenantId = randomUUID();
      await bare.db.transaction(async (tx) => {
        await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        await tx.query(
          `insert into tenants (id, slug, name, time_zone, billing_anchor) values ($1, $2, 'Old', 'UTC', '2026-01-01')`,
          [tenantId, uniqueSlug('old')],
        );
        await tx.query(
          `insert into plans (tenant_id, name, period_unit, allotment_milli, rollover_mode, partial_rule,
                              overage_mode, credit_price_cents)
           values ($1, 'Old plan', 'month', 500000, 'none', '{}', 'block', 400)`,
          [tenantId],
        );
        await tx.query(
          `insert into api_keys (tenant_id, name, prefix, key_hash) values ($1, 'old engine', 'ml_old', 'hash-1')`,
          [tenantId],
        );
      });
      expect(await migrate(bare.db)).toContain(8);
      const [key] = await bare.db.query<{ scopes: string[] }>(
        'select scopes from api_keys where tenant_id = $1',
        [tenantId],
      );
      expect(key?.scopes).toEqual(['events:write']);
      const [plan] = await bare.db.query<{ limit: number }>(
        'select purchase_limit_milli as limit from plans where tenant_id = $1',
        [tenantId],
      );
      expect(Number(plan?.limit)).toBe(100_000_000);
      const [lookup] = await bare.db.query<{ scopes: string[]; revoked: boolean }>(
        `select scopes, revoked from auth_api_key_lookup('hash-1')`,
      );
      expect(lookup).toEqual({ scopes: ['events:write'], revoked: false });
    } finally {
      await bare.close();
    }
  });
});
