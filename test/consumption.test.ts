import { beforeAll, describe, expect, it } from 'vitest';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

let tenant: TestTenant;
let admin: { cookie: string };
const clock = new TestClock(new Date('2026-03-20T15:00:00Z'));

const get = (url: string, cookie = admin.cookie) =>
  env.app.inject({ method: 'GET', url, headers: { cookie } });

const env = testAppForFile(clock);
beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { timeZone: 'America/New_York', anchor: '2025-01-01' });
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const events = [
    // March 2026 (the current period): 2 completed + 1 partial at 0.5 on "Data Engineer", 1 completed on "Designer".
    ...interviewEvents({ openingId: 'op-data', jobTitle: 'Data Engineer', at: '2026-03-02T15:00:00Z' }),
    ...interviewEvents({ openingId: 'op-data', jobTitle: 'Data Engineer', at: '2026-03-03T15:00:00Z' }),
    ...interviewEvents({
      openingId: 'op-data',
      outcome: 'partial',
      completion: 0.5,
      at: '2026-03-10T15:00:00Z',
    }),
    ...interviewEvents({ openingId: 'op-design', jobTitle: 'Designer', at: '2026-03-11T15:00:00Z' }),
    ...interviewEvents({
      openingId: 'op-design',
      jobTitle: 'Designer',
      outcome: 'simulation',
      at: '2026-03-11T16:00:00Z',
    }),
    ...interviewEvents({
      openingId: 'op-design',
      jobTitle: 'Designer',
      outcome: 'invited',
      at: '2026-03-12T16:00:00Z',
    }),
    // February 2026: one completed; March 2025: one completed (year over year).
    ...interviewEvents({ openingId: 'op-data', jobTitle: 'Data Engineer', at: '2026-02-10T15:00:00Z' }),
    ...interviewEvents({ openingId: 'op-design', jobTitle: 'Designer', at: '2025-03-05T15:00:00Z' }),
  ];
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json().rejected).toEqual([]);
});

