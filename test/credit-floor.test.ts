import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DemoReplay } from '../src/server/demo/replay.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import type { PlanInput } from '../src/server/tenants/create.js';
import type { ApiKeyScope } from '../src/shared/api-key-scopes.js';
import type { InterviewEvent } from '../src/shared/contract/events.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/**
 * The plan's credit floor within one batch (docs/product.md, Overage): a batch is taken as if its
 * interviews came one after another in the order of their first event, so a batch cannot start more
 * new interviews than the credits left allow.
 */

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read', 'credits:purchase'];

type WireEvent = Record<string, unknown>;

async function tenantWith(plan: Partial<PlanInput>): Promise<TestTenant> {
  return makeTenant(env.t.db, clock, { scopes: SCOPES, plan });
}

async function balance(tenant: TestTenant): Promise<{ balance: number; overage: number }> {
  const res = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  expect(res.statusCode).toBe(200);
  const { balance, overage } = res.json();
  return { balance, overage };
}

async function buy(tenant: TestTenant, credits: number): Promise<void> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/credits/purchases',
    headers: { authorization: `Bearer ${tenant.apiKey}`, 'idempotency-key': `floor-${randomUUID()}` },
    payload: { credits },
  });
  expect(res.statusCode).toBe(201);
}

async function storedInterviews(tenant: TestTenant): Promise<string[]> {
  const rows = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ id: string }>('select id from interviews'),
  );
  // Sorted here: the database's collation may order punctuation otherwise.
  return rows.map((r) => r.id).sort();
}

/** The indexes of the events (of `batch`) that belong to these interviews. */
function indexesOf(batch: WireEvent[], interviewIds: string[]): number[] {
  return batch.flatMap((e, i) => (interviewIds.includes(e.interviewId as string) ? [i] : []));
}

/** Refusals of these indexes, each `credits_exhausted`. */
const exhausted = (indexes: number[]) =>
  indexes.map((index) => expect.objectContaining({ index, code: 'credits_exhausted' }));

/**
 * `n` new completed interviews as an engine sends them in time order: every invitation, then every
 * start, then every completion, so each interview's events are spread over the batch.
 */
function completedInterleaved(n: number): { ids: string[]; batch: WireEvent[] } {
  const ids = Array.from({ length: n }, (_, i) => `iv-${String(i).padStart(3, '0')}-${randomUUID()}`);
  const lives = ids.map((interviewId) => interviewEvents({ interviewId, outcome: 'completed' }));
  const batch = [0, 1, 2].flatMap((step) => lives.map((events) => events[step] as WireEvent));
  return { ids, batch };
}

