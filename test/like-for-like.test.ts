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

/**
 * No invented zeros and like for like (docs/product.md, Time series and comparisons): buckets not
 * begun are null, partial buckets are marked, and the year over year's month in progress is set
 * against the same days of last year's month. The clock only moves forward through the file.
 */
const clock = new TestClock(new Date('2026-06-03T15:00:00Z'));
const env = testAppForFile(clock);

type Point = {
  start: string;
  from: string;
  to: string;
  partial: boolean;
  throughDay: string | null;
  interviews: number | null;
  completed: number | null;
  creditsUsed: number | null;
  [k: string]: unknown;
};
type Month = { periodStart: string; periodEnd: string; interviews: number; creditsUsed: number };
type YearOverYear = {
  year: number;
  months: { month: number; throughDay: string | null; thisYear: Month | null; lastYear: Month | null }[];
};

async function tenantWith(opts: { timeZone: string; anchor: string }, ats: string[]) {
  const tenant = await makeTenant(env.t.db, clock, opts);
  const res = await postEvents(
    env.app,
    tenant.apiKey,
    ats.flatMap((at) => interviewEvents({ at })),
  );
  expect(res.json().rejected).toEqual([]);
  // Sessions last 12 hours of the clock: a fresh one for each question, as the clock moves on.
  const get = async <T>(url: string): Promise<T> => {
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const r = await env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
    expect(r.statusCode, url).toBe(200);
    return r.json() as T;
  };
  return { tenant, get };
}

const COUNT_FIELDS = [
  'interviews',
  'invited',
  'started',
  'completed',
  'partiallyCompleted',
  'expired',
  'cancelled',
  'simulations',
  'creditsUsed',
] as const;

const sumOf = (points: Point[], k: 'interviews' | 'creditsUsed') =>
  points.reduce((s, p) => s + (p[k] ?? 0), 0);

