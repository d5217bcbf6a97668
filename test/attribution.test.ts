import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reverseCharge } from '../src/server/ledger/reversals.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
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
 * Attribution (docs/product.md, Attribution): events carry a recruiter, a department, a location
 * and tags; an interview takes, per field, the latest event's; usage is broken down by them.
 */

const clock = new TestClock(new Date('2026-01-20T12:00:00Z'));
const env = testAppForFile(clock);
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read'];
const RANGE = 'from=2026-01-01&to=2026-01-31';

type Event = Record<string, unknown>;

/** One interview's events (as interviewEvents makes them), each carrying `attributes`. */
const attributed = (attributes: Event, o: Parameters<typeof interviewEvents>[0] = {}) =>
  interviewEvents(o).map((e) => ({ ...e, ...attributes }));

async function post(tenant: TestTenant, events: unknown[]) {
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.statusCode).toBe(200);
  return res.json() as {
    accepted: number;
    duplicates: number;
    rejected: { index: number; code: string; message: string }[];
  };
}

async function get(tenant: TestTenant, url: string) {
  const res = await env.app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  return res;
}

interface Item {
  key: string | null;
  label: string;
  invited: number;
  completed: number;
  partiallyCompleted: number;
  simulations: number;
  creditsUsed: number;
  share: number;
}

async function breakdown(tenant: TestTenant, by: string, range = RANGE) {
  const res = await get(tenant, `/api/v1/consumption/breakdown?by=${encodeURIComponent(by)}&${range}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    by: string;
    items: Item[];
    totals: Item & { totalInterviews: number };
    total: number;
  };
}

const FIGURES = ['invited', 'completed', 'partiallyCompleted', 'simulations', 'creditsUsed'] as const;

/** The items' figures summed, and the summary's for the same range. */
async function expectItemsAddUpToSummary(tenant: TestTenant, by: string, range = RANGE) {
  const b = await breakdown(tenant, by, range);
  const summary = (await get(tenant, `/api/v1/consumption/summary?${range}`)).json();
  for (const f of FIGURES) {
    const sum = b.items.reduce((s, i) => s + i[f], 0);
    expect(Math.round(sum * 1000), `${by}: items' ${f}`).toBe(Math.round(b.totals[f] * 1000));
    expect(b.totals[f], `${by}: totals' ${f} against the summary`).toBe(summary[f]);
  }
  return b;
}

const row = (i: Item) => [i.key, i.label, i.invited, i.completed, i.partiallyCompleted, i.creditsUsed];

