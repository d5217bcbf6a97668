import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../src/server/db/database.js';
import { reverseCharge } from '../src/server/ledger/reversals.js';
import { type PartialRule, parsePartialRule } from '../src/server/ledger/rules.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import type { PlanInput } from '../src/server/tenants/create.js';
import type { ApiKeyScope } from '../src/shared/api-key-scopes.js';
import { makeTenant, postEvents, TestClock, type TestTenant, testAppForFile } from './helpers/factories.js';

/**
 * Properties of ingestion against the real database (docs/product.md, Credit rules and Credit
 * alerts): events arrive late, repeated and out of order, in batches of any size, and the books come out the
 * same; the ledger always adds up; no interview ever costs more than one credit. Each run
 * uses fresh tenants, so runs do not see each other.
 */

/** Runs per property; METERLINE_PROPERTY_RUNS=500 for a long hunt. */
const runs = (n: number) => Number(process.env.METERLINE_PROPERTY_RUNS) || n;

const clock = new TestClock(new Date('2026-01-20T12:00:00Z'));

const env = testAppForFile(clock);

/** The key here sends events and reads the balance back. */
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read'];

// ---------------------------------------------------------------------------------------------
// Event streams

type Outcome =
  | 'invited'
  | 'started'
  | 'completed'
  | 'partial'
  | 'expired'
  | 'cancelled'
  | 'simulation'
  /** Ended early, then resumed and completed. */
  | 'resumed'
  /** Started, then the invitation expired or was cancelled before the end. */
  | 'abandoned';
const OUTCOMES: Outcome[] = [
  'invited',
  'started',
  'completed',
  'partial',
  'expired',
  'cancelled',
  'simulation',
  'resumed',
  'abandoned',
];

interface InterviewSpec {
  outcome: Outcome;
  completion: number;
  /** Minutes after the stream's start the invitation goes out, then between later events. */
  start: number;
  gaps: number[];
  opening: number;
  candidate: number;
  /** A job title per event (null: the event names none). */
  titles: (number | null)[];
  /** Attribution per event (null: the event attributes nothing); see attributesOf. */
  attributes: (number | null)[];
}

interface WireEvent {
  id: string;
  type: string;
  interviewId: string;
  openingId: string;
  jobTitle?: string;
  candidateId?: string;
  occurredAt: string;
  completion?: number;
  recruiterId?: string;
  recruiterName?: string;
  department?: string;
  location?: string;
  tags?: Record<string, string>;
}

/** What an event says of its interview's attribution: recruiters with changing names, departments, tags. */
function attributesOf(n: number | null | undefined): Partial<WireEvent> {
  if (n === null || n === undefined) return {};
  return {
    recruiterId: `rec-${n % 3}`,
    ...(n % 4 === 0 ? {} : { recruiterName: `Recruiter ${n}` }),
    department: `dep-${n % 2}`,
    ...(n === 3 ? { location: 'Berlin' } : {}),
    ...(n % 2 === 1 ? { tags: { team: `t${n % 3}`, ...(n > 3 ? { wave: String(n) } : {}) } } : {}),
  };
}

const STREAM_START = Date.parse('2026-01-03T00:00:00Z');
const MINUTE = 60_000;

const completionArb = fc.oneof(
  fc.constantFrom(0, 0.1, 0.2499, 0.25, 0.5, 0.7499, 0.75, 0.9, 1),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

const specArb: fc.Arbitrary<InterviewSpec> = fc.record({
  outcome: fc.constantFrom(...OUTCOMES),
  completion: completionArb,
  // Up to ten days, at any minute: events cross local midnights in every zone below.
  start: fc.integer({ min: 0, max: 10 * 24 * 60 }),
  gaps: fc.array(fc.integer({ min: 1, max: 36 * 60 }), { minLength: 7, maxLength: 7 }),
  opening: fc.integer({ min: 0, max: 2 }),
  candidate: fc.integer({ min: 0, max: 3 }),
  titles: fc.array(fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }), { minLength: 7, maxLength: 7 }),
  attributes: fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), {
    minLength: 7,
    maxLength: 7,
  }),
});

