import { beforeAll, describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { purchaseCredits } from '../src/server/ledger/purchases.js';
import { verifyAll, verifyTenant } from '../src/server/ledger/verify.js';
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

/** The key here sends events and reads the balance and ledger. */
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read'];

interface Session {
  cookie: string;
  csrf: string;
  email: string;
}

interface EntryJson {
  id: number;
  kind: string;
  credits: number;
  lotId: string | null;
  interviewId: string | null;
  rule: string | null;
  ruleVersion: number | null;
  reason: string | null;
  reference: string | null;
  effectiveAt: string;
  createdAt: string;
  actor: string;
}

async function newTenant(plan: Partial<PlanInput> = {}): Promise<TestTenant> {
  clock.set(START);
  return makeTenant(env.t.db, clock, { plan, scopes: SCOPES });
}

const bearer = (tenant: TestTenant) => ({ authorization: `Bearer ${tenant.apiKey}` });

async function getJson(url: string, headers: Record<string, string>) {
  const res = await env.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json() };
}

async function balanceOf(tenant: TestTenant) {
  const { status, body } = await getJson('/api/v1/credits/balance', bearer(tenant));
  expect(status).toBe(200);
  return body;
}

/** Posts one interview's events (at a fixed January time) and returns its id. */
async function interview(
  tenant: TestTenant,
  outcome: 'completed' | 'partial' | 'invited' | 'expired' = 'completed',
  completion?: number,
): Promise<string> {
  const interviewId = `iv-${Math.random().toString(36).slice(2, 10)}`;
  const at = new Date(clock.now().getTime() - 4 * 3_600_000).toISOString();
  const res = await postEvents(
    env.app,
    tenant.apiKey,
    // Expired within hours: an expiry a week ahead would be an event from the future.
    interviewEvents({ interviewId, at, outcome, completion, expiresAfterHours: 2 }),
  );
  expect(res.json().rejected).toEqual([]);
  return interviewId;
}

function reverse(session: Pick<Session, 'cookie'> & { csrf?: string }, payload: unknown) {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (session.csrf !== undefined) headers['x-csrf-token'] = session.csrf;
  return env.app.inject({
    method: 'POST',
    url: '/api/v1/credits/reversals',
    headers,
    payload: payload as Record<string, unknown>,
  });
}

async function interviewRow(tenant: TestTenant, id: string) {
  const [row] = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ charged_milli: number; charge_rule: string; reversal_reason: string | null }>(
      'select charged_milli, charge_rule, reversal_reason from interviews where id = $1',
      [id],
    ),
  );
  return { ...row, charged_milli: Number(row?.charged_milli) };
}

async function rollupCredits(tenant: TestTenant): Promise<number> {
  const [row] = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ credits: number; completed: number }>(
      'select coalesce(sum(credits_milli), 0)::int as credits from daily_usage',
    ),
  );
  return Number(row?.credits);
}

async function ledgerCount(tenant: TestTenant): Promise<number> {
  const [row] = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ n: number }>('select count(*)::int as n from ledger_entries'),
  );
  return Number(row?.n);
}

