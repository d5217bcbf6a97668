import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { reverseCharge } from '../src/server/ledger/reversals.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
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
 * Filters (docs/product.md, Filters): recruiterId, department, location and tag.<key> on every
 * usage route, combined with AND, answered from the rollup by attribution set.
 */

const clock = new TestClock(new Date('2026-01-20T12:00:00Z'));
const env = testAppForFile(clock);
const RANGE = 'from=2026-01-01&to=2026-01-31';

type Event = Record<string, unknown>;
const attributed = (attributes: Event, o: Parameters<typeof interviewEvents>[0] = {}) =>
  interviewEvents(o).map((e) => ({ ...e, ...attributes }));

let tenant: TestTenant;
let admin: { cookie: string };
const partial = attributed(
  { recruiterId: 'r1', department: 'Sales', tags: { team: 'a', level: 'senior' } },
  { openingId: 'op-2', outcome: 'partial', completion: 0.5, at: '2026-01-06T10:00:00Z' },
);

beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { scopes: ['events:write', 'usage:read'] });
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const ann = {
    recruiterId: 'r1',
    recruiterName: 'Ann',
    department: 'Nursing',
    location: 'Paris',
    tags: { team: 'a' },
  };
  const bob = {
    recruiterId: 'r2',
    recruiterName: 'Bob',
    department: 'Nursing',
    location: 'Lyon',
    tags: { team: 'b' },
  };
  const at5 = { openingId: 'op-1', at: '2026-01-05T10:00:00Z' };
  const events = [
    ...attributed(ann, { ...at5, candidateId: 'c1' }),
    ...attributed(ann, { ...at5, candidateId: 'c2' }),
    ...attributed(bob, { ...at5, candidateId: 'c3' }),
    ...partial,
    ...interviewEvents({ openingId: 'op-2', at: '2026-01-06T11:00:00Z' }),
    ...attributed({ tags: { level: 'junior' } }, { openingId: 'op-3', at: '2026-01-07T10:00:00Z' }),
    ...attributed(
      { department: 'Nursing' },
      { openingId: 'op-3', outcome: 'simulation', at: '2026-01-07T11:00:00Z' },
    ),
  ];
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json().rejected).toEqual([]);
});

const get = (url: string) => env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });

