import { describe, expect, it } from 'vitest';
import type { ParsedEvent } from '../src/server/metering/events.js';
import {
  addCandidates,
  type InterviewWrite,
  insertEvents,
  insertNewCandidateDays,
  insertNewCandidates,
  insertNewEvents,
  insertNewInterviews,
  upsertCandidates,
  upsertInterviews,
  upsertOpenings,
} from '../src/server/metering/queries.js';
import { makeTenant, TestClock, testAppForFile } from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

// Values a CSV or JSON encoding could get wrong: commas, quotes, line breaks, an empty string
// beside a NULL, non-ASCII text, nested JSON.
const AWKWARD = 'Sales, "EMEA"\nlead – Zürich';
const EVENTS: (ParsedEvent & { hash: string })[] = [
  {
    id: 'ev-1',
    type: 'interview.invited',
    interviewId: 'iv-1',
    openingId: 'op-1',
    candidateId: 'c-1',
    jobTitle: AWKWARD,
    occurredAt: '2026-01-10T09:00:00.000Z',
    department: 'Sales',
    tags: { region: 'EMEA', note: 'a "b", c' },
    at: Date.parse('2026-01-10T09:00:00.000Z'),
    hash: 'h1',
  },
  {
    id: 'ev-2',
    type: 'interview.completed',
    interviewId: 'iv-1',
    openingId: 'op-1',
    candidateId: '',
    occurredAt: '2026-01-10T10:00:00.123Z',
    completion: 0.75,
    at: Date.parse('2026-01-10T10:00:00.123Z'),
    hash: '',
  },
];
const WRITES: InterviewWrite[] = [
  {
    record: {
      id: 'iv-1',
      openingId: 'op-1',
      candidateId: 'c-1',
      isSimulation: false,
      invitedAt: Date.parse('2026-01-10T09:00:00Z'),
      startedAt: null,
      completedAt: Date.parse('2026-01-10T10:00:00.123Z'),
      endedAt: null,
      expiredAt: null,
      cancelledAt: null,
      completion: 0.75,
      attribution: { department: { value: 'Sales', at: 1, event: 'ev-1' } },
    },
    state: 'completed',
    finishedAt: Date.parse('2026-01-10T10:00:00.123Z'),
    chargedMilli: 1000,
    chargeRule: 'completed',
    chargeRuleVersion: 1,
  },
  {
    record: {
      id: 'iv-2',
      openingId: 'op-1',
      candidateId: null,
      isSimulation: true,
      invitedAt: Date.parse('2026-01-11T09:00:00Z'),
      startedAt: null,
      completedAt: null,
      endedAt: null,
      expiredAt: null,
      cancelledAt: null,
      completion: 0,
      attribution: null,
    },
    state: 'invited',
    finishedAt: null,
    chargedMilli: 0,
    chargeRule: 'none',
    chargeRuleVersion: 1,
  },
];
const CANDIDATES = [
  { id: 'c-1', firstSeenAt: '2026-01-10T09:00:00.000Z' },
  { id: AWKWARD, firstSeenAt: '2026-01-10T10:00:00.123Z' },
];
const CANDIDATE_DAYS: [string, string, string, number][] = [
  ['op-1', '2026-01-10', 'c-1', 2],
  ['op-1', '2026-01-10', '#iv-9', 1],
  ['op-1', '2026-01-11', 'c-1', 1],
];
const OPENING = {
  id: 'op-1',
  jobTitle: AWKWARD,
  titleEventAt: '2026-01-10T09:00:00.000Z',
  titleEventId: 'ev-1',
  firstSeenAt: '2026-01-10T09:00:00.000Z',
};

/** What a tenant holds in the tables the bulk load writes, less the times the database sets itself. */
async function stored(tenantId: string) {
  return env.t.db.withTenant(tenantId, async (tx) => ({
    events: await tx.query(
      'select id, type, interview_id, opening_id, candidate_id, job_title, occurred_at, completion, attribution, payload_hash from interview_events order by id',
    ),
    interviews: await tx.query(
      `select id, opening_id, candidate_id, is_simulation, state, finished_at, invited_at, started_at, completed_at,
              ended_at, expired_at, cancelled_at, completion, charged_milli, charge_rule, charge_rule_version,
              reversed_at, attribution
         from interviews order by id`,
    ),
    candidates: await tx.query('select id, first_seen_at from candidates order by id'),
    candidateDays: await tx.query(
      'select opening_id, day, who, interviews from daily_candidates order by 1, 2, 3',
    ),
    dailyUsage: await tx.query('select opening_id, day, candidates from daily_usage order by 1, 2'),
  }));
}

describe('the bulk load of a new tenant (insertRows)', () => {
  it('stores exactly the rows the upserts of ingest store', async () => {
    const upserted = await makeTenant(env.t.db, clock);
    await env.t.db.withTenant(upserted.id, async (tx) => {
      await upsertOpenings(tx, upserted.id, [OPENING]);
      await insertEvents(tx, upserted.id, EVENTS);
      await upsertInterviews(tx, upserted.id, WRITES);
      await upsertCandidates(tx, upserted.id, CANDIDATES);
      await addCandidates(tx, upserted.id, CANDIDATE_DAYS);
    });
    const bulk = await makeTenant(env.t.db, clock);
    const roles = await env.t.db.withTenant(bulk.id, async (tx) => {
      const [before] = await tx.query<{ role: string }>('select current_user as role');
      await upsertOpenings(tx, bulk.id, [OPENING]);
      await insertNewEvents(tx, EVENTS);
      await insertNewInterviews(tx, WRITES);
      await insertNewCandidates(tx, CANDIDATES);
      await insertNewCandidateDays(tx, bulk.id, CANDIDATE_DAYS);
      const [after] = await tx.query<{ role: string }>('select current_user as role');
      return [before?.role, after?.role];
    });
    // PGlite's COPY runs as the superuser: the role in force before it is back after it.
    expect(roles[1]).toBe(roles[0]);
    const expected = await stored(upserted.id);
    expect(expected.events).toHaveLength(2);
    expect(expected.dailyUsage).toEqual([
      { opening_id: 'op-1', day: expect.anything(), candidates: 2 },
      { opening_id: 'op-1', day: expect.anything(), candidates: 1 },
    ]);
    expect(await stored(bulk.id)).toEqual(expected);
  });

  it('refuses a key already stored, and the transaction writes nothing', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    await env.t.db.withTenant(tenant.id, (tx) => insertNewCandidates(tx, CANDIDATES.slice(0, 1)));
    await expect(
      env.t.db.withTenant(tenant.id, async (tx) => {
        await insertNewCandidates(tx, CANDIDATES.slice(1));
        await insertNewCandidates(tx, CANDIDATES.slice(0, 1));
      }),
    ).rejects.toThrow(/duplicate key/);
    expect((await stored(tenant.id)).candidates).toHaveLength(1);
  });

  it('refuses a candidate day of no interviews (a new tenant has none)', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    await expect(
      env.t.db.withTenant(tenant.id, (tx) =>
        insertNewCandidateDays(tx, tenant.id, [['op-1', '2026-01-10', 'c-1', -1]]),
      ),
    ).rejects.toThrow(/cannot hold -1 interviews/);
  });
});
