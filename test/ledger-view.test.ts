import { beforeAll, describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../src/server/ledger/close.js';
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

/**
 * The ledger as people read it (issue 11): newest first by when each entry took effect, whatever
 * order the entries were written in; each charge with its opening's job title and candidate; who
 * wrote each entry by name; filtered by kind; paged by keyset with the total.
 */

const clock = new TestClock(new Date('2026-01-20T12:00:00.000Z'));
const env = testAppForFile(clock);
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read', 'credits:purchase'];

interface EntryJson {
  id: number;
  kind: string;
  credits: number;
  interviewId: string | null;
  openingId: string | null;
  jobTitle: string | null;
  candidateId: string | null;
  effectiveAt: string;
  actor: string;
  actorName: string;
}

const bearer = (tenant: TestTenant) => ({ authorization: `Bearer ${tenant.apiKey}` });

async function ledger(tenant: TestTenant, query = '') {
  const res = await env.app.inject({
    method: 'GET',
    url: `/api/v1/credits/ledger${query}`,
    headers: bearer(tenant),
  });
  return { status: res.statusCode, body: res.json() };
}

/** Every entry, page by page with `limit`, checking each page's total on the way. */
async function walk(tenant: TestTenant, limit: number, filter = ''): Promise<EntryJson[]> {
  const seen: EntryJson[] = [];
  let cursor: number | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const res = await ledger(tenant, `?limit=${limit}${filter}${cursor === null ? '' : `&cursor=${cursor}`}`);
    expect(res.status).toBe(200);
    seen.push(...res.body.entries);
    expect(res.body.total).toBeGreaterThanOrEqual(seen.length);
    cursor = res.body.nextCursor;
    if (cursor === null) {
      expect(res.body.total).toBe(seen.length);
      return seen;
    }
  }
  throw new Error('the ledger did not end');
}

/** One interview finishing at `finish` (its completion event 150 minutes after the invitation). */
async function interviewFinishing(
  tenant: TestTenant,
  finish: string,
  o: { id: string; openingId?: string; jobTitle?: string; candidateId?: string },
) {
  const at = new Date(Date.parse(finish) - 150 * 60_000).toISOString();
  const res = await postEvents(env.app, tenant.apiKey, interviewEvents({ interviewId: o.id, at, ...o }));
  expect(res.json().rejected).toEqual([]);
}

const byEffectiveThenId = (a: EntryJson, b: EntryJson) =>
  b.effectiveAt.localeCompare(a.effectiveAt) || b.id - a.id;