describe('GET /api/v1/credits/balance', () => {
  it('shows the balance, overage, plan overage rules, current period and open lots', async () => {
    const tenant = await newTenant({ overageMode: 'allow', overageLimitMilli: 20_000 });
    await interview(tenant, 'completed');
    await interview(tenant, 'partial', 0.5);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const byKey = await balanceOf(tenant);
    expect(byKey).toEqual({
      balance: 498.5,
      overage: 0,
      overageMode: 'allow',
      overageLimit: 20,
      period: { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z', allotment: 500 },
      lots: [
        {
          id: expect.any(String),
          kind: 'grant',
          amount: 500,
          remaining: 498.5,
          grantedAt: '2026-01-01T00:00:00.000Z',
          expiresAt: '2026-02-01T00:00:00.000Z',
        },
      ],
      breakdown: { grant: 498.5, rollover: 0, purchase: 0, adjustment: 0 },
      nextExpiry: null,
      expiringSoon: null,
      purchasedThisPeriod: { credits: 0, totalCents: 0, currency: 'USD' },
      plan: {
        name: 'Growth (monthly)',
        periodUnit: 'month',
        allotment: 500,
        rollover: { mode: 'capped', cap: null, capPercent: 25, expiresAfterPeriods: 1 },
        partialRule: {
          version: 1,
          tiers: [
            { minCompletion: 0, credits: 0 },
            { minCompletion: 0.25, credits: 0.5 },
            { minCompletion: 0.75, credits: 1 },
          ],
        },
        creditPriceCents: 400,
        currency: 'USD',
        purchaseValidityMonths: 12,
        purchaseLimit: 100_000,
      },
    });
    // An admin's session sees the same (GET needs no CSRF header).
    const bySession = await getJson('/api/v1/credits/balance', { cookie: admin.cookie });
    expect(bySession).toEqual({ status: 200, body: byKey });
  });

  it('refuses recruiters and viewers (403) and anonymous callers (401)', async () => {
    const tenant = await newTenant();
    for (const role of ['recruiter', 'viewer'] as const) {
      const user = await signIn(env.app, env.t.db, tenant.id, role);
      for (const url of ['/api/v1/credits/balance', '/api/v1/credits/ledger']) {
        const res = await getJson(url, { cookie: user.cookie });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    for (const url of ['/api/v1/credits/balance', '/api/v1/credits/ledger']) {
      expect((await getJson(url, {})).status).toBe(401);
      expect((await getJson(url, { authorization: 'Bearer ml_nope' })).body.error.code).toBe(
        'invalid_api_key',
      );
    }
  });
});

describe('GET /api/v1/credits/ledger', () => {
  let tenant: TestTenant;
  let other: TestTenant;
  const ids: string[] = [];

  beforeAll(async () => {
    tenant = await newTenant({ rolloverMode: 'all' });
    other = await newTenant();
    await interview(other, 'completed');
    for (let i = 0; i < 6; i++) ids.push(await interview(tenant, 'completed'));
    ids.push(await interview(tenant, 'partial', 0.3));
    ids.push(await interview(tenant, 'partial', 0.9));
    await interview(tenant, 'invited');
    await purchaseCredits(env.t.db, tenant.id, {
      idempotencyKey: 'ledger-test-buy',
      creditsMilli: 5000,
      actor: 'test',
      now: clock.now(),
    });
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-02T12:00:00Z');
    for (let i = 0; i < 3; i++) ids.push(await interview(tenant, 'completed'));
  });

  async function page(query: string, headers = bearer(tenant)) {
    return getJson(`/api/v1/credits/ledger${query}`, headers);
  }

  it('walks every entry exactly once, newest first, page by page with limit and cursor', async () => {
    const all = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ id: number }>('select id from ledger_entries order by effective_at desc, id desc'),
    );
    const expected = all.map((r) => Number(r.id));
    expect(expected.length).toBeGreaterThan(15);
    for (const limit of [1, 4, 7, expected.length, 500]) {
      const seen: number[] = [];
      let cursor: number | null = null;
      let pages = 0;
      do {
        const res = await page(`?limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(res.status).toBe(200);
        const entries = res.body.entries as EntryJson[];
        expect(entries.length).toBeLessThanOrEqual(limit);
        seen.push(...entries.map((e) => e.id));
        expect(res.body.total).toBe(expected.length);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 1000);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
    }
    // The default page is 50.
    const first = await page('');
    expect(first.body.entries).toHaveLength(Math.min(50, expected.length));
  });

  it('sums to the balance and carries each entry’s kind and credits', async () => {
    const { body } = await page('?limit=500');
    const entries = body.entries as EntryJson[];
    const total = entries.reduce((s, e) => s + Math.round(e.credits * 1000), 0);
    expect(total / 1000).toBe((await balanceOf(tenant)).balance);
    const kinds = new Set(entries.map((e) => e.kind));
    for (const k of ['grant', 'purchase', 'consumption', 'expiry', 'rollover']) expect(kinds).toContain(k);
    expect(entries.find((e) => e.kind === 'purchase')).toMatchObject({
      credits: 5,
      reason: 'purchase',
      reference: 'ledger-test-buy',
      interviewId: null,
      actor: 'test',
    });
  });

  it('names, on each consumption entry, its interview and the rule and version that charged it', async () => {
    const { body } = await page('?limit=500');
    const consumption = (body.entries as EntryJson[]).filter((e) => e.kind === 'consumption');
    expect(consumption.length).toBeGreaterThanOrEqual(10);
    for (const e of consumption) {
      expect(ids).toContain(e.interviewId);
      expect(e.rule).toMatch(/^(completed|partial)$/);
      expect(e.ruleVersion).toBe(1);
      expect(e.lotId).not.toBeNull();
      expect(e.credits).toBeLessThan(0);
    }
    const partial = consumption.filter((e) => e.rule === 'partial').map((e) => e.credits);
    expect(partial.sort((a, b) => a - b)).toEqual([-1, -0.5]);
  });

  it('filters by interviewId, and answers an empty page for an interview of another tenant', async () => {
    const id = ids[6] as string; // the partial at 30 %
    const res = await page(`?interviewId=${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: EntryJson) => [e.kind, e.credits, e.interviewId, e.rule])).toEqual([
      ['consumption', -0.5, id, 'partial'],
    ]);
    expect(res.body.nextCursor).toBeNull();
    const foreign = await page(`?interviewId=${encodeURIComponent(id)}`, bearer(other));
    expect(foreign.body.entries).toEqual([]);
    const unknown = await page('?interviewId=iv-unknown');
    expect(unknown.body).toEqual({ entries: [], nextCursor: null, total: 0 });
  });

  it('shows a tenant its own entries only', async () => {
    const mine = (await page('?limit=500')).body.entries as EntryJson[];
    const theirs = (await page('?limit=500', bearer(other))).body.entries as EntryJson[];
    const mineIds = new Set(mine.map((e) => e.id));
    expect(theirs.length).toBe(2); // the grant and one consumption
    expect(theirs.some((e) => mineIds.has(e.id))).toBe(false);
  });

  it('answers 400 for a bad limit, cursor or interviewId', async () => {
    for (const q of [
      '?limit=0',
      '?limit=-1',
      '?limit=501',
      '?limit=abc',
      '?limit=2.5',
      '?cursor=0',
      '?cursor=-3',
      '?cursor=x',
      '?interviewId=',
      `?interviewId=${'x'.repeat(201)}`,
    ]) {
      const res = await page(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('invalid_request');
    }
  });
});

describe('POST /api/v1/credits/reversals', () => {
  it('reverses a charge with a reason: balance restored, interview at 0, rollup credits down, audited', async () => {
    const tenant = await newTenant();
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const keep = await interview(tenant, 'completed');
    const victim = await interview(tenant, 'completed');
    await interview(tenant, 'partial', 0.5);
    expect((await balanceOf(tenant)).balance).toBe(497.5);
    expect(await rollupCredits(tenant)).toBe(2500);

    const res = await reverse(admin, { interviewId: victim, reason: 'Video failed mid-interview' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ interviewId: victim, reversed: 1, balance: 498.5 });
    expect((await balanceOf(tenant)).balance).toBe(498.5);
    expect(await interviewRow(tenant, victim)).toMatchObject({
      charged_milli: 0,
      charge_rule: 'reversed',
      reversal_reason: 'Video failed mid-interview',
    });
    expect((await interviewRow(tenant, keep)).charged_milli).toBe(1000);
    expect(await rollupCredits(tenant)).toBe(1500);

    const ledger = await getJson(`/api/v1/credits/ledger?interviewId=${victim}`, bearer(tenant));
    expect(ledger.body.entries.map((e: EntryJson) => [e.kind, e.credits, e.rule, e.reason, e.actor])).toEqual(
      [
        ['reversal', 1, 'reversed', 'Video failed mid-interview', `user:${admin.email}`],
        ['consumption', -1, 'completed', null, expect.stringMatching(/^api_key:/)],
      ],
    );
    // Given back to the lot it was drawn from, which is still open.
    const [reversal, consumption] = ledger.body.entries as EntryJson[];
    expect(reversal?.lotId).toBe(consumption?.lotId);

    const [audit] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ actor: string; details: Record<string, unknown> }>(
        "select actor, details from audit_log where action = 'charge.reversed'",
      ),
    );
    expect(audit).toMatchObject({
      actor: `user:${admin.email}`,
      details: { interviewId: victim, credits: 1, reason: 'Video failed mid-interview' },
    });

    // The reversal sticks: a repeated or late event does not charge the interview again.
    const late = interviewEvents({ interviewId: victim, at: '2026-01-15T06:00:00Z', outcome: 'completed' });
    expect((await postEvents(env.app, tenant.apiKey, late)).json().accepted).toBe(late.length);
    expect((await interviewRow(tenant, victim)).charged_milli).toBe(0);
    expect((await balanceOf(tenant)).balance).toBe(498.5);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);

    // Second reversal: refused, nothing written.
    const count = await ledgerCount(tenant);
    const again = await reverse(admin, { interviewId: victim, reason: 'Once more' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_reversed');
    expect(await ledgerCount(tenant)).toBe(count);
  });

  it('refuses an uncharged interview (409), an unknown one (404), and bad requests (400)', async () => {
    const tenant = await newTenant();
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const invited = await interview(tenant, 'invited');
    const tooShort = await interview(tenant, 'partial', 0.1);
    const charged = await interview(tenant, 'completed');
    const count = await ledgerCount(tenant);
    for (const id of [invited, tooShort]) {
      const res = await reverse(admin, { interviewId: id, reason: 'No charge here' });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('nothing_to_reverse');
    }
    const unknown = await reverse(admin, { interviewId: 'iv-does-not-exist', reason: 'Who is this' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    // Another tenant's interview is unknown here too.
    const other = await newTenant();
    const theirs = await interview(other, 'completed');
    expect((await reverse(admin, { interviewId: theirs, reason: 'Not mine' })).statusCode).toBe(404);

    for (const payload of [
      { interviewId: charged },
      { interviewId: charged, reason: '' },
      { interviewId: charged, reason: '  ab  ' },
      { interviewId: charged, reason: 'x'.repeat(501) },
      { interviewId: '', reason: 'Valid reason' },
      { reason: 'Valid reason' },
      { interviewId: charged, reason: 'Valid reason', credits: 1 },
    ]) {
      const res = await reverse(admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
    expect(await ledgerCount(tenant)).toBe(count);
    expect((await interviewRow(tenant, charged)).charged_milli).toBe(1000);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('is for account admins: recruiters and viewers get 403, a missing CSRF header 403, an API key 401', async () => {
    const tenant = await newTenant();
    const charged = await interview(tenant, 'completed');
    const body = { interviewId: charged, reason: 'Technical failure' };
    for (const role of ['recruiter', 'viewer'] as const) {
      const user = await signIn(env.app, env.t.db, tenant.id, role);
      const res = await reverse(user, body);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const noCsrf = await reverse({ cookie: admin.cookie }, body);
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const byKey = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/reversals',
      headers: bearer(tenant),
      payload: body,
    });
    expect(byKey.statusCode).toBe(401);
    expect((await interviewRow(tenant, charged)).charged_milli).toBe(1000);
  });

  it('gives credits drawn from a lot that has since expired back as an adjustment lot', async () => {
    const tenant = await newTenant({ rolloverMode: 'none' });
    const victim = await interview(tenant, 'completed');
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-03T09:00:00Z');
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    expect((await balanceOf(tenant)).balance).toBe(500);

    const res = await reverse(admin, { interviewId: victim, reason: 'Candidate could not connect' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ interviewId: victim, reversed: 1, balance: 501 });
    const lots = (await balanceOf(tenant)).lots;
    const adjustment = lots.find((l: { kind: string }) => l.kind === 'adjustment');
    expect(adjustment).toMatchObject({
      amount: 1,
      remaining: 1,
      grantedAt: '2026-02-03T09:00:00.000Z',
      expiresAt: '2026-03-01T00:00:00.000Z',
    });
    const ledger = await getJson(`/api/v1/credits/ledger?interviewId=${victim}`, bearer(tenant));
    expect(ledger.body.entries[0]).toMatchObject({
      kind: 'reversal',
      credits: 1,
      lotId: adjustment.id,
      reason: 'Candidate could not connect',
    });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    // Consumption draws it before the 500-credit grant? Both end on 1 March: the older grant goes first.
    await interview(tenant, 'completed');
    expect(
      (await balanceOf(tenant)).lots.map((l: { kind: string; remaining: number }) => [l.kind, l.remaining]),
    ).toEqual([
      ['grant', 499],
      ['adjustment', 1],
    ]);
    // And it lapses with the period.
    const closed = await closeDuePeriods(env.t.db, tenant.id, new Date('2026-03-01T00:00:00Z'));
    expect(closed).toEqual({ closed: 1, opened: 1, expiredLots: 1 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('makes the adjustment lot last to the end of the current period even before the period close has run', async () => {
    const tenant = await newTenant({ rolloverMode: 'none' });
    const victim = await interview(tenant, 'completed');
    // Half a minute past the period end; the scheduler has not closed January yet.
    clock.set('2026-02-01T00:00:30Z');
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const res = await reverse(admin, { interviewId: victim, reason: 'Engine crashed at midnight' });
    expect(res.statusCode).toBe(201);
    const adjustment = (await balanceOf(tenant)).lots.find((l: { kind: string }) => l.kind === 'adjustment');
    expect(adjustment).toMatchObject({ amount: 1, expiresAt: '2026-03-01T00:00:00.000Z' });
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:01:00Z'));
    expect((await balanceOf(tenant)).balance).toBe(501);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('splits a reversal: what came from a still-open lot goes back to it, the rest to an adjustment lot', async () => {
    const tenant = await newTenant({ rolloverMode: 'none' });
    const id = 'iv-two-steps';
    // Half a credit in January (a partial), the other half in February when it completes.
    const [invited, started, progress, ended] = interviewEvents({
      interviewId: id,
      outcome: 'partial',
      completion: 0.5,
      at: '2026-01-14T10:00:00Z',
    });
    await postEvents(env.app, tenant.apiKey, [invited, started, progress, ended]);
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-02T12:00:00Z');
    const completed = {
      ...(ended as Record<string, unknown>),
      id: 'ev-two-steps-done',
      type: 'interview.completed',
      occurredAt: '2026-02-02T09:00:00.000Z',
      completion: undefined,
    };
    expect((await postEvents(env.app, tenant.apiKey, [completed])).json().accepted).toBe(1);
    expect((await balanceOf(tenant)).balance).toBe(499.5);

    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const res = await reverse(admin, { interviewId: id, reason: 'Scoring engine failed' });
    expect(res.json()).toEqual({ interviewId: id, reversed: 1, balance: 500.5 });
    const { lots } = await balanceOf(tenant);
    expect(lots.map((l: { kind: string; remaining: number }) => [l.kind, l.remaining])).toEqual([
      ['grant', 500],
      ['adjustment', 0.5],
    ]);
    const ledger = await getJson(`/api/v1/credits/ledger?interviewId=${id}`, bearer(tenant));
    // The January half moved with the finish to February (a pair on no lot), beside February's half.
    expect(ledger.body.entries.map((e: EntryJson) => [e.kind, e.credits, e.rule])).toEqual([
      ['reversal', 0.5, 'reversed'],
      ['reversal', 0.5, 'reversed'],
      ['consumption', -0.5, 'completed'],
      ['consumption', -0.5, null],
      ['consumption', 0.5, null],
      ['consumption', -0.5, 'partial'],
    ]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('gives back overage first: the overage shrinks before any lot is credited', async () => {
    const tenant = await newTenant({ allotmentMilli: 1000, overageMode: 'allow', overageLimitMilli: 5000 });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const first = await interview(tenant, 'completed'); // from the grant
    const second = await interview(tenant, 'completed'); // overage
    expect(await balanceOf(tenant)).toMatchObject({ balance: -1, overage: 1 });
    expect((await reverse(admin, { interviewId: second, reason: 'Engine crashed' })).json().balance).toBe(0);
    expect(await balanceOf(tenant)).toMatchObject({ balance: 0, overage: 0 });
    expect((await reverse(admin, { interviewId: first, reason: 'Engine crashed' })).json().balance).toBe(1);
    expect(await balanceOf(tenant)).toMatchObject({ balance: 1, overage: 0 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('gives credits drawn in overage, since settled by a purchase, back to that purchase while it is open', async () => {
    const tenant = await newTenant({ allotmentMilli: 1000, overageMode: 'allow', overageLimitMilli: 5000 });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await interview(tenant, 'completed'); // from the grant
    const inOverage = await interview(tenant, 'completed');
    await purchaseCredits(env.t.db, tenant.id, {
      idempotencyKey: `settle-${tenant.slug}`,
      creditsMilli: 10_000,
      actor: 'test',
      now: clock.now(),
    });
    expect(await balanceOf(tenant)).toMatchObject({ balance: 9, overage: 0 });
    expect((await reverse(admin, { interviewId: inOverage, reason: 'Engine crashed' })).json().balance).toBe(
      10,
    );
    // Back on the purchase that paid the overage, lasting as long as it does: no short-lived adjustment.
    const { lots } = await balanceOf(tenant);
    expect(lots.map((l: { kind: string; remaining: number }) => [l.kind, l.remaining])).toEqual([
      ['purchase', 10],
    ]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('settles outstanding overage with credits given back to an open lot, so none are lost at the period end', async () => {
    const tenant = await newTenant({
      allotmentMilli: 1000,
      overageMode: 'allow',
      overageLimitMilli: 5000,
      rolloverMode: 'none',
    });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const fromGrant = await interview(tenant, 'completed');
    await interview(tenant, 'completed'); // overage
    expect(await balanceOf(tenant)).toMatchObject({ balance: -1, overage: 1 });
    // The reversed interview was drawn from the grant; its credit pays off the other one's overage.
    expect((await reverse(admin, { interviewId: fromGrant, reason: 'Engine crashed' })).json().balance).toBe(
      0,
    );
    expect(await balanceOf(tenant)).toMatchObject({ balance: 0, overage: 0 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    // January used exactly its allotment, so February starts with all of its own.
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-01T08:00:00Z');
    expect(await balanceOf(tenant)).toMatchObject({ balance: 1, overage: 0 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('credits an adjustment lot when the overage was settled by a later grant', async () => {
    const tenant = await newTenant({ allotmentMilli: 1000, overageMode: 'allow', overageLimitMilli: 5000 });
    await interview(tenant, 'completed');
    const overage = await interview(tenant, 'completed');
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-02T12:00:00Z');
    expect(await balanceOf(tenant)).toMatchObject({ balance: 0, overage: 0 });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    expect((await reverse(admin, { interviewId: overage, reason: 'Engine crashed' })).json().balance).toBe(1);
    expect(await balanceOf(tenant)).toMatchObject({ balance: 1, overage: 0 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });
});

describe('ledger verify', () => {
  /** A tenant with a bit of everything: charges, a partial, a purchase, a reversal, a period close. */
  async function busyTenant(): Promise<{ tenant: TestTenant; charged: string }> {
    const tenant = await newTenant({ rolloverMode: 'capped', rolloverCapPercent: 10 });
    const charged = await interview(tenant, 'completed');
    await interview(tenant, 'partial', 0.6);
    const reversed = await interview(tenant, 'completed');
    await interview(tenant, 'expired');
    await purchaseCredits(env.t.db, tenant.id, {
      idempotencyKey: `verify-${tenant.slug}`,
      creditsMilli: 12_345,
      actor: 'test',
      now: clock.now(),
    });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    expect((await reverse(admin, { interviewId: reversed, reason: 'Audio lost' })).statusCode).toBe(201);
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-02T12:00:00Z');
    await interview(tenant, 'completed');
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    return { tenant, charged };
  }

  const checks = async (tenant: TestTenant) => (await verifyTenant(env.t.db, tenant.id)).map((p) => p.check);

  it('finds nothing wrong with a healthy tenant', async () => {
    const { tenant } = await busyTenant();
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    expect((await verifyAll(env.t.db)).get(tenant.slug)).toEqual([]);
  });

  it('names a tampered account balance', async () => {
    const { tenant } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query('update credit_accounts set balance_milli = balance_milli + 1 where tenant_id = $1', [
        tenant.id,
      ]),
    );
    const problems = await verifyTenant(env.t.db, tenant.id);
    expect(problems).toEqual([{ check: 'balance', message: expect.stringContaining('Balance') }]);
    expect((await verifyAll(env.t.db)).get(tenant.slug)).toEqual(problems);
  });

  it('names a tampered lot remainder, with the lot', async () => {
    const { tenant } = await busyTenant();
    const [lot] = await env.t.asOwner((q) =>
      q.query<{ id: string }>(
        `update credit_lots set remaining_milli = remaining_milli - 1
          where tenant_id = $1 and kind = 'purchase' returning id`,
        [tenant.id],
      ),
    );
    const problems = await verifyTenant(env.t.db, tenant.id);
    expect(problems).toEqual([{ check: 'lot', message: expect.stringContaining(lot?.id as string) }]);
  });

  it('names a bogus ledger entry slipped in beside the caches', async () => {
    const { tenant, charged } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query(
        `insert into ledger_entries (tenant_id, kind, amount_milli, interview_id, effective_at, actor, hash)
         values ($1, 'adjustment', 5000, $2, now(), 'intruder', sha256('intruder'))`,
        [tenant.id, charged],
      ),
    );
    const problems = await verifyTenant(env.t.db, tenant.id);
    // The hash chain (test/tamper.test.ts) names the row too.
    expect(problems.map((p) => p.check).sort()).toEqual([
      'balance',
      'interview_charge',
      'ledger_chain',
      'overage',
    ]);
    expect(problems.find((p) => p.check === 'interview_charge')?.message).toContain(charged);
  });

  it('names a bogus entry on a lot', async () => {
    const { tenant } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query(
        `insert into ledger_entries (tenant_id, kind, amount_milli, lot_id, effective_at, actor, hash)
         select tenant_id, 'consumption', -1, id, now(), 'intruder', sha256('intruder') from credit_lots
          where tenant_id = $1 and kind = 'purchase'`,
        [tenant.id],
      ),
    );
    expect((await checks(tenant)).sort()).toEqual(['balance', 'ledger_chain', 'lot']);
  });

  it('names a tampered daily usage count', async () => {
    const { tenant } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query(
        `update daily_usage set completed = completed + 1
          where tenant_id = $1 and (opening_id, day) in
                (select opening_id, day from daily_usage where tenant_id = $1 and completed > 0 limit 1)`,
        [tenant.id],
      ),
    );
    const problems = await verifyTenant(env.t.db, tenant.id);
    expect(problems).toEqual([
      { check: 'rollup', message: expect.stringContaining('"completed":-1') },
      // The day's per-tenant total no longer equals the per-opening rows either.
      { check: 'rollup', message: expect.stringContaining('Day total') },
    ]);
  });

  it('names a tampered candidate count and a candidate row that no interview puts there', async () => {
    const { tenant } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query(
        `update daily_usage set candidates = candidates + 1
          where tenant_id = $1 and (opening_id, day) in
                (select opening_id, day from daily_usage where tenant_id = $1 and candidates > 0 limit 1)`,
        [tenant.id],
      ),
    );
    expect((await verifyTenant(env.t.db, tenant.id)).map((p) => p.message)).toEqual([
      expect.stringContaining('counts other candidates than those stored'),
    ]);
    await env.t.asOwner((q) =>
      q.query(
        `insert into daily_candidates (tenant_id, opening_id, day, who, interviews)
         select tenant_id, opening_id, day, 'cand-nobody', 1 from daily_usage
          where tenant_id = $1 and candidates > 0 limit 1`,
        [tenant.id],
      ),
    );
    const messages = (await verifyTenant(env.t.db, tenant.id)).map((p) => p.message);
    expect(messages).toContainEqual(expect.stringContaining('Candidate cand-nobody'));
  });

  it('names a tampered month of the monthly rollup by opening, and a month no daily rollup makes', async () => {
    const { tenant } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query(
        `update opening_monthly_usage set completed = completed + 1
          where tenant_id = $1 and (opening_id, month) in
                (select opening_id, month from opening_monthly_usage where tenant_id = $1 limit 1)`,
        [tenant.id],
      ),
    );
    expect((await verifyTenant(env.t.db, tenant.id)).map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^Monthly usage of opening \S+ in \d{4}-\d{2} differs from the sum of its daily rollups$/,
      ),
    ]);
    await env.t.asOwner((q) =>
      q.query(
        `insert into opening_monthly_usage (tenant_id, opening_id, month, days, invited, started, completed,
                                            partially_completed, expired, cancelled, simulations, credits_milli)
         values ($1, 'op-nowhere', '2025-06-01', 1, 1, 0, 0, 0, 0, 0, 0, 0)`,
        [tenant.id],
      ),
    );
    expect((await verifyTenant(env.t.db, tenant.id)).map((p) => p.message)).toContainEqual(
      'Monthly usage of opening op-nowhere in 2025-06 differs from the sum of its daily rollups',
    );
  });

  it('names a tampered count of open invitations, and one that no open interview makes', async () => {
    const { tenant } = await busyTenant();
    await interview(tenant, 'invited');
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    await env.t.asOwner((q) =>
      q.query(
        'update open_invitation_days set open_invitations = open_invitations + 1 where tenant_id = $1',
        [tenant.id],
      ),
    );
    expect((await verifyTenant(env.t.db, tenant.id)).map((p) => p.message)).toEqual([
      expect.stringMatching(/^Open invitations of \d{4}-\d{2}-\d{2} are off from its interviews by -1$/),
    ]);
    await env.t.asOwner((q) =>
      q.query(
        `insert into open_invitation_days (tenant_id, day, open_invitations) values ($1, '2025-06-01', 2)`,
        [tenant.id],
      ),
    );
    expect((await verifyTenant(env.t.db, tenant.id)).map((p) => p.message)).toContainEqual(
      'Open invitations of 2025-06-01 are off from its interviews by -2',
    );
  });

  it('names a tampered interview charge', async () => {
    const { tenant, charged } = await busyTenant();
    await env.t.asOwner((q) =>
      q.query('update interviews set charged_milli = 500 where tenant_id = $1 and id = $2', [
        tenant.id,
        charged,
      ]),
    );
    const problems = await verifyTenant(env.t.db, tenant.id);
    const charge = problems.filter((p) => p.check === 'interview_charge');
    expect(charge).toEqual([{ check: 'interview_charge', message: expect.stringContaining(charged) }]);
    // The rollups, recounted from the interviews, disagree too.
    expect(problems.map((p) => p.check)).toContain('rollup');
  });

  it('refuses to update or delete a ledger entry, even as the schema owner', async () => {
    const { tenant } = await busyTenant();
    const before = await ledgerCount(tenant);
    await expect(
      env.t.asOwner((q) =>
        q.query('update ledger_entries set amount_milli = 0 where tenant_id = $1', [tenant.id]),
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      env.t.asOwner((q) => q.query('delete from ledger_entries where tenant_id = $1', [tenant.id])),
    ).rejects.toThrow(/append-only/);
    // The application's role may not even try.
    await expect(
      env.t.db.withTenant(tenant.id, (tx) => tx.query('update ledger_entries set amount_milli = 0')),
    ).rejects.toThrow(/permission denied/);
    await expect(
      env.t.db.withTenant(tenant.id, (tx) => tx.query('delete from ledger_entries')),
    ).rejects.toThrow(/permission denied/);
    expect(await ledgerCount(tenant)).toBe(before);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });
});