describe('consumption API', () => {
  it('summarises the current billing period by default, with the previous period beside it', async () => {
    const res = await get('/api/v1/consumption/summary');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      totalInterviews: 4,
      creditsUsed: 3.5,
      allotment: 500,
      previous: {
        periodStart: '2026-02-01',
        periodEnd: '2026-02-28',
        totalInterviews: 1,
        creditsUsed: 1,
        // 20 March: the period is 20 days in; February's first 20 days hold its one interview (10 Feb).
        toDate: { periodStart: '2026-02-01', periodEnd: '2026-02-20', totalInterviews: 1, creditsUsed: 1 },
      },
    });
    // Late events for earlier months are charged to the lots open when they arrive.
    expect(body.remainingBalance).toBe(500 - 5.5);
  });

  it('sets a range in progress against the same days of the one before, and a past range against all of it', async () => {
    const early = await get('/api/v1/consumption/summary?from=2026-03-15&to=2026-03-24');
    // 15–20 March have gone by (6 days): compared with 5–10 March, which holds the interview of 10 March.
    expect(early.json().previous).toMatchObject({
      periodStart: '2026-03-05',
      periodEnd: '2026-03-14',
      toDate: { periodStart: '2026-03-05', periodEnd: '2026-03-10', totalInterviews: 1, creditsUsed: 0.5 },
    });
    expect(early.json().begun).toBe(true);
    const past = await get('/api/v1/consumption/summary?from=2026-02-01&to=2026-02-28');
    expect(past.json().previous.toDate).toBeNull();
    // February, a whole month, against all of January.
    expect(past.json()).toMatchObject({
      begun: true,
      previous: { periodStart: '2026-01-01', periodEnd: '2026-01-31' },
    });
    // A range still to come says so: the console sets nothing against it.
    const future = await get('/api/v1/consumption/summary?from=2026-04-01&to=2026-04-30');
    expect(future.json()).toMatchObject({ begun: false, previous: { toDate: null } });
  });

  it('lists usage by opening with share and totals, sorted, searched and paged', async () => {
    const res = await get(
      '/api/v1/consumption/openings?from=2026-03-01&to=2026-03-31&sort=creditsUsed&order=desc',
    );
    const body = res.json();
    expect(
      body.items.map((i: { openingId: string; creditsUsed: number; share: number }) => [
        i.openingId,
        i.creditsUsed,
        i.share,
      ]),
    ).toEqual([
      ['op-data', 2.5, 0.7143],
      ['op-design', 1, 0.2857],
    ]);
    expect(body.items[1]).toMatchObject({ jobTitle: 'Designer', invited: 2, completed: 1, simulations: 1 });
    expect(body.totals).toMatchObject({
      creditsUsed: 3.5,
      completed: 3,
      partiallyCompleted: 1,
      totalInterviews: 4,
    });
    const searched = await get('/api/v1/consumption/openings?from=2026-03-01&to=2026-03-31&q=design');
    expect(searched.json().items.map((i: { openingId: string }) => i.openingId)).toEqual(['op-design']);
    const paged = await get(
      '/api/v1/consumption/openings?from=2026-03-01&to=2026-03-31&sort=jobTitle&order=asc&pageSize=1&page=2',
    );
    expect(paged.json()).toMatchObject({
      total: 2,
      page: 2,
      pageSize: 1,
      items: [{ openingId: 'op-design' }],
    });
  });

  it('gives every bucket of a time series, empty ones as zero, ones not begun as null, adding up to the summary', async () => {
    const days = (await get('/api/v1/consumption/timeseries?granularity=day')).json();
    expect(days.points).toHaveLength(31);
    expect(days.points[1]).toMatchObject({ start: '2026-03-02', interviews: 1, creditsUsed: 1 });
    expect(days.points[0]).toMatchObject({ start: '2026-03-01', interviews: 0, creditsUsed: 0 });
    // 20 March is today in New York: the 21st on have not happened.
    expect(days.points[19]).toMatchObject({ start: '2026-03-20', interviews: 0, creditsUsed: 0 });
    expect(days.points[20]).toMatchObject({ start: '2026-03-21', interviews: null, creditsUsed: null });
    const sum = days.points.reduce(
      (s: number, p: { creditsUsed: number | null }) => s + (p.creditsUsed ?? 0),
      0,
    );
    expect(sum).toBe(3.5);
    const months = (
      await get('/api/v1/consumption/timeseries?granularity=month&from=2025-01-01&to=2026-03-31')
    ).json();
    expect(months.points).toHaveLength(15);
    expect(months.points[14]).toMatchObject({ start: '2026-03-01', partial: true, throughDay: '2026-03-20' });
    const weeks = (
      await get('/api/v1/consumption/timeseries?granularity=week&from=2026-03-01&to=2026-03-31')
    ).json();
    expect(weeks.points[0]).toMatchObject({ start: '2026-02-23', from: '2026-03-01', partial: true });
  });

  it('compares twelve months with the year before, the month in progress with its same days', async () => {
    const body = (await get('/api/v1/consumption/year-over-year?year=2026')).json();
    expect(body.months).toHaveLength(12);
    expect(body.months[1]).toEqual({
      month: 2,
      throughDay: null,
      thisYear: { periodStart: '2026-02-01', periodEnd: '2026-02-28', interviews: 1, creditsUsed: 1 },
      lastYear: { periodStart: '2025-02-01', periodEnd: '2025-02-28', interviews: 0, creditsUsed: 0 },
    });
    expect(body.months[2]).toEqual({
      month: 3,
      throughDay: '2026-03-20',
      thisYear: { periodStart: '2026-03-01', periodEnd: '2026-03-31', interviews: 4, creditsUsed: 3.5 },
      lastYear: { periodStart: '2025-03-01', periodEnd: '2025-03-20', interviews: 1, creditsUsed: 1 },
    });
    expect(body.months[3]).toMatchObject({ month: 4, throughDay: null, thisYear: null });
  });

  it("opens an opening's interviews with state, credits and the charging rule", async () => {
    const res = await get('/api/v1/openings/op-data/interviews?from=2026-03-01&to=2026-03-31');
    const body = res.json();
    expect(body.total).toBe(3);
    const partial = body.items.find((i: { state: string }) => i.state === 'partially_completed');
    expect(partial).toMatchObject({ credits: 0.5, rule: 'partial', ruleVersion: 1, completion: 0.5 });
    const filtered = await get(
      '/api/v1/openings/op-data/interviews?from=2026-03-01&to=2026-03-31&status=completed',
    );
    expect(filtered.json().total).toBe(2);
    expect((await get('/api/v1/openings/nope/interviews')).statusCode).toBe(404);
  });

  it('refuses bad parameters with 400 and a stable code', async () => {
    const cases: [string, string][] = [
      ['/api/v1/consumption/timeseries?granularity=hour', 'invalid_request'],
      ['/api/v1/consumption/summary?from=2026-03-10&to=2026-03-01', 'invalid_range'],
      ['/api/v1/consumption/summary?from=2015-01-01&to=2026-03-01', 'range_too_long'],
      ['/api/v1/consumption/summary?from=2026-02-30&to=2026-03-01', 'invalid_date'],
      ['/api/v1/consumption/summary?from=yesterday&to=2026-03-01', 'invalid_date'],
      ['/api/v1/consumption/summary?from=2026-03-01', 'invalid_range'],
      ['/api/v1/consumption/openings?pageSize=501', 'invalid_request'],
      ['/api/v1/consumption/openings?sort=salary', 'invalid_request'],
    ];
    for (const [url, code] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe(code);
    }
  });

  // Found by the fuzz suite: a range by year 1 or 9999 passed validation, and the range before it
  // (year 0) or the day after it (year 10000) was a 500.
  it('answers ranges at the ends of the dates it takes, and refuses dates past them', async () => {
    const routes = [
      '/api/v1/consumption/summary',
      '/api/v1/consumption/openings',
      '/api/v1/consumption/timeseries?granularity=day',
      '/api/v1/consumption/timeseries?granularity=week',
      '/api/v1/consumption/timeseries?granularity=month',
      '/api/v1/openings/op-data/interviews',
    ];
    const url = (route: string, from: string, to: string) =>
      `${route}${route.includes('?') ? '&' : '?'}from=${from}&to=${to}`;
    for (const route of routes) {
      for (const [from, to] of [
        ['1900-01-01', '1900-01-31'],
        ['2999-12-01', '2999-12-31'],
      ] as const) {
        const res = await get(url(route, from, to));
        expect({ route, from, status: res.statusCode }).toEqual({ route, from, status: 200 });
      }
      for (const [from, to] of [
        ['0001-01-01', '0001-01-01'],
        ['1899-12-31', '1900-01-31'],
        ['2999-12-01', '3000-01-01'],
        ['9999-12-31', '9999-12-31'],
      ] as const) {
        const res = await get(url(route, from, to));
        expect({ route, from, status: res.statusCode, code: res.json().error?.code }).toEqual({
          route,
          from,
          status: 400,
          code: 'invalid_date',
        });
      }
    }
  });

  it('answers 401 without a session and 403 to recruiters and viewers', async () => {
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/consumption/summary' })).statusCode).toBe(
      401,
    );
    for (const role of ['recruiter', 'viewer'] as const) {
      const user = await signIn(env.app, env.t.db, tenant.id, role);
      for (const url of [
        '/api/v1/consumption/summary',
        '/api/v1/consumption/openings',
        '/api/v1/openings/op-data/interviews',
      ]) {
        expect((await get(url, user.cookie)).statusCode).toBe(403);
      }
    }
  });

  it("never shows another tenant's usage", async () => {
    const other = await makeTenant(env.t.db, clock);
    const otherAdmin = await signIn(env.app, env.t.db, other.id, 'account_admin');
    const body = (
      await get('/api/v1/consumption/openings?from=2025-01-01&to=2026-03-31', otherAdmin.cookie)
    ).json();
    expect(body.items).toEqual([]);
    expect((await get('/api/v1/openings/op-data/interviews', otherAdmin.cookie)).statusCode).toBe(404);
  });
});