describe('the ledger, newest first', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await makeTenant(env.t.db, clock, { plan: { rolloverMode: 'all' }, scopes: SCOPES });
    // Written in this order, dated out of it: a late 08:00 after a 10:00, two at one instant.
    await interviewFinishing(tenant, '2026-01-19T10:00:00Z', { id: 'iv-ten' });
    await interviewFinishing(tenant, '2026-01-19T08:00:00Z', { id: 'iv-eight' });
    await interviewFinishing(tenant, '2026-01-19T12:00:00Z', { id: 'iv-tie-a' });
    await interviewFinishing(tenant, '2026-01-19T12:00:00Z', { id: 'iv-tie-b' });
    await interviewFinishing(tenant, '2026-01-18T09:00:00Z', { id: 'iv-earlier' });
    // The period close writes its expiry, rollover and grant at one instant, the period's end.
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-03T12:00:00Z');
    await interviewFinishing(tenant, '2026-02-03T09:00:00Z', { id: 'iv-february' });
    // Half a day late: its charge is written last and dated before the one above.
    await interviewFinishing(tenant, '2026-02-02T21:00:00Z', { id: 'iv-late' });
  });

  it('orders by effectiveAt, newest first, and entries of one instant by id, highest first', async () => {
    const entries = await walk(tenant, 500);
    expect(entries).toEqual([...entries].sort(byEffectiveThenId));
    const charges = entries.filter((e) => e.kind === 'consumption').map((e) => e.interviewId);
    expect(charges).toEqual([
      'iv-february',
      'iv-late',
      'iv-tie-b',
      'iv-tie-a',
      'iv-ten',
      'iv-eight',
      'iv-earlier',
    ]);
    // Written out of order: the late charge has the highest id and still sits below a later one.
    const late = entries.find((e) => e.interviewId === 'iv-late');
    expect(late?.id).toBe(Math.max(...entries.map((e) => e.id)));
    // The close's entries share the period end: the one written last (the new grant) comes first.
    const atClose = entries.filter((e) => e.effectiveAt === '2026-02-01T00:00:00.000Z');
    expect(atClose.map((e) => e.kind)).toEqual(['grant', 'rollover', 'expiry']);
    expect(atClose.map((e) => e.id)).toEqual([...atClose.map((e) => e.id)].sort((a, b) => b - a));
  });

  it('walks every entry once in that order at any page size, ties split across pages', async () => {
    const all = await walk(tenant, 500);
    for (const limit of [1, 2, 3, 5]) {
      expect((await walk(tenant, limit)).map((e) => e.id)).toEqual(all.map((e) => e.id));
    }
  });

  it('refuses a cursor that names no entry of the tenant, and a malformed one', async () => {
    const other = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const theirs = (await ledger(other)).body.entries[0] as EntryJson;
    for (const cursor of [theirs.id, 999_999_999]) {
      const res = await ledger(tenant, `?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_cursor');
    }
    for (const q of ['?cursor=0', '?cursor=x', '?cursor=1.5']) {
      expect((await ledger(tenant, q)).body.error.code).toBe('invalid_request');
    }
  });
});

describe("each entry's opening, candidate and actor", () => {
  let tenant: TestTenant;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let entries: EntryJson[];

  beforeAll(async () => {
    clock.set('2026-01-20T12:00:00Z');
    tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await interviewFinishing(tenant, '2026-01-19T10:00:00Z', {
      id: 'iv-named',
      openingId: 'op-revops',
      jobTitle: 'Revenue Operations Manager',
      candidateId: 'cand-ada',
    });
    await interviewFinishing(tenant, '2026-01-19T11:00:00Z', {
      id: 'iv-reversed',
      openingId: 'op-revops',
      jobTitle: 'Revenue Operations Manager',
    });
    const reversal = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/reversals',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { interviewId: 'iv-reversed', reason: 'Audio failed' },
    });
    expect(reversal.statusCode).toBe(201);
    for (const headers of [{ cookie: admin.cookie, 'x-csrf-token': admin.csrf }, bearer(tenant)]) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/v1/credits/purchases',
        headers: { ...headers, 'idempotency-key': `buy-${Math.random()}` },
        payload: { credits: 2 },
      });
      expect(res.statusCode).toBe(201);
    }
    entries = await walk(tenant, 500);
  });

  it("names a charge's opening, job title and candidate; entries of no interview have none", async () => {
    expect(entries.find((e) => e.interviewId === 'iv-named' && e.kind === 'consumption')).toMatchObject({
      openingId: 'op-revops',
      jobTitle: 'Revenue Operations Manager',
      candidateId: 'cand-ada',
    });
    // The reversal is tied to its interview too.
    expect(entries.find((e) => e.kind === 'reversal')).toMatchObject({
      interviewId: 'iv-reversed',
      jobTitle: 'Revenue Operations Manager',
      candidateId: 'cand-iv-reversed',
    });
    for (const e of entries.filter((x) => x.interviewId === null)) {
      expect(e).toMatchObject({ openingId: null, jobTitle: null, candidateId: null });
    }
  });

  it('names who wrote each entry for people, and keeps the raw actor', async () => {
    const who = entries.map((e) => [e.kind, e.actor.replace(/:.*/, ':…'), e.actorName]);
    expect(who).toEqual([
      ['purchase', 'api_key:…', 'API key “engine”'],
      ['purchase', 'user:…', 'account_admin'],
      ['reversal', 'user:…', 'account_admin'],
      ['consumption', 'api_key:…', 'Interview engine — key “engine”'],
      ['consumption', 'api_key:…', 'Interview engine — key “engine”'],
      ['grant', 'system', 'Meterline'],
    ]);
    expect(entries.find((e) => e.kind === 'reversal')?.actor).toBe(`user:${admin.email}`);
  });
});

describe('the kind filter', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    clock.set('2026-01-20T12:00:00Z');
    tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    for (const id of ['iv-k1', 'iv-k2', 'iv-k3']) {
      await interviewFinishing(tenant, '2026-01-19T10:00:00Z', { id });
    }
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/purchases',
      headers: { ...bearer(tenant), 'idempotency-key': 'kind-filter-buy' },
      payload: { credits: 3 },
    });
    expect(res.statusCode).toBe(201);
  });

  it('lists the kinds asked for, one or several, with their total, page by page', async () => {
    const all = await walk(tenant, 500);
    for (const kinds of [['consumption'], ['purchase'], ['grant', 'purchase'], ['reversal']]) {
      const expected = all.filter((e) => kinds.includes(e.kind)).map((e) => e.id);
      for (const limit of [1, 2, 500]) {
        const got = await walk(tenant, limit, `&kind=${kinds.join(',')}`);
        expect(
          got.map((e) => e.id),
          kinds.join(),
        ).toEqual(expected);
      }
    }
    // A kind named twice is the same filter.
    const twice = await ledger(tenant, '?kind=purchase,purchase');
    expect(twice.body.total).toBe(1);
    expect((await ledger(tenant, '?kind=consumption&limit=1')).body).toMatchObject({ total: 3 });
  });

  it('refuses an unknown kind with 400 invalid_kind, naming it', async () => {
    for (const kind of ['bogus', 'purchase,bogus', 'Purchase', ',', 'consumption,']) {
      const res = await ledger(tenant, `?kind=${encodeURIComponent(kind)}`);
      expect(res.status, kind).toBe(400);
      expect(res.body.error.code, kind).toBe('invalid_kind');
    }
    expect((await ledger(tenant, '?kind=bogus')).body.error.message).toContain('"bogus"');
    const empty = await ledger(tenant, '?kind=');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_request');
  });
});