describe('a time series mid-month: 3 June 2026 in New York', () => {
  let acme: { tenant: TestTenant; get: <T>(url: string) => Promise<T> };

  beforeAll(async () => {
    acme = await tenantWith({ timeZone: 'America/New_York', anchor: '2026-01-01' }, [
      '2026-05-20T15:00:00Z',
      '2026-06-01T15:00:00Z',
      // 21:00 on 3 June in New York (finished 23:30): today, though 4 June in UTC.
      '2026-06-04T01:00:00Z',
      // Last year: 2 and 3 June (the latter late evening in New York) count, 4 and 20 June do not.
      '2025-06-02T15:00:00Z',
      '2025-06-04T01:00:00Z',
      '2025-06-04T15:00:00Z',
      '2025-06-04T16:00:00Z',
      '2025-06-20T15:00:00Z',
      '2025-07-10T15:00:00Z',
    ]);
  });

  it('gives null, not zero, for every count of every day after today', async () => {
    const { points } = await acme.get<{ points: Point[] }>('/api/v1/consumption/timeseries?granularity=day');
    expect(points).toHaveLength(30);
    expect(points.slice(0, 3).map((p) => [p.start, p.interviews, p.creditsUsed])).toEqual([
      ['2026-06-01', 1, 1],
      ['2026-06-02', 0, 0],
      ['2026-06-03', 1, 1],
    ]);
    for (const p of points.slice(3)) {
      expect(p.start > '2026-06-03', p.start).toBe(true);
      for (const k of COUNT_FIELDS)
        expect({ start: p.start, [k]: p[k] }).toEqual({ start: p.start, [k]: null });
    }
    const summary = await acme.get<{ totalInterviews: number; creditsUsed: number }>(
      '/api/v1/consumption/summary',
    );
    expect([sumOf(points, 'interviews'), sumOf(points, 'creditsUsed')]).toEqual([
      summary.totalInterviews,
      summary.creditsUsed,
    ]);
  });

  it('marks the week in progress through today and the weeks the range clips', async () => {
    const res = await acme.get<{ points: Point[] }>(
      '/api/v1/consumption/timeseries?granularity=week&from=2026-05-20&to=2026-06-30',
    );
    const p = res.points;
    expect(p.map((x) => x.start)).toEqual([
      '2026-05-18',
      '2026-05-25',
      '2026-06-01',
      '2026-06-08',
      '2026-06-15',
      '2026-06-22',
      '2026-06-29',
    ]);
    // Cut by the range at its start (20 May, a Wednesday), over and whole, in progress, not begun.
    expect(p[0]).toMatchObject({
      from: '2026-05-20',
      to: '2026-05-24',
      partial: true,
      throughDay: null,
      interviews: 1,
    });
    expect(p[1]).toMatchObject({ partial: false, throughDay: null, interviews: 0 });
    expect(p[2]).toMatchObject({
      from: '2026-06-01',
      to: '2026-06-07',
      partial: true,
      throughDay: '2026-06-03',
      interviews: 2,
      completed: 2,
      creditsUsed: 2,
    });
    expect(p[3]).toMatchObject({ partial: false, interviews: null, completed: null, creditsUsed: null });
    expect(p[6]).toMatchObject({ from: '2026-06-29', to: '2026-06-30', partial: true, interviews: null });
    const summary = await acme.get<{ totalInterviews: number }>(
      '/api/v1/consumption/summary?from=2026-05-20&to=2026-06-30',
    );
    expect(sumOf(p, 'interviews')).toBe(summary.totalInterviews);
  });

  it('marks the month in progress; a past range has no null and no mark but its clipped ends', async () => {
    const year = await acme.get<{ points: Point[] }>(
      '/api/v1/consumption/timeseries?granularity=month&from=2026-01-01&to=2026-12-31',
    );
    expect(year.points[5]).toMatchObject({
      start: '2026-06-01',
      partial: true,
      throughDay: '2026-06-03',
      interviews: 2,
    });
    expect(year.points.slice(6).every((p) => p.interviews === null && p.creditsUsed === null)).toBe(true);
    const past = await acme.get<{ points: Point[] }>(
      '/api/v1/consumption/timeseries?granularity=month&from=2025-01-01&to=2025-12-31',
    );
    expect(past.points.every((p) => p.interviews !== null && !p.partial && p.throughDay === null)).toBe(true);
  });

  it('sets June so far against 1–3 June 2025, and leaves the months after it null', async () => {
    const yoy = await acme.get<YearOverYear>('/api/v1/consumption/year-over-year?year=2026');
    expect(yoy.months[5]).toEqual({
      month: 6,
      throughDay: '2026-06-03',
      thisYear: { periodStart: '2026-06-01', periodEnd: '2026-06-30', interviews: 2, creditsUsed: 2 },
      // 2 and 3 June 2025; 4 and 20 June are after the same days.
      lastYear: { periodStart: '2025-06-01', periodEnd: '2025-06-03', interviews: 2, creditsUsed: 2 },
    });
    expect(yoy.months[4]).toMatchObject({
      throughDay: null,
      thisYear: { periodStart: '2026-05-01', periodEnd: '2026-05-31', interviews: 1 },
      lastYear: { periodStart: '2025-05-01', periodEnd: '2025-05-31', interviews: 0 },
    });
    for (const m of yoy.months.slice(6)) {
      expect(m.thisYear, `month ${m.month}`).toBeNull();
      expect(m.throughDay).toBeNull();
      expect(m.lastYear).not.toBeNull();
    }
    expect(yoy.months[6]?.lastYear).toEqual({
      periodStart: '2025-07-01',
      periodEnd: '2025-07-31',
      interviews: 1,
      creditsUsed: 1,
    });
    // The same days by the summary cards' rule: "This month" against its first days a year before.
    const june = await acme.get<{ totalInterviews: number }>(
      '/api/v1/consumption/summary?from=2026-06-01&to=2026-06-30',
    );
    expect(yoy.months[5]?.thisYear?.interviews).toBe(june.totalInterviews);
    // Absent, the year is today's.
    expect((await acme.get<YearOverYear>('/api/v1/consumption/year-over-year')).year).toBe(2026);
  });

  it('shows what events dated ahead of today recorded, so the points still add up', async () => {
    // 01:00 on 4 June in New York: within the day ahead of the clock that ingest accepts.
    const res = await postEvents(
      env.app,
      acme.tenant.apiKey,
      interviewEvents({ at: '2026-06-04T05:00:00Z' }),
    );
    expect(res.json().rejected).toEqual([]);
    const { points } = await acme.get<{ points: Point[] }>('/api/v1/consumption/timeseries?granularity=day');
    expect(points[3]).toMatchObject({ start: '2026-06-04', interviews: 1, creditsUsed: 1 });
    expect(points[4]).toMatchObject({ start: '2026-06-05', interviews: null });
    const summary = await acme.get<{ totalInterviews: number }>('/api/v1/consumption/summary');
    expect(sumOf(points, 'interviews')).toBe(summary.totalInterviews);
  });
});