/** One interview's events, in the order they happen. */
function eventsOf(spec: InterviewSpec, n: number): WireEvent[] {
  const events: WireEvent[] = [];
  let minute = spec.start;
  const push = (type: string, completion?: number) => {
    const k = events.length;
    if (k > 0) minute += spec.gaps[(k - 1) % spec.gaps.length] ?? 1;
    const title = spec.titles[k % spec.titles.length];
    events.push({
      id: `ev-${n}-${k}`,
      type,
      interviewId: `iv-${n}`,
      openingId: `op-${spec.opening}`,
      ...(title === null || title === undefined ? {} : { jobTitle: `Role ${spec.opening}.${title}` }),
      candidateId: `cand-${spec.candidate}`,
      occurredAt: new Date(STREAM_START + minute * MINUTE).toISOString(),
      ...(completion === undefined ? {} : { completion }),
      ...attributesOf(spec.attributes[k % spec.attributes.length]),
    });
  };
  const c = spec.completion;
  switch (spec.outcome) {
    case 'simulation':
      push('simulation.run');
      return events;
    case 'invited':
      push('interview.invited');
      return events;
    case 'expired':
    case 'cancelled':
      push('interview.invited');
      push(`interview.${spec.outcome}`);
      return events;
  }
  push('interview.invited');
  push('interview.started');
  push('interview.progress', c / 2);
  if (spec.outcome === 'completed') push('interview.completed');
  if (spec.outcome === 'partial') push('interview.ended', c);
  if (spec.outcome === 'resumed') {
    push('interview.ended', c);
    push('interview.started');
    push('interview.progress', (1 + c) / 2);
    push('interview.completed');
  }
  if (spec.outcome === 'abandoned') {
    push('interview.progress', c);
    push(c < 0.5 ? 'interview.expired' : 'interview.cancelled');
  }
  return events;
}

/** The same instant written with another UTC offset: the same event, as a re-sending client may write it. */
function withOffset(iso: string, offsetMinutes: number): string {
  const local = new Date(Date.parse(iso) + offsetMinutes * MINUTE).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

interface Delivery {
  /** Indexes into the in-order stream: a permutation of it plus repeats. */
  order: number[];
  /** Repeats re-written with another UTC offset (index into `order` → offset in minutes). */
  offsets: Record<number, number>;
  /** Where the delivered stream is cut into batches. */
  cuts: number[];
}

interface Scenario {
  timeZone: string;
  plan: 'default' | 'small_allow' | 'other_rule';
  specs: InterviewSpec[];
  delivery: Delivery;
}

const OTHER_RULE: PartialRule = parsePartialRule({
  version: 3,
  tiers: [
    { minCompletion: 0, creditsMilli: 0 },
    { minCompletion: 0.1, creditsMilli: 125 },
    { minCompletion: 0.5, creditsMilli: 700 },
    { minCompletion: 0.9, creditsMilli: 1000 },
  ],
});

function planOf(kind: Scenario['plan']): Partial<PlanInput> {
  // A small allotment that runs out, with unlimited overage, so consumption goes past every lot.
  if (kind === 'small_allow')
    return { allotmentMilli: 1500, overageMode: 'allow', overageLimitMilli: 1_000_000_000 };
  if (kind === 'other_rule') return { partialRule: OTHER_RULE };
  return {};
}

const deliveryArb = (n: number): fc.Arbitrary<Delivery> =>
  fc
    .tuple(
      fc.array(fc.nat({ max: n - 1 }), { maxLength: Math.ceil(n / 2) }),
      fc.array(fc.nat(), { minLength: 2 * n, maxLength: 2 * n }),
      fc.array(fc.constantFrom(330, -480, 765, 60), { maxLength: n }),
      fc.uniqueArray(fc.nat(), { maxLength: 5 }),
    )
    .map(([repeats, keys, offsetList, cutSeeds]) => {
      const all = [...Array.from({ length: n }, (_, i) => i), ...repeats];
      const order = all
        .map((i, k) => ({ i, key: keys[k] ?? 0, k }))
        .sort((a, b) => a.key - b.key || a.k - b.k)
        .map((x) => x.i);
      // Some repeats (second and later sightings of an event) come with another UTC offset.
      const offsets: Record<number, number> = {};
      const seen = new Set<number>();
      order.forEach((i, k) => {
        if (seen.has(i) && offsetList[k] !== undefined) offsets[k] = offsetList[k];
        seen.add(i);
      });
      const cuts = [...new Set(cutSeeds.map((s) => (s % Math.max(1, order.length - 1)) + 1))].sort(
        (a, b) => a - b,
      );
      return { order, offsets, cuts };
    });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    timeZone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Europe/London'),
    plan: fc.constantFrom<Scenario['plan']>('default', 'small_allow', 'other_rule'),
    specs: fc.array(specArb, { minLength: 2, maxLength: 7 }),
  })
  .chain((s) => {
    const n = inOrder(s.specs).length;
    return deliveryArb(n).map((delivery) => ({ ...s, delivery }));
  });