describe('GET /api/v1/consumption/breakdown', () => {
  it('breaks usage down by recruiter and by department, adding up to the summary, with a (none) item', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const ann = {
      recruiterId: 'rec-ann',
      recruiterName: 'Ann Lee',
      department: 'Engineering',
      location: 'Berlin',
    };
    const bob = { recruiterId: 'rec-bob', recruiterName: 'Bob Roy', department: 'Nursing' };
    const events = [
      ...attributed(ann, { outcome: 'completed' }),
      ...attributed(ann, { outcome: 'completed' }),
      ...attributed(ann, { outcome: 'partial', completion: 0.5 }),
      ...attributed(bob, { outcome: 'completed' }),
      ...attributed(bob, { outcome: 'expired', expiresAfterHours: 24 }),
      ...attributed({ department: 'Nursing' }, { outcome: 'simulation' }),
      ...interviewEvents({ outcome: 'completed' }),
      ...interviewEvents({ outcome: 'invited' }),
    ];
    expect(await post(tenant, events)).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);

    const byRecruiter = await expectItemsAddUpToSummary(tenant, 'recruiter');
    expect(byRecruiter.by).toBe('recruiter');
    expect(byRecruiter.items.map(row)).toEqual([
      ['rec-ann', 'Ann Lee', 3, 2, 1, 2.5],
      // Ties by credits go by label: "(" sorts before letters.
      [null, '(none)', 2, 1, 0, 1],
      ['rec-bob', 'Bob Roy', 2, 1, 0, 1],
    ]);
    expect(byRecruiter.items.map((i) => i.share)).toEqual([0.5556, 0.2222, 0.2222]);
    expect(byRecruiter.total).toBe(3);

    const byDepartment = await expectItemsAddUpToSummary(tenant, 'department');
    expect(byDepartment.items.map((i) => [...row(i), i.simulations])).toEqual([
      ['Engineering', 'Engineering', 3, 2, 1, 2.5, 0],
      [null, '(none)', 2, 1, 0, 1, 0],
      ['Nursing', 'Nursing', 2, 1, 0, 1, 1],
    ]);
    const byLocation = await expectItemsAddUpToSummary(tenant, 'location');
    expect(byLocation.items.map(row)).toEqual([
      ['Berlin', 'Berlin', 3, 2, 1, 2.5],
      [null, '(none)', 4, 2, 0, 2],
    ]);

    // A range with nothing in it has no items at all, not a (none) of zeros.
    const empty = await breakdown(tenant, 'recruiter', 'from=2025-01-01&to=2025-01-31');
    expect(empty.items).toEqual([]);
    // The limit keeps the first items; total still counts them all.
    const first = await get(tenant, `/api/v1/consumption/breakdown?by=recruiter&limit=1&${RANGE}`);
    expect(first.json().items.map((i: Item) => i.key)).toEqual(['rec-ann']);
    expect(first.json().total).toBe(3);
  });

  it('breaks usage down by a tag, tags merging key by key', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [invited, started, completed] = interviewEvents({ outcome: 'started' }).concat(
      interviewEvents({ outcome: 'completed' }).slice(-1),
    ) as Event[];
    const interviewId = (invited as Event).interviewId;
    const events = [
      { ...invited, tags: { team: 'platform', source: 'referral' } },
      { ...started, tags: { team: 'data' } },
      { ...completed, interviewId, tags: { priority: 'high' } },
      ...attributed({ tags: { team: 'platform' } }, { outcome: 'completed' }),
      ...interviewEvents({ outcome: 'completed' }),
    ];
    expect((await post(tenant, events)).rejected).toEqual([]);
    const byTeam = await expectItemsAddUpToSummary(tenant, 'tag:team');
    expect(byTeam.items.map(row)).toEqual([
      [null, '(none)', 1, 1, 0, 1],
      ['data', 'data', 1, 1, 0, 1],
      ['platform', 'platform', 1, 1, 0, 1],
    ]);
    const bySource = await expectItemsAddUpToSummary(tenant, 'tag:source');
    expect(bySource.items.map(row)).toEqual([
      [null, '(none)', 2, 2, 0, 2],
      ['referral', 'referral', 1, 1, 0, 1],
    ]);
    const unknown = await expectItemsAddUpToSummary(tenant, 'tag:nobody-uses-this');
    expect(unknown.items.map(row)).toEqual([[null, '(none)', 3, 3, 0, 3]]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('moves an interview’s usage when a later event changes its department, and not when an earlier one arrives late', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [invited, started, completed] = interviewEvents({ outcome: 'completed' }) as Event[];
    expect((await post(tenant, [{ ...invited, department: 'Sales' }, started])).rejected).toEqual([]);
    expect((await breakdown(tenant, 'department')).items.map(row)).toEqual([['Sales', 'Sales', 1, 0, 0, 0]]);

    await post(tenant, [{ ...completed, department: 'Support', recruiterId: 'rec-1' }]);
    expect((await breakdown(tenant, 'department')).items.map(row)).toEqual([
      ['Support', 'Support', 1, 1, 0, 1],
    ]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);

    // An event from before the completion, sent late, names another department: the later one stays.
    const late = {
      ...(invited as Event),
      id: `${(invited as Event).id}-late`,
      type: 'interview.progress',
      completion: 0.5,
      occurredAt: '2026-01-10T12:10:00.000Z',
      department: 'Marketing',
      recruiterId: 'rec-2',
    };
    expect((await post(tenant, [late])).rejected).toEqual([]);
    expect((await breakdown(tenant, 'department')).items.map(row)).toEqual([
      ['Support', 'Support', 1, 1, 0, 1],
    ]);
    expect((await breakdown(tenant, 'recruiter')).items.map((i) => i.key)).toEqual(['rec-1']);
    await expectItemsAddUpToSummary(tenant, 'department');
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('gives the same breakdowns, interviews and rollups for a stream shuffled, repeated and in batches', async () => {
    const stream: Event[] = [];
    const people = [
      { recruiterId: 'r1', recruiterName: 'Ann' },
      { recruiterId: 'r2', recruiterName: 'Bob' },
      { recruiterId: 'r1', recruiterName: 'Ann B.' },
    ];
    for (let n = 0; n < 6; n++) {
      const events = interviewEvents({
        outcome: (['completed', 'partial', 'expired'] as const)[n % 3],
        at: `2026-01-${String(5 + n).padStart(2, '0')}T23:30:00Z`,
      });
      // Every event names something, and later events change department and recruiter.
      events.forEach((e, k) => {
        stream.push({
          ...e,
          ...people[(n + k) % people.length],
          department: ['A', 'B'][(n + k) % 2],
          tags: { wave: String(k % 2), team: `t${n % 2}` },
        });
      });
    }
    const inOrder = await makeTenant(env.t.db, clock, { scopes: SCOPES, timeZone: 'Asia/Kolkata' });
    const shuffled = await makeTenant(env.t.db, clock, { scopes: SCOPES, timeZone: 'Asia/Kolkata' });
    expect((await post(inOrder, stream)).rejected).toEqual([]);
    const reversed = [...stream].reverse();
    const delivered = [...reversed.slice(0, 7), ...stream.slice(2, 9), ...reversed.slice(7)];
    for (let i = 0; i < delivered.length; i += 5) {
      expect((await post(shuffled, delivered.slice(i, i + 5))).rejected).toEqual([]);
    }
    for (const by of ['recruiter', 'department', 'location', 'tag:wave', 'tag:team']) {
      const a = await expectItemsAddUpToSummary(inOrder, by);
      const b = await expectItemsAddUpToSummary(shuffled, by);
      expect(b.items, by).toEqual(a.items);
    }
    const rows = (tenantId: string, sql: string) =>
      env.t.db.withTenant(tenantId, async (tx) =>
        (await tx.query<{ v: string }>(sql, [tenantId])).map((r) => r.v),
      );
    for (const sql of [
      `select (to_jsonb(r) - 'tenant_id')::text as v from attribute_daily_usage r where tenant_id = $1
        order by dimension, value, day`,
      `select id || ' ' || attribution::text as v from interviews where tenant_id = $1 order by id`,
      `select (to_jsonb(r) - 'tenant_id')::text as v from recruiters r where tenant_id = $1 order by id`,
    ]) {
      expect(await rows(shuffled.id, sql)).toEqual(await rows(inOrder.id, sql));
    }
    // Each recruiter's label is the name of the latest event naming them, whatever the order it came in.
    const latest = new Map<string, Event>();
    for (const e of stream) {
      const held = latest.get(e.recruiterId as string);
      if (
        !held ||
        (e.occurredAt as string) > (held.occurredAt as string) ||
        (e.occurredAt === held.occurredAt && (e.id as string) > (held.id as string))
      )
        latest.set(e.recruiterId as string, e);
    }
    const labels = (await breakdown(shuffled, 'recruiter')).items.map((i) => [i.key, i.label]).sort();
    expect(labels).toEqual([...latest].map(([id, e]) => [id, e.recruiterName]).sort());
    expect(await verifyTenant(env.t.db, inOrder.id)).toEqual([]);
    expect(await verifyTenant(env.t.db, shuffled.id)).toEqual([]);
  });

  it('takes a reversed interview’s credits off its attributes too', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const events = attributed({ department: 'Legal' }, { outcome: 'completed' });
    await post(tenant, events);
    expect((await breakdown(tenant, 'department')).items.map(row)).toEqual([['Legal', 'Legal', 1, 1, 0, 1]]);
    await reverseCharge(env.t.db, tenant.id, {
      interviewId: (events[0] as Event).interviewId as string,
      reason: 'technical failure',
      actor: 'test',
      now: clock.now(),
    });
    expect((await breakdown(tenant, 'department')).items.map(row)).toEqual([['Legal', 'Legal', 1, 1, 0, 0]]);
    await expectItemsAddUpToSummary(tenant, 'department');
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('refuses a `by` it does not know with 400, and callers other than Account Admins and usage:read keys', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    for (const by of [
      '',
      'opening',
      'Recruiter',
      'recruiter ',
      'tag:',
      'tag:a:b',
      'tag:a.b',
      `tag:${'x'.repeat(41)}`,
      "department' or 1=1 --",
      'tag:%00',
    ]) {
      const res = await get(tenant, `/api/v1/consumption/breakdown?by=${encodeURIComponent(by)}`);
      expect(res.statusCode, by).toBe(400);
      expect(res.json().error.code, by).toMatch(/^invalid_(request|text)$/);
    }
    expect((await get(tenant, '/api/v1/consumption/breakdown')).statusCode).toBe(400);
    expect(
      (await get(tenant, '/api/v1/consumption/breakdown?by=recruiter&from=2026-02-01&to=2026-01-01')).json()
        .error.code,
    ).toBe('invalid_range');
    const engine = await makeTenant(env.t.db, clock);
    expect((await get(engine, '/api/v1/consumption/breakdown?by=recruiter')).statusCode).toBe(403);
    for (const role of ['recruiter', 'viewer'] as const) {
      const { cookie } = await signIn(env.app, env.t.db, tenant.id, role);
      const res = await env.app.inject({
        method: 'GET',
        url: '/api/v1/consumption/breakdown?by=recruiter',
        headers: { cookie },
      });
      expect(res.statusCode, role).toBe(403);
    }
    const { cookie } = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/breakdown?by=tag:team',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('attribution on events', () => {
  it('refuses malformed attribution per event with invalid_attribution, naming the field, and takes the rest', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const good = interviewEvents({ outcome: 'completed' });
    const base = interviewEvents({ outcome: 'invited' })[0] as Event;
    const bad: [Event, string][] = [
      [{ recruiterName: 'Ann' }, 'recruiterName'],
      [{ recruiterId: '' }, 'recruiterId'],
      [{ recruiterId: 'r1', recruiterName: 'x'.repeat(101) }, 'recruiterName'],
      [{ department: 'x'.repeat(101) }, 'department'],
      [{ location: 42 }, 'location'],
      [{ tags: ['a'] }, 'tags'],
      [{ tags: { 'a:b': 'x' } }, 'tags.a:b'],
      [{ tags: { team: '' } }, 'tags.team'],
      [{ tags: { team: 7 } }, 'tags.team'],
      [{ tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, 'tags'],
    ];
    const events = [
      ...good,
      ...bad.map(([attrs], i) => ({ ...base, id: `bad-${i}`, ...attrs })),
      // Something else wrong as well: an invalid event, not only its attribution.
      { ...base, id: 'bad-type', type: 'interview.nope', department: 'x'.repeat(101) },
    ];
    const result = await post(tenant, events);
    expect(result.accepted).toBe(good.length);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      ...bad.map((_, i) => [good.length + i, 'invalid_attribution']),
      [good.length + bad.length, 'invalid_event'],
    ]);
    bad.forEach(([, field], i) => {
      expect(result.rejected[i]?.message, field).toContain(`${field}:`);
    });
    // Refused events left nothing: the interview they name does not exist, no rollup by attribute.
    const counts = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ interviews: number; attributed: number; events: number }>(
        `select (select count(*)::int from interviews where id = $1) as interviews,
                (select count(*)::int from attribute_daily_usage) as attributed,
                (select count(*)::int from interview_events) as events`,
        [base.interviewId],
      ),
    );
    expect(counts[0]).toEqual({ interviews: 0, attributed: 0, events: good.length });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('takes an event id again with other attribution as event_id_conflict, and tags in another order as a duplicate', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [e] = attributed({ department: 'Sales', tags: { a: '1', b: '2' } }, { outcome: 'invited' }) as [
      Event,
    ];
    expect((await post(tenant, [e])).accepted).toBe(1);
    const again = await post(tenant, [
      { ...e, tags: { b: '2', a: '1' } },
      { ...e, department: 'Support' },
      { ...e, tags: { a: '1' } },
      { ...e, recruiterId: 'r1' },
      { ...e, department: undefined, tags: undefined },
    ]);
    expect(again.duplicates).toBe(1);
    expect(again.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'event_id_conflict'],
      [2, 'event_id_conflict'],
      [3, 'event_id_conflict'],
      [4, 'event_id_conflict'],
    ]);
    expect((await breakdown(tenant, 'department')).items.map(row)).toEqual([['Sales', 'Sales', 1, 0, 0, 0]]);
  });

  it('keeps the content hash of an event without attribution as it was before attribution existed', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [e] = interviewEvents({ outcome: 'invited' }) as [Event];
    await post(tenant, [e]);
    const [stored] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ payload_hash: string; attribution: unknown }>(
        'select payload_hash, attribution from interview_events where id = $1',
        [e.id],
      ),
    );
    const before = JSON.stringify([
      e.type,
      e.interviewId,
      e.openingId,
      e.jobTitle,
      e.candidateId,
      Date.parse(e.occurredAt as string),
      e.completion,
    ]);
    expect(stored).toEqual({
      payload_hash: createHash('sha256').update(before).digest('base64url'),
      attribution: null,
    });
  });
});