describe('the credit floor within one batch', () => {
  it('on a block plan with 1 credit left, takes one new completed interview of a batch of 300 and refuses the rest', async () => {
    const tenant = await tenantWith({ allotmentMilli: 3000, overageMode: 'block' });
    const drain = [...interviewEvents(), ...interviewEvents()];
    expect((await postEvents(env.app, tenant.apiKey, drain)).json().rejected).toEqual([]);
    expect(await balance(tenant)).toEqual({ balance: 1, overage: 0 });
    const drained = await storedInterviews(tenant);

    const { ids, batch } = completedInterleaved(300);
    // Simulations cost nothing: one at the floor is still taken.
    const simulation = interviewEvents({ outcome: 'simulation' });
    const res = await postEvents(env.app, tenant.apiKey, [...batch, ...simulation]);
    expect(res.statusCode).toBe(200);
    // The first interview by its first event (its invitation leads the batch) is taken whole, with
    // the completion that comes 600 events later; every event of the 299 others is refused.
    expect(res.json()).toEqual({
      accepted: 3 + 1,
      duplicates: 0,
      rejected: exhausted(indexesOf(batch, ids.slice(1))),
    });
    expect(await balance(tenant)).toEqual({ balance: 0, overage: 0 });
    expect(await storedInterviews(tenant)).toEqual([...drained, ids[0], simulation[0]?.interviewId].sort());
    const [events] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>('select count(*)::int as n from interview_events'),
    );
    expect(events?.n).toBe(drain.length + 3 + 1);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);

    // The next batch finds no credit left, as before.
    const next = await postEvents(env.app, tenant.apiKey, interviewEvents({ outcome: 'invited' }));
    expect(next.json().rejected).toEqual(exhausted([0]));
  });

  it('on an allow plan, takes new interviews while the balance is above minus the limit, to the milli-credit', async () => {
    const tenant = await tenantWith({ allotmentMilli: 1000, overageMode: 'allow', overageLimitMilli: 1500 });
    const taken = [
      interviewEvents({ outcome: 'completed' }), // 1 → 0
      interviewEvents({ outcome: 'partial', completion: 0.5 }), // 0 → -0.5
      interviewEvents({ outcome: 'completed' }), // -0.5 → -1.5, the floor
    ];
    const refused = [interviewEvents({ outcome: 'completed' }), interviewEvents({ outcome: 'invited' })];
    const batch = [...taken, ...refused].flat();
    const res = await postEvents(env.app, tenant.apiKey, batch);
    const takenEvents = taken.flat().length;
    expect(res.json()).toEqual({
      accepted: takenEvents,
      duplicates: 0,
      rejected: exhausted(batch.map((_, i) => i).slice(takenEvents)),
    });
    expect(await balance(tenant)).toEqual({ balance: -1.5, overage: 1.5 });
    expect(await storedInterviews(tenant)).toHaveLength(3);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('counts the charges of interviews under way that come first, and never refuses one under way', async () => {
    const tenant = await tenantWith({ allotmentMilli: 2000, overageMode: 'block' });
    const [u1Invited, u1Started, u1Completed] = interviewEvents({ interviewId: 'iv-u1' });
    const [u2Invited, u2Started, u2Completed] = interviewEvents({ interviewId: 'iv-u2' });
    const started = [u1Invited, u1Started, u2Invited, u2Started];
    expect((await postEvents(env.app, tenant.apiKey, started)).json().rejected).toEqual([]);
    expect(await balance(tenant)).toEqual({ balance: 2, overage: 0 });

    const a = interviewEvents({ interviewId: 'iv-a' });
    const b = interviewEvents({ interviewId: 'iv-b' });
    // iv-u1 completes (2 → 1), iv-a is new and taken (1 → 0), iv-b is new and refused at 0, and
    // iv-u2, under way, completes past the floor (0 → -1).
    const batch = [u1Completed, ...a, ...b, u2Completed] as WireEvent[];
    const res = await postEvents(env.app, tenant.apiKey, batch);
    expect(res.json()).toEqual({
      accepted: 1 + a.length + 1,
      duplicates: 0,
      rejected: exhausted(indexesOf(batch, ['iv-b'])),
    });
    expect(await balance(tenant)).toEqual({ balance: -1, overage: 1 });
    expect(await storedInterviews(tenant)).toEqual(['iv-a', 'iv-u1', 'iv-u2']);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('takes the refused interviews when they are sent again after a purchase, as far as the credits go', async () => {
    const tenant = await tenantWith({ allotmentMilli: 1000, overageMode: 'block' });
    const { ids, batch } = completedInterleaved(10);
    const first = await postEvents(env.app, tenant.apiKey, batch);
    expect(first.json()).toMatchObject({ accepted: 3, rejected: exhausted(indexesOf(batch, ids.slice(1))) });
    expect(await balance(tenant)).toEqual({ balance: 0, overage: 0 });

    // Two credits take the next two interviews in the batch's order; the first one's events are resends.
    await buy(tenant, 2);
    const second = await postEvents(env.app, tenant.apiKey, batch);
    expect(second.json()).toEqual({
      accepted: 6,
      duplicates: 3,
      rejected: exhausted(indexesOf(batch, ids.slice(3))),
    });
    expect(await balance(tenant)).toEqual({ balance: 0, overage: 0 });
    expect(await storedInterviews(tenant)).toEqual(ids.slice(0, 3));

    await buy(tenant, 100);
    const third = await postEvents(env.app, tenant.apiKey, batch);
    expect(third.json()).toEqual({ accepted: 21, duplicates: 9, rejected: [] });
    expect(await balance(tenant)).toEqual({ balance: 93, overage: 0 });
    expect(await storedInterviews(tenant)).toEqual(ids);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('holds in the demo’s replay as in ingest', async () => {
    const plan = { allotmentMilli: 2000, overageMode: 'block' } as const;
    const { ids, batch } = completedInterleaved(10);
    const ingested = await tenantWith(plan);
    const res = (await postEvents(env.app, ingested.apiKey, batch)).json();
    const replayed = await tenantWith(plan);
    const replay = new DemoReplay(env.t.db, replayed.id, 'test');
    await replay.ingest(batch as unknown as InterviewEvent[], clock.now());
    await replay.flush();
    expect(replay.totals).toEqual({ accepted: 6, duplicates: 0, rejected: 24 });
    expect(replay.totals).toEqual({ accepted: res.accepted, duplicates: 0, rejected: res.rejected.length });
    expect(await balance(replayed)).toEqual({ balance: 0, overage: 0 });
    expect(await storedInterviews(replayed)).toEqual(ids.slice(0, 2));
    expect(await storedInterviews(replayed)).toEqual(await storedInterviews(ingested));
    expect(await verifyTenant(env.t.db, replayed.id)).toEqual([]);
  });
});