/** The stream as it happened: every event once, by time (ties in a fixed order). */
function inOrder(specs: InterviewSpec[]): WireEvent[] {
  return specs
    .flatMap((spec, n) => eventsOf(spec, n))
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.id < b.id ? -1 : 1));
}

/** The stream as delivered: shuffled, with repeats, cut into batches. */
function batchesOf(stream: WireEvent[], d: Delivery): WireEvent[][] {
  const delivered = d.order.map((i, k) => {
    const e = stream[i] as WireEvent;
    const offset = d.offsets[k];
    return offset === undefined ? e : { ...e, occurredAt: withOffset(e.occurredAt, offset) };
  });
  const batches: WireEvent[][] = [];
  let from = 0;
  for (const cut of [...d.cuts, delivered.length]) {
    if (cut > from) batches.push(delivered.slice(from, cut));
    from = Math.max(from, cut);
  }
  return batches;
}

// ---------------------------------------------------------------------------------------------
// Reading the books

interface Ledger {
  balanceMilli: number;
  overageMilli: number;
  ledgerSumMilli: number;
  /** Per interview: [id, charged_milli, sum of its ledger entries]. */
  charges: [string, number, number][];
  /**
   * Consumption entries that give credits back instead of taking them, a move's first half aside
   * (on no lot, followed by its second half taking the same credits for the same interview).
   */
  positiveConsumption: number;
  /** Interviews, not reversed, with consumption dated elsewhere than at their finish. */
  misdated: number;
}

interface Books extends Ledger {
  interviews: string[];
  dailyUsage: string[];
  attributeUsage: string[];
  setUsage: string[];
  setDayUsage: string[];
  attributionSets: string[];
  recruiters: string[];
  openings: string[];
  candidates: string[];
  events: string[];
}