describe('February of a leap year and the year after', () => {
  it('sets 1–28 Feb 2028 against all of Feb 2027, and the whole of Feb 2028 on its 29th', async () => {
    clock.set('2028-02-28T12:00:00Z');
    const { tenant, get } = await tenantWith({ timeZone: 'UTC', anchor: '2026-01-01' }, [
      '2027-02-10T10:00:00Z',
      '2027-02-28T10:00:00Z',
      '2028-02-10T08:00:00Z',
      '2028-02-28T08:00:00Z',
    ]);
    const feb = (y: YearOverYear) => y.months[1];
    expect(feb(await get<YearOverYear>('/api/v1/consumption/year-over-year?year=2028'))).toEqual({
      month: 2,
      throughDay: '2028-02-28',
      thisYear: { periodStart: '2028-02-01', periodEnd: '2028-02-29', interviews: 2, creditsUsed: 2 },
      lastYear: { periodStart: '2027-02-01', periodEnd: '2027-02-28', interviews: 2, creditsUsed: 2 },
    });

    clock.set('2028-02-29T12:00:00Z');
    await postEvents(env.app, tenant.apiKey, interviewEvents({ at: '2028-02-29T08:00:00Z' }));
    expect(feb(await get<YearOverYear>('/api/v1/consumption/year-over-year?year=2028'))).toEqual({
      month: 2,
      throughDay: null,
      thisYear: { periodStart: '2028-02-01', periodEnd: '2028-02-29', interviews: 3, creditsUsed: 3 },
      lastYear: { periodStart: '2027-02-01', periodEnd: '2027-02-28', interviews: 2, creditsUsed: 2 },
    });
    const march = (await get<YearOverYear>('/api/v1/consumption/year-over-year?year=2028')).months[2];
    expect(march).toMatchObject({ throughDay: null, thisYear: null });

    // 27 Feb 2029 against 1–27 Feb 2028: the 28th and the 29th of 2028 are left out.
    clock.set('2029-02-27T12:00:00Z');
    expect(feb(await get<YearOverYear>('/api/v1/consumption/year-over-year?year=2029'))).toEqual({
      month: 2,
      throughDay: '2029-02-27',
      thisYear: { periodStart: '2029-02-01', periodEnd: '2029-02-28', interviews: 0, creditsUsed: 0 },
      lastYear: { periodStart: '2028-02-01', periodEnd: '2028-02-27', interviews: 1, creditsUsed: 1 },
    });
    // The whole of Feb 2028 is still there for a whole month's comparison.
    expect(
      feb(await get<YearOverYear>('/api/v1/consumption/year-over-year?year=2028'))?.thisYear,
    ).toMatchObject({
      interviews: 3,
    });
  });
});
