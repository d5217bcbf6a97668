import { describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import type { PlanInput } from '../src/server/tenants/create.js';
import type { ApiKeyScope } from '../src/shared/api-key-scopes.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

const START = '2026-01-15T12:00:00.000Z';
const clock = new TestClock(new Date(START));

const env = testAppForFile(clock);

/** The key here sends events, reads the balance and buys credits. */
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read', 'credits:purchase'];

type Auth = { apiKey: string } | { cookie: string; csrf?: string };

function headersFor(auth: Auth | null, key: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (key !== null) headers['idempotency-key'] = key;
  if (auth && 'apiKey' in auth) headers.authorization = `Bearer ${auth.apiKey}`;
  if (auth && 'cookie' in auth) {
    headers.cookie = auth.cookie;
    if (auth.csrf !== undefined) headers['x-csrf-token'] = auth.csrf;
  }
  return headers;
}

function purchase(auth: Auth | null, key: string | null, payload: unknown) {
  return env.app.inject({
    method: 'POST',
    url: '/api/v1/credits/purchases',
    headers: headersFor(auth, key),
    payload: payload as Record<string, unknown>,
  });
}

async function balance(tenant: TestTenant) {
  const res = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** Everything a purchase writes, to prove that a refused or repeated request wrote nothing. */
async function footprint(tenant: TestTenant) {
  return env.t.db.withTenant(tenant.id, async (tx) => {
    const [row] = await tx.query<Record<string, number>>(
      `select (select count(*) from purchases)::int as purchases,
              (select count(*) from credit_lots where kind = 'purchase')::int as lots,
              (select count(*) from ledger_entries)::int as entries,
              (select count(*) from audit_log where action = 'credits.purchased')::int as audits,
              (select balance_milli from credit_accounts)::int as balance`,
    );
    return row;
  });
}

let keySeq = 0;
const newKey = () => `purchase-key-${Date.now()}-${++keySeq}`;

async function tenantWithAdmin(opts: { plan?: Partial<PlanInput>; timeZone?: string } = {}) {
  clock.set(START);
  const tenant = await makeTenant(env.t.db, clock, { ...opts, scopes: SCOPES });
  const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  return { tenant, admin };
}

describe('POST /api/v1/credits/purchases', () => {
  it('buys credits as an admin (session and CSRF header): a receipt, a lot, a ledger entry, an audit row', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const key = newKey();
    const res = await purchase(admin, key, { credits: 25 });
    expect(res.statusCode).toBe(201);
    const receipt = res.json();
    expect(receipt).toEqual({
      purchaseId: expect.any(String),
      credits: 25,
      unitPriceCents: 400,
      totalCents: 10_000,
      currency: 'USD',
      lotId: expect.any(String),
      expiresAt: '2027-01-15T12:00:00.000Z',
      balance: 525,
      createdAt: START,
    });
    expect((await balance(tenant)).balance).toBe(525);

    const [lot] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ kind: string; amount_milli: number; remaining_milli: number; expires_at: Date }>(
        'select kind, amount_milli, remaining_milli, expires_at from credit_lots where id = $1',
        [receipt.lotId],
      ),
    );
    expect(lot?.kind).toBe('purchase');
    expect(Number(lot?.amount_milli)).toBe(25_000);
    expect(Number(lot?.remaining_milli)).toBe(25_000);
    expect(new Date(lot?.expires_at as Date).toISOString()).toBe('2027-01-15T12:00:00.000Z');

    const entries = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ kind: string; amount_milli: number; actor: string; reference: string }>(
        "select kind, amount_milli, actor, reference from ledger_entries where kind = 'purchase'",
      ),
    );
    expect(entries.map((e) => [e.kind, Number(e.amount_milli), e.actor, e.reference])).toEqual([
      ['purchase', 25_000, `user:${admin.email}`, key],
    ]);

    const audit = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ actor: string; at: Date; details: Record<string, unknown> }>(
        "select actor, at, details from audit_log where action = 'credits.purchased'",
      ),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe(`user:${admin.email}`);
    expect(new Date(audit[0]?.at as Date).toISOString()).toBe(START);
    expect(audit[0]?.details).toEqual({
      purchaseId: receipt.purchaseId,
      credits: 25,
      totalCents: 10_000,
      currency: 'USD',
    });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('answers the same key and body with the identical receipt (200) and buys nothing more', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const key = newKey();
    const first = await purchase(admin, key, { credits: 10 });
    expect(first.statusCode).toBe(201);
    const after = await footprint(tenant);
    // Later (within the session's life), and by a machine with the tenant's API key: still the first receipt.
    clock.set('2026-01-15T18:30:00Z');
    for (const auth of [admin, { apiKey: tenant.apiKey }]) {
      const again = await purchase(auth, key, { credits: 10 });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
    }
    expect(await footprint(tenant)).toEqual(after);
    expect(after).toMatchObject({ purchases: 1, lots: 1, audits: 1, balance: 510_000 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('refuses the same key with another body (409 idempotency_key_reused), changing nothing', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const key = newKey();
    expect((await purchase(admin, key, { credits: 10 })).statusCode).toBe(201);
    const after = await footprint(tenant);
    for (const credits of [11, 10.5, 0.001]) {
      const res = await purchase(admin, key, { credits });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('idempotency_key_reused');
    }
    expect(await footprint(tenant)).toEqual(after);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('keeps keys per tenant: another tenant may use the same key for its own purchase', async () => {
    const a = await tenantWithAdmin();
    const b = await tenantWithAdmin();
    const key = newKey();
    const ra = await purchase(a.admin, key, { credits: 3 });
    const rb = await purchase(b.admin, key, { credits: 4 });
    expect([ra.statusCode, rb.statusCode]).toEqual([201, 201]);
    expect(rb.json().purchaseId).not.toBe(ra.json().purchaseId);
    expect((await balance(a.tenant)).balance).toBe(503);
    expect((await balance(b.tenant)).balance).toBe(504);
    expect(await verifyTenant(env.t.db, a.tenant.id)).toEqual([]);
    expect(await verifyTenant(env.t.db, b.tenant.id)).toEqual([]);
  });

  it('buys once when the same request arrives twice at the same moment', async () => {
    const { tenant } = await tenantWithAdmin();
    const key = newKey();
    const auth = { apiKey: tenant.apiKey };
    const results = await Promise.all([
      purchase(auth, key, { credits: 7 }),
      purchase(auth, key, { credits: 7 }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(results[0]?.json()).toEqual(results[1]?.json());
    expect(await footprint(tenant)).toMatchObject({ purchases: 1, lots: 1, audits: 1, balance: 507_000 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('accepts a tenant API key and records the key as the actor', async () => {
    const { tenant } = await tenantWithAdmin();
    const res = await purchase({ apiKey: tenant.apiKey }, newKey(), { credits: 2.5 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ credits: 2.5, totalCents: 1000, balance: 502.5 });
    const [key] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ id: string }>('select id from api_keys'),
    );
    const [audit] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ actor: string }>("select actor from audit_log where action = 'credits.purchased'"),
    );
    expect(audit?.actor).toBe(`api_key:${key?.id}`);
  });

  it('prices the purchase from the plan, a fraction of a credit rounded up to a cent', async () => {
    const { tenant } = await tenantWithAdmin({
      plan: { creditPriceCents: 199, currency: 'EUR', purchaseLimitMilli: 1_000_000_000 },
    });
    const auth = { apiKey: tenant.apiKey };
    const cases: [number, number][] = [
      [1, 199],
      [1.5, 299], // 298.5 cents
      [0.001, 1], // 0.199 cents
      [1_000_000, 199_000_000],
    ];
    for (const [credits, totalCents] of cases) {
      const res = await purchase(auth, newKey(), { credits });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ credits, unitPriceCents: 199, totalCents, currency: 'EUR' });
    }
    expect((await balance(tenant)).balance).toBe(500 + 1 + 1.5 + 0.001 + 1_000_000);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('shows in the receipt the balance right after the purchase, overage settled first', async () => {
    const { tenant, admin } = await tenantWithAdmin({
      plan: { allotmentMilli: 2000, overageMode: 'allow', overageLimitMilli: 5000 },
    });
    const events = [1, 2, 3].flatMap(() => interviewEvents({ at: '2026-01-15T08:00:00Z' }));
    expect((await postEvents(env.app, tenant.apiKey, events)).json().rejected).toEqual([]);
    expect(await balance(tenant)).toMatchObject({ balance: -1, overage: 1 });
    const res = await purchase(admin, newKey(), { credits: 10 });
    expect(res.json().balance).toBe(9);
    expect(await balance(tenant)).toMatchObject({ balance: 9, overage: 0 });
    const lot = (await balance(tenant)).lots.find((l: { id: string }) => l.id === res.json().lotId);
    expect(lot).toMatchObject({ kind: 'purchase', amount: 10, remaining: 9 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('makes the lot last the plan’s purchaseValidityMonths, in the tenant’s time zone', async () => {
    const { tenant: short } = await tenantWithAdmin({
      plan: { purchaseValidityMonths: 3, rolloverMode: 'none' },
    });
    const res = await purchase({ apiKey: short.apiKey }, newKey(), { credits: 5 });
    expect(res.json().expiresAt).toBe('2026-04-15T12:00:00.000Z');
    // New York is on winter time (UTC-5) in January and summer time (UTC-4) in July: 07:00 local both.
    const { tenant: ny } = await tenantWithAdmin({
      plan: { purchaseValidityMonths: 6 },
      timeZone: 'America/New_York',
    });
    const nyRes = await purchase({ apiKey: ny.apiKey }, newKey(), { credits: 5 });
    expect(nyRes.json().expiresAt).toBe('2026-07-15T11:00:00.000Z');
    // The purchase outlives the period end and lapses on its own date.
    await closeDuePeriods(env.t.db, short.id, new Date('2026-04-15T11:59:59.999Z'));
    expect((await balance(short)).lots.map((l: { kind: string }) => l.kind)).toContain('purchase');
    const lapsed = await closeDuePeriods(env.t.db, short.id, new Date('2026-04-15T12:00:00.000Z'));
    expect(lapsed.expiredLots).toBe(1);
    clock.set('2026-04-15T12:00:00.000Z');
    expect((await balance(short)).lots.map((l: { kind: string }) => l.kind)).toEqual(['grant']);
    expect(await verifyTenant(env.t.db, short.id)).toEqual([]);
  });

  it('answers 400 when the Idempotency-Key is missing or malformed', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const before = await footprint(tenant);
    for (const key of [null, '', 'short', 'k'.repeat(201)]) {
      const res = await purchase(admin, key, { credits: 5 });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_request', message: expect.any(String) });
    }
    expect(await footprint(tenant)).toEqual(before);
  });

  it('answers 400 for credits that are zero, negative, too fine, huge, not a number or missing', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const before = await footprint(tenant);
    const cases: [unknown, string][] = [
      [{ credits: 0 }, 'invalid_request'],
      [{ credits: -5 }, 'invalid_request'],
      [{ credits: 0.0001 }, 'invalid_credits'],
      [{ credits: 1.2345 }, 'invalid_credits'],
      [{ credits: 1_000_000.5 }, 'invalid_request'],
      [{ credits: 1e30 }, 'invalid_request'],
      [{ credits: '10' }, 'invalid_request'],
      [{ credits: null }, 'invalid_request'],
      [{}, 'invalid_request'],
      [{ credits: 5, price: 0 }, 'invalid_request'],
      [[5], 'invalid_request'],
    ];
    for (const [payload, code] of cases) {
      const res = await purchase(admin, newKey(), payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code, JSON.stringify(payload)).toBe(code);
    }
    expect(await footprint(tenant)).toEqual(before);
  });

  it('refuses recruiters and viewers (403), a session without the CSRF header (403), no auth (401)', async () => {
    const { tenant, admin } = await tenantWithAdmin();
    const before = await footprint(tenant);
    for (const role of ['recruiter', 'viewer'] as const) {
      const user = await signIn(env.app, env.t.db, tenant.id, role);
      const res = await purchase(user, newKey(), { credits: 5 });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const noCsrf = await purchase({ cookie: admin.cookie }, newKey(), { credits: 5 });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const wrongCsrf = await purchase({ cookie: admin.cookie, csrf: 'nope' }, newKey(), { credits: 5 });
    expect(wrongCsrf.statusCode).toBe(403);
    const none = await purchase(null, newKey(), { credits: 5 });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const badKey = await purchase({ apiKey: 'ml_not-a-key' }, newKey(), { credits: 5 });
    expect(badKey.statusCode).toBe(401);
    expect(badKey.json().error.code).toBe('invalid_api_key');
    expect(await footprint(tenant)).toEqual(before);
  });
});