async function ledger(tx: Queryable, tenantId: string): Promise<Ledger> {
  const [account] = await tx.query<{
    balance: number;
    overage: number;
    total: number;
    positive: number;
    misdated: number;
  }>(
    `select balance_milli as balance, overage_milli as overage,
            (select coalesce(sum(amount_milli), 0)::bigint from ledger_entries where tenant_id = $1) as total,
            (select count(*)::int from ledger_entries e
              where tenant_id = $1 and kind = 'consumption' and amount_milli >= 0
                and not (lot_id is null and amount_milli > 0 and exists (
                  select 1 from ledger_entries m
                   where m.tenant_id = e.tenant_id and m.id = e.id + 1 and m.kind = 'consumption'
                     and m.lot_id is null and m.interview_id = e.interview_id
                     and m.amount_milli = -e.amount_milli))) as positive,
            (select count(*)::int from (
               select 1 from interviews i
                 join ledger_entries e on e.tenant_id = i.tenant_id and e.interview_id = i.id
                where i.tenant_id = $1 and i.reversed_at is null and e.kind = 'consumption'
                  and e.effective_at is distinct from i.finished_at
                group by i.id, e.effective_at having sum(e.amount_milli) <> 0) misdated) as misdated
       from credit_accounts where tenant_id = $1`,
    [tenantId],
  );
  const charges = await tx.query<{ id: string; charged: number; booked: number }>(
    `select i.id, i.charged_milli as charged, coalesce(sum(e.amount_milli), 0)::bigint as booked
       from interviews i
       left join ledger_entries e on e.tenant_id = i.tenant_id and e.interview_id = i.id
      where i.tenant_id = $1 group by i.id, i.charged_milli order by i.id`,
    [tenantId],
  );
  return {
    balanceMilli: Number(account?.balance),
    overageMilli: Number(account?.overage),
    ledgerSumMilli: Number(account?.total),
    charges: charges.map((c) => [c.id, Number(c.charged), Number(c.booked)]),
    positiveConsumption: Number(account?.positive),
    misdated: Number(account?.misdated),
  };
}