describe('ledger verify', () => {
  it('names a rollup by attribute that is off from its interviews', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    await post(tenant, [
      ...attributed({ department: 'Sales', recruiterId: 'r1' }, { outcome: 'completed' }),
      ...attributed({ department: 'Support' }, { outcome: 'completed' }),
    ]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    const owner = (sql: string) => env.t.asOwner((q) => q.query(sql, [tenant.id]));
    const rollupProblems = async () =>
      (await verifyTenant(env.t.db, tenant.id)).filter((p) => p.check === 'rollup').map((p) => p.message);

    await owner(
      `update attribute_daily_usage set credits_milli = credits_milli + 1
        where tenant_id = $1 and dimension = 'department' and value = 'Sales' and credits_milli > 0`,
    );
    expect(await rollupProblems()).toEqual([
      expect.stringMatching(
        /^Rollup by department "Sales" on 2026-01-10 is off from its interviews by \{"creditsMilli":-1\}$/,
      ),
    ]);
    await owner(
      `update attribute_daily_usage set credits_milli = credits_milli - 1
        where tenant_id = $1 and dimension = 'department' and value = 'Sales' and credits_milli > 0`,
    );
    expect(await rollupProblems()).toEqual([]);

    // Usage moved from one value to another: each side is named.
    await owner(
      `update attribute_daily_usage set value = 'Marketing' where tenant_id = $1 and value = 'Support'`,
    );
    expect((await rollupProblems()).sort()).toEqual([
      expect.stringContaining('Rollup by department "Marketing"'),
      expect.stringContaining('Rollup by department "Support"'),
    ]);
    await owner(
      `update attribute_daily_usage set value = 'Support' where tenant_id = $1 and value = 'Marketing'`,
    );

    // An interview's attribute changed behind ingest's back: its usage is no longer where it says.
    await owner(
      `update interviews set attribution = jsonb_set(attribution, '{recruiter,value}', '"r9"')
        where tenant_id = $1 and attribution ? 'recruiter'`,
    );
    // The rollup by attribution set (docs/product.md, Filters) names it too.
    const problems = await rollupProblems();
    expect(problems.filter((p) => p.startsWith('Rollup by recruiter')).sort()).toEqual([
      expect.stringContaining('Rollup by recruiter "r1"'),
      expect.stringContaining('Rollup by recruiter "r9"'),
    ]);
    expect(problems.some((p) => p.startsWith('Rollup by attribution set'))).toBe(true);
  });
});