async function json(url: string) {
  const res = await get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Every route's figures for one filter: they must agree with each other. */
async function figuresOf(filter: string) {
  const q = `${RANGE}${filter ? `&${filter}` : ''}`;
  const summary = await json(`/api/v1/consumption/summary?${q}`);
  const openings = await json(`/api/v1/consumption/openings?${q}&pageSize=500`);
  const series = await json(`/api/v1/consumption/timeseries?${q}`);
  const byDepartment = await json(`/api/v1/consumption/breakdown?${q}&by=department`);
  const byTeam = await json(`/api/v1/consumption/breakdown?${q}&by=tag:team`);
  const yoy = await json(`/api/v1/consumption/year-over-year?year=2026${filter ? `&${filter}` : ''}`);
  const forecast = await json(`/api/v1/consumption/forecast${filter ? `?${filter}` : ''}`);
  const csv = (await get(`/api/v1/consumption/export?${q}`)).body;
  const [header, ...rows] = parse(csv, { bom: true }) as string[][];
  const col = (name: string) => (header as string[]).indexOf(name);
  const exported = (name: string) => round(rows.reduce((s, r) => s + Number(r[col(name)]), 0));
  const sum = (items: Record<string, number | null>[], k: string) =>
    round(items.reduce((s, i) => s + (i[k] ?? 0), 0));
  const credits = summary.creditsUsed as number;
  expect(openings.totals.creditsUsed).toBe(credits);
  expect(sum(openings.items, 'creditsUsed')).toBe(credits);
  expect(sum(series.points, 'creditsUsed')).toBe(credits);
  expect(sum(byDepartment.items, 'creditsUsed')).toBe(credits);
  expect(sum(byTeam.items, 'creditsUsed')).toBe(credits);
  expect(byDepartment.totals.creditsUsed).toBe(credits);
  expect(exported('Credits used')).toBe(credits);
  expect(yoy.months[0].thisYear.creditsUsed).toBe(credits);
  expect(forecast.currentMonthSoFar).toBe(credits);
  for (const k of ['invited', 'completed', 'partiallyCompleted', 'simulations'] as const) {
    expect(openings.totals[k], k).toBe(summary[k]);
    expect(sum(series.points, k), k).toBe(summary[k]);
    expect(sum(byDepartment.items, k), k).toBe(summary[k]);
  }
  expect(exported('Invited')).toBe(summary.invited);
  return { summary, openings, byDepartment, rows, header: header as string[], forecast };
}

describe('filters on every usage route', () => {
  it('agree with each other, unfiltered and under each filter and AND of filters', async () => {
    const all = await figuresOf('');
    expect(all.summary.invited).toBe(6);
    const nursing = await figuresOf('department=Nursing');
    expect([nursing.summary.invited, nursing.summary.completed, nursing.summary.simulations]).toEqual([
      3, 3, 1,
    ]);
    expect(nursing.openings.items.map((o: { openingId: string }) => o.openingId).sort()).toEqual([
      'op-1',
      'op-3',
    ]);
    const r1 = await figuresOf('recruiterId=r1');
    expect([r1.summary.invited, r1.summary.completed, r1.summary.partiallyCompleted]).toEqual([3, 2, 1]);
    const both = await figuresOf('recruiterId=r1&department=Nursing');
    expect([both.summary.invited, both.summary.completed]).toEqual([2, 2]);
    expect((await figuresOf('location=Lyon')).summary.completed).toBe(1);
    expect((await figuresOf('tag.team=a')).summary.invited).toBe(3);
    const senior = await figuresOf('tag.team=a&tag.level=senior');
    expect([senior.summary.invited, senior.summary.partiallyCompleted]).toEqual([1, 1]);
    const none = await figuresOf('department=Nowhere');
    expect([none.summary.invited, none.summary.creditsUsed, none.openings.total]).toEqual([0, 0, 0]);
  });

  it('keep the balance, the allotment, the runway and the period end the tenant’s', async () => {
    const all = await figuresOf('');
    const nursing = await figuresOf('department=Nursing');
    expect(nursing.summary.remainingBalance).toBe(all.summary.remainingBalance);
    expect(nursing.summary.allotment).toBe(all.summary.allotment);
    expect(nursing.forecast.runway).toEqual(all.forecast.runway);
    expect(nursing.forecast.endOfPeriod).toEqual(all.forecast.endOfPeriod);
  });

  it('break usage down within a filter, with the usage lacking the dimension as (none)', async () => {
    const b = await json(`/api/v1/consumption/breakdown?${RANGE}&by=recruiter&department=Nursing`);
    expect(
      b.items.map((i: { key: string | null; label: string; invited: number }) => [i.key, i.label, i.invited]),
    ).toEqual([
      ['r1', 'Ann', 2],
      ['r2', 'Bob', 1],
      [null, '(none)', 0],
    ]);
  });

  it('refuse a malformed tag filter with 400 invalid_filter, and a too long value with 400', async () => {
    for (const bad of [
      'tag.a:b=x',
      'tag.=x',
      'tag.team=',
      `tag.team=${'x'.repeat(101)}`,
      'tag.team=a&tag.team=b',
    ]) {
      const res = await get(`/api/v1/consumption/summary?${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code, bad).toBe('invalid_filter');
    }
    const res = await get(`/api/v1/consumption/summary?department=${'x'.repeat(101)}`);
    expect(res.statusCode).toBe(400);
    expect((await get('/api/v1/consumption/export?tag.$=1')).json().error.code).toBe('invalid_filter');
  });
});

describe('the export', () => {
  it('has a row per date, opening, recruiter, department and location, with the candidate count only on whole days', async () => {
    const { rows, header } = await figuresOf('');
    const pick = (r: string[]) =>
      [
        'Date',
        'Opening ID',
        'Recruiter ID',
        'Recruiter',
        'Department',
        'Location',
        'Candidate count',
        'Invited',
      ].map((c) => r[header.indexOf(c)]);
    expect(rows.map(pick)).toEqual([
      ['2026-01-05', 'op-1', 'r1', 'Ann', 'Nursing', 'Paris', '', '2'],
      ['2026-01-05', 'op-1', 'r2', 'Bob', 'Nursing', 'Lyon', '', '1'],
      ['2026-01-06', 'op-2', 'r1', 'Ann', 'Sales', '', '', '1'],
      ['2026-01-06', 'op-2', '', '', '', '', '', '1'],
      ['2026-01-07', 'op-3', '', '', 'Nursing', '', '', '0'],
      ['2026-01-07', 'op-3', '', '', '', '', '', '1'],
    ]);
    const lyon = await figuresOf('location=Lyon');
    expect(lyon.rows.map(pick)).toEqual([['2026-01-05', 'op-1', 'r2', 'Bob', 'Nursing', 'Lyon', '', '1']]);
    const single = await figuresOf('tag.level=junior');
    expect(single.rows.map(pick)).toEqual([['2026-01-07', 'op-3', '', '', '', '', '', '1']]);
  });

  it('gives the candidate count on a row holding the opening’s whole day', async () => {
    const t = await makeTenant(env.t.db, clock, { scopes: ['events:write'] });
    const a = await signIn(env.app, env.t.db, t.id, 'account_admin');
    await postEvents(env.app, t.apiKey, [
      ...attributed({ department: 'Legal' }, { candidateId: 'x1', at: '2026-01-05T10:00:00Z' }),
      ...attributed({ department: 'Legal' }, { candidateId: 'x2', at: '2026-01-05T11:00:00Z' }),
    ]);
    const res = await env.app.inject({
      method: 'GET',
      url: `/api/v1/consumption/export?${RANGE}&department=Legal`,
      headers: { cookie: a.cookie },
    });
    const [header, ...rows] = parse(res.body, { bom: true }) as string[][];
    expect(rows.map((r) => r[(header as string[]).indexOf('Candidate count')])).toEqual(['2']);
  });
});

describe('the attribute listing', () => {
  it('lists recruiters with names, departments, locations and tag keys with values', async () => {
    expect(await json('/api/v1/consumption/attributes')).toEqual({
      recruiters: [
        { id: 'r1', name: 'Ann' },
        { id: 'r2', name: 'Bob' },
      ],
      departments: ['Nursing', 'Sales'],
      locations: ['Lyon', 'Paris'],
      tags: [
        { key: 'level', values: ['junior', 'senior'] },
        { key: 'team', values: ['a', 'b'] },
      ],
      truncated: false,
    });
  });
});

describe('the rollup by attribution set', () => {
  it('moves an interview’s usage when a later event changes its attribution, and on a reversal', async () => {
    const t = await makeTenant(env.t.db, clock, { scopes: ['events:write', 'usage:read'] });
    const a = await signIn(env.app, env.t.db, t.id, 'account_admin');
    const events = attributed({ department: 'Nursing' }, { at: '2026-01-05T10:00:00Z' });
    await postEvents(env.app, t.apiKey, events);
    const credits = async (filter: string) =>
      (
        await env.app.inject({
          method: 'GET',
          url: `/api/v1/consumption/summary?${RANGE}&${filter}`,
          headers: { cookie: a.cookie },
        })
      ).json().creditsUsed;
    expect([await credits('department=Nursing'), await credits('department=Sales')]).toEqual([1, 0]);
    const last = events[events.length - 1] as Event;
    await postEvents(env.app, t.apiKey, [
      {
        ...last,
        id: 'ev-move',
        type: 'interview.progress',
        occurredAt: '2026-01-05T13:00:00Z',
        department: 'Sales',
        completion: 1,
      },
    ]);
    expect([await credits('department=Nursing'), await credits('department=Sales')]).toEqual([0, 1]);
    expect(await verifyTenant(env.t.db, t.id)).toEqual([]);
    await reverseCharge(env.t.db, t.id, {
      interviewId: last.interviewId as string,
      reason: 'technical failure',
      actor: 'test',
      now: clock.now(),
    });
    expect(await credits('department=Sales')).toBe(0);
    expect(await verifyTenant(env.t.db, t.id)).toEqual([]);
  });

  it('is proved by ledger verify: a changed count, a changed set and a missing set are named', async () => {
    const t = await makeTenant(env.t.db, clock, { scopes: ['events:write'] });
    await postEvents(
      env.app,
      t.apiKey,
      attributed({ department: 'Legal', tags: { team: 'x' } }, { at: '2026-01-05T10:00:00Z' }),
    );
    expect(await verifyTenant(env.t.db, t.id)).toEqual([]);
    const owner = (sql: string) => env.t.asOwner((q) => q.query(sql, [t.id]));
    const problems = async () =>
      (await verifyTenant(env.t.db, t.id)).filter((p) => p.check === 'rollup').map((p) => p.message);

    await owner('update attribution_daily_usage set invited = invited + 1 where tenant_id = $1');
    // Named as off from its interviews, and as no longer adding up to its set's day total.
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^Rollup by attribution set \S+ of op-1 on 2026-01-05 is off from its interviews by \{"invited":-1\}$/,
      ),
      expect.stringMatching(
        /^Day total of attribution set \S+ on 2026-01-05 differs from the sum of its rollups by opening$/,
      ),
    ]);
    await owner('update attribution_daily_usage set invited = invited - 1 where tenant_id = $1');
    expect(await problems()).toEqual([]);

    await owner(`update attribution_sets set department = 'Sales' where tenant_id = $1`);
    expect(await problems()).toEqual([expect.stringMatching(/^Attribution set \S+ holds other values/)]);
    await owner(`update attribution_sets set department = 'Legal' where tenant_id = $1`);

    await owner(
      'update attribution_set_daily_usage set credits_milli = credits_milli + 5 where tenant_id = $1',
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /^Day total of attribution set \S+ on 2026-01-05 differs from the sum of its rollups by opening$/,
      ),
    ]);
    await owner(
      'update attribution_set_daily_usage set credits_milli = credits_milli - 5 where tenant_id = $1',
    );

    await owner('delete from attribution_sets where tenant_id = $1');
    expect(await problems()).toEqual([
      expect.stringMatching(/^Attribution set \S+ of stored interviews is missing$/),
    ]);
  });
});