/** Everything the order of events must not change, as the tenant's own rows. */
async function books(tenantId: string): Promise<Books> {
  return env.t.db.withTenant(tenantId, async (tx) => {
    const q = async (sql: string) => (await tx.query<{ v: string }>(sql, [tenantId])).map((r) => r.v);
    return {
      ...(await ledger(tx, tenantId)),
      interviews: await q(
        `select (to_jsonb(r) - 'tenant_id' - 'updated_at')::text as v from interviews r where tenant_id = $1 order by id`,
      ),
      dailyUsage: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from daily_usage r where tenant_id = $1 order by opening_id, day`,
      ),
      attributeUsage: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from attribute_daily_usage r where tenant_id = $1
          order by dimension, value, day`,
      ),
      setUsage: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from attribution_daily_usage r where tenant_id = $1
          order by set_id, day, opening_id`,
      ),
      setDayUsage: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from attribution_set_daily_usage r where tenant_id = $1
          order by set_id, day`,
      ),
      attributionSets: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from attribution_sets r where tenant_id = $1 order by set_id`,
      ),
      recruiters: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from recruiters r where tenant_id = $1 order by id`,
      ),
      openings: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from openings r where tenant_id = $1 order by id`,
      ),
      candidates: await q(
        `select (to_jsonb(r) - 'tenant_id')::text as v from candidates r where tenant_id = $1 order by id`,
      ),
      events: await q(
        `select id || ' ' || payload_hash || ' ' || occurred_at::text as v from interview_events
          where tenant_id = $1 order by id`,
      ),
    };
  });
}

/** What the books must say after every batch. */
async function expectSoundBooks(tenant: TestTenant, label: string): Promise<Ledger> {
  const b = await env.t.db.withTenant(tenant.id, (tx) => ledger(tx, tenant.id));
  expect(await verifyTenant(env.t.db, tenant.id), `${label}: ledger verify`).toEqual([]);
  expect(b.balanceMilli, `${label}: balance = sum of the ledger`).toBe(b.ledgerSumMilli);
  const res = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  expect(Math.round(res.json().balance * 1000), `${label}: GET /credits/balance`).toBe(b.ledgerSumMilli);
  for (const [id, charged, booked] of b.charges) {
    // One interview costs at most one credit; its charge is what its ledger entries took.
    expect({ id, charged, booked }, label).toEqual({
      id,
      charged: expect.toSatisfy((x: number) => x >= 0 && x <= 1000),
      booked: charged === 0 ? 0 : -charged,
    });
  }
  expect(b.positiveConsumption, `${label}: consumption entries that give credits`).toBe(0);
  // A charge sits on the day its interview finished, wherever the finish moved (docs/product.md, Credit rules).
  expect(b.misdated, `${label}: interviews charged off their finish`).toBe(0);
  return b;
}

async function post(tenant: TestTenant, events: WireEvent[]) {
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.statusCode).toBe(200);
  return res.json() as { accepted: number; duplicates: number; rejected: unknown[] };
}

const sameBooks = (b: Books) => ({
  balanceMilli: b.balanceMilli,
  overageMilli: b.overageMilli,
  interviews: b.interviews,
  dailyUsage: b.dailyUsage,
  attributeUsage: b.attributeUsage,
  recruiters: b.recruiters,
  openings: b.openings,
  candidates: b.candidates,
  events: b.events,
  charges: b.charges,
});

// ---------------------------------------------------------------------------------------------

describe('ingesting a stream delivered shuffled, repeated and in batches', () => {
  it('gives the same balance, interviews, charges and daily rollups (by opening, by attribute and by attribution set) as the stream in order in one batch', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const stream = inOrder(s.specs);
        const tenantOpts = { timeZone: s.timeZone, plan: planOf(s.plan) };
        const ordered = await makeTenant(env.t.db, clock, { ...tenantOpts, scopes: SCOPES });
        const shuffled = await makeTenant(env.t.db, clock, { ...tenantOpts, scopes: SCOPES });

        expect(await post(ordered, stream)).toEqual({ accepted: stream.length, duplicates: 0, rejected: [] });
        await expectSoundBooks(ordered, 'in order');
        const expected = await books(ordered.id);

        const batches = batchesOf(stream, s.delivery);
        let accepted = 0;
        let duplicates = 0;
        const chargedSoFar = new Map<string, number>();
        for (const [k, batch] of batches.entries()) {
          const res = await post(shuffled, batch);
          expect(res.rejected, `batch ${k}`).toEqual([]);
          accepted += res.accepted;
          duplicates += res.duplicates;
          const now = await expectSoundBooks(shuffled, `after batch ${k} of ${batches.length}`);
          // Charges only grow: nothing is given back without a reversal.
          for (const [id, charged] of now.charges) {
            expect(charged, `charge of ${id} after batch ${k}`).toBeGreaterThanOrEqual(
              chargedSoFar.get(id) ?? 0,
            );
            chargedSoFar.set(id, charged);
          }
        }
        expect({ accepted, duplicates }).toEqual({
          accepted: stream.length,
          duplicates: s.delivery.order.length - stream.length,
        });
        expect(sameBooks(await books(shuffled.id))).toEqual(sameBooks(expected));
      }),
      { numRuns: runs(15) },
    );
  });
});

describe('reversals between batches', () => {
  it('keep every interview between 0 and 1 credit, and a reversed one at 0 whatever arrives later', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), async (s, picks) => {
        const tenant = await makeTenant(env.t.db, clock, {
          timeZone: s.timeZone,
          plan: planOf(s.plan),
          scopes: SCOPES,
        });
        const batches = batchesOf(inOrder(s.specs), s.delivery);
        const reversed = new Set<string>();
        for (const [k, batch] of batches.entries()) {
          expect((await post(tenant, batch)).rejected).toEqual([]);
          const now = await expectSoundBooks(tenant, `after batch ${k}`);
          for (const id of reversed) {
            expect(now.charges.find(([i]) => i === id)?.[1], `reversed ${id} charged again`).toBe(0);
          }
          // Reverse one charged interview, picked by the property.
          const charged = now.charges.filter(([id, milli]) => milli > 0 && !reversed.has(id));
          const pick = charged[(picks[k % picks.length] ?? 0) % Math.max(1, charged.length)];
          if (pick && k < picks.length) {
            await reverseCharge(env.t.db, tenant.id, {
              interviewId: pick[0],
              reason: 'technical failure',
              actor: 'test',
              now: clock.now(),
            });
            reversed.add(pick[0]);
            await expectSoundBooks(tenant, `after reversing ${pick[0]}`);
          }
        }
        const end = await expectSoundBooks(tenant, 'at the end');
        for (const id of reversed) expect(end.charges.find(([i]) => i === id)?.slice(1)).toEqual([0, 0]);
      }),
      { numRuns: runs(12) },
    );
  });
});
