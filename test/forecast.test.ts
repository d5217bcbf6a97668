import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemo } from '../src/server/demo/load.js';
import { MONTH_WEIGHTS } from '../src/server/demo/seasonality.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import { addDays, addMonthsClamped } from '../src/shared/calendar.js';
import type { Forecast, Json } from '../src/shared/contract/index.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testApp,
} from './helpers/factories.js';

/**
 * The forecast and the planner through HTTP: a tenant with no usage, one three weeks old that
 * is about to run out, one whose usage began seven years ago (more than the 60 months read),
 * and the demo's Acme Talent (three years of seasonal hiring, loaded once).
 */
const NOW = new Date('2026-03-20T15:00:00Z');
const clock = new TestClock(NOW);

let t: TestDatabase;
let app: FastifyInstance;
let empty: { tenant: TestTenant; cookie: string };
let young: { tenant: TestTenant; cookie: string };
let veteran: { tenant: TestTenant; cookie: string };
let demoCookie: string;

/**
 * The veteran tenant's completed interviews in a month ('YYYY-MM-01'): ten a month times the
 * hiring season, growing 5 % a year from January 2019 — and none at all in August 2024.
 */
const VETERAN_FROM = '2019-01-01';
function veteranCount(month: string): number {
  if (month === '2024-08-01') return 0;
  const t = (Number(month.slice(0, 4)) - 2019) * 12 + Number(month.slice(5, 7)) - 1;
  return Math.round(10 * (MONTH_WEIGHTS[t % 12] as number) * 1.05 ** (t / 12));
}

/** The forecast's answer as it travels. */
type Body = Json<typeof Forecast>;

/** What every answer with a backtest must hold: the served model is the one scored, and no naive forecast beat it. */
function expectHonestBacktest(body: Body) {
  const b = body.backtest;
  expect(b).not.toBeNull();
  if (!b) return;
  expect(b.candidate).toBe(body.model.candidate);
  const served = body.model.candidates.filter((c) => c.served);
  expect(served.map((c) => c.name)).toEqual([b.candidate]);
  expect(served[0]?.backtestMape).toBe(b.mape);
  expect(b.mape).not.toBeNull();
  expect(b.mape).toBeLessThanOrEqual(b.naiveLastMonthMape ?? Number.POSITIVE_INFINITY);
  expect(b.mape).toBeLessThanOrEqual(b.naiveLastYearMape ?? Number.POSITIVE_INFINITY);
  expect(b.band.widenedBy).toBeGreaterThanOrEqual(1);
  expect(b.band.coverage).toBeGreaterThanOrEqual(b.band.closedFormCoverage);
  for (const m of body.months) {
    expect(m.lower).toBeLessThanOrEqual(m.credits);
    expect(m.credits).toBeLessThanOrEqual(m.upper);
    expect(m.lower).toBeGreaterThanOrEqual(0);
  }
  // Each held-out month's actual is the history's own figure.
  const byMonth = new Map(body.history.map((h) => [h.month, h.credits]));
  for (const p of b.points) expect(p.actual).toBeCloseTo(byMonth.get(p.month) as number, 1);
}

const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });

beforeAll(async () => {
  t = await openTestDatabase();
  app = await testApp(t.db, clock);
  const emptyTenant = await makeTenant(t.db, clock, { anchor: '2026-01-01' });
  empty = { tenant: emptyTenant, cookie: (await signIn(app, t.db, emptyTenant.id, 'account_admin')).cookie };
  const youngTenant = await makeTenant(t.db, clock, {
    anchor: '2026-01-01',
    plan: { allotmentMilli: 80_000, rolloverMode: 'none' },
  });
  young = { tenant: youngTenant, cookie: (await signIn(app, t.db, youngTenant.id, 'account_admin')).cookie };
  // Three completed interviews a day from February 27 to March 19: 63 credits in three weeks.
  const events = [];
  for (let day = '2026-02-27'; day <= '2026-03-19'; day = addDays(day, 1)) {
    for (const hour of ['09', '11', '14']) events.push(...interviewEvents({ at: `${day}T${hour}:00:00Z` }));
  }
  expect((await postEvents(app, youngTenant.apiKey, events)).json().rejected).toEqual([]);

  const veteranTenant = await makeTenant(t.db, clock, {
    anchor: '2026-01-01',
    plan: { allotmentMilli: 100_000_000 },
  });
  veteran = {
    tenant: veteranTenant,
    cookie: (await signIn(app, t.db, veteranTenant.id, 'account_admin')).cookie,
  };
  const old = [];
  for (let month = VETERAN_FROM; month < '2026-03-01'; month = addMonthsClamped(month, 1)) {
    for (let i = 0; i < veteranCount(month); i++) {
      old.push(...interviewEvents({ at: `${addDays(month, 2 + (i % 20))}T10:00:00Z` }));
    }
  }
  for (let i = 0; i < old.length; i += 1000) {
    expect((await postEvents(app, veteranTenant.apiKey, old.slice(i, i + 1000))).json().rejected).toEqual([]);
  }

  await loadDemo(t.db, { now: NOW, scale: 1 });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'admin@acme.test', password: DEMO_PASSWORD },
  });
  demoCookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
}, 300_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('GET /api/v1/consumption/forecast', () => {
  it('a tenant with no usage: zero ahead, no backtest, and the balance lasts', async () => {
    const res = await get('/api/v1/consumption/forecast', empty.cookie);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model.name).toBe('none');
    expect(body.model.reason).toMatch(/No usage yet/);
    expect(body.months).toHaveLength(12);
    expect(body.months[0]).toEqual({ month: '2026-03', credits: 0, lower: 0, upper: 0 });
    expect(body.months[11].month).toBe('2027-02');
    expect(body.backtest).toBeNull();
    expect(body.runway).toMatchObject({ date: null, early: null, late: null, balance: 500 });
    expect(body.runway.summary).toMatch(/Not within 12 months/);
    // The default plan: 500 a month, a quarter rolls over, the rest expires at the period's end.
    expect(body.endOfPeriod).toMatchObject({
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      allotment: 500,
      usedSoFar: 0,
      projected: 0,
      rollingOver: 125,
      expiringUnused: 375,
    });
  });

  it('a tenant three weeks old: the recent daily rate, and the day its balance runs out', async () => {
    const body = (await get('/api/v1/consumption/forecast?months=3', young.cookie)).json();
    expect(body.model.name).toBe('recent-rate');
    expect(body.model.reason).toMatch(/21 days of history/);
    expect(body.months.map((m: { month: string }) => m.month)).toEqual(['2026-03', '2026-04', '2026-05']);
    // 3 credits a day. March: 57 used so far, plus 3 × the 11.375 days left of its 31.
    expect(body.currentMonthSoFar).toBe(57);
    expect(body.months[0].credits).toBeCloseTo(57 + 34.125, 1);
    expect(body.months[1]).toMatchObject({ credits: 90, lower: 90, upper: 90 });
    // 80 granted, 63 drawn: 17 left. March 20 (9 hours left) uses 1.125, March 21–25 use 15, March 26 runs out.
    expect(body.runway).toMatchObject({
      date: '2026-03-26',
      early: '2026-03-26',
      late: '2026-03-26',
      balance: 17,
    });
    expect(body.runway.summary).toMatch(/Runs out on 2026-03-26/);
    expect(body.endOfPeriod).toMatchObject({
      usedSoFar: 57,
      projected: 91.1,
      allotment: 80,
      expiringUnused: 0,
    });
    // Every invitation up to two weeks ago completed.
    expect(body.completionRate).toBe(1);
  });

  it('the demo tenant: Holt-Winters, chosen by the backtest, beating both naive forecasts', async () => {
    const body = (await get('/api/v1/consumption/forecast', demoCookie)).json();
    expect(body.model.name).toBe('holt-winters');
    expect(body.model.reason).toMatch(/^36 complete months of history: Holt-Winters/);
    expect(body.history).toHaveLength(36);
    expectHonestBacktest(body);
    const b = body.backtest;
    // 36 months: origins at months 24 to 30, each forecasting six months, so the last twelve are held out.
    expect(b).toMatchObject({ origins: 7, horizonMonths: 6, heldOutMonths: 12 });
    expect(b.points.map((p: { month: string }) => p.month)).toEqual(
      body.history.slice(-6).map((h: { month: string }) => h.month),
    );
    expect(b.mape).toBeLessThan(b.naiveLastMonthMape);
    expect(b.mape).toBeLessThan(b.naiveLastYearMape);
    expect(body.model.candidates).toHaveLength(11);
    expect(body.completionRate).toBeGreaterThan(0.5);
    expect(body.completionRate).toBeLessThan(0.9);
  });

  it('a tenant older than the 60 months read: exactly the months read, real zeros kept, and a reason that says so', async () => {
    const body: Body = (await get('/api/v1/consumption/forecast', veteran.cookie)).json();
    expect(body.model.reason).toMatch(
      /^60 complete months of history \(the latest 60 read; usage began in 2019-01\): /,
    );
    // The answer's chart carries the latest 36 of them, each the month's own usage; August 2024 had none.
    const expected = Array.from({ length: 36 }, (_, i) => addMonthsClamped('2023-03-01', i));
    expect(body.history).toEqual(expected.map((m) => ({ month: m.slice(0, 7), credits: veteranCount(m) })));
    expect(body.history.find((h) => h.month === '2024-08')?.credits).toBe(0);
    expectHonestBacktest(body);
    // Sixty months: the full twelve origins.
    expect(body.backtest?.origins).toBe(12);
    // A season learnt from the real months comes back: each month ahead within a fifth of the pattern's own figure.
    for (const m of body.months.slice(1)) {
      const truth = veteranCount(`${m.month}-01`);
      expect(Math.abs(m.credits - truth), m.month).toBeLessThanOrEqual(Math.max(2, 0.2 * truth));
    }
  });

  it('usage landing in a complete month reaches the next forecast (the model is kept only while the history is the same)', async () => {
    const before: Body = (await get('/api/v1/consumption/forecast', veteran.cookie)).json();
    const again: Body = (await get('/api/v1/consumption/forecast', veteran.cookie)).json();
    expect(again).toEqual(before);
    // A late event: an interview completed in January 2026, sent now.
    const late = interviewEvents({ at: '2026-01-15T10:00:00Z' });
    expect((await postEvents(app, veteran.tenant.apiKey, late)).json().accepted).toBe(late.length);
    const after: Body = (await get('/api/v1/consumption/forecast', veteran.cookie)).json();
    expect(after.history.find((h) => h.month === '2026-01')?.credits).toBe(veteranCount('2026-01-01') + 1);
    expect(after.backtest?.points.find((p) => p.month === '2026-01')?.actual).toBe(
      veteranCount('2026-01-01') + 1,
    );
  });

  it('counts open invitations of the last 30 local days as ingest keeps them, and moves them as later events arrive', async () => {
    // New York: today is 2026-03-20 there, and the 30 days are 19 February to 20 March.
    const tenant = await makeTenant(t.db, clock, { timeZone: 'America/New_York' });
    const { cookie } = await signIn(app, t.db, tenant.id, 'account_admin');
    const post = async (events: Record<string, unknown>[]) =>
      expect((await postEvents(app, tenant.apiKey, events)).json().rejected).toEqual([]);
    await post([
      ...interviewEvents({ interviewId: 'open', outcome: 'invited', at: '2026-03-10T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'started', outcome: 'started', at: '2026-03-11T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'first-day', outcome: 'invited', at: '2026-02-19T06:00:00Z' }),
      // Within 30 × 24 hours of now, but on 18 February in New York.
      ...interviewEvents({ interviewId: 'day-before', outcome: 'invited', at: '2026-02-19T03:00:00Z' }),
      ...interviewEvents({ interviewId: 'done', outcome: 'completed', at: '2026-03-12T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'expired', outcome: 'expired', at: '2026-03-01T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'sim', outcome: 'simulation', at: '2026-03-13T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'finishes', outcome: 'invited', at: '2026-03-14T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'moves', outcome: 'invited', at: '2026-03-15T15:00:00Z' }),
    ]);
    const openNow = async () =>
      ((await get('/api/v1/consumption/forecast', cookie)).json() as Body).runway.openInvitations;
    expect(await openNow()).toBe(5);
    // One completes; another turns out to have been invited on 10 February.
    await post([
      ...interviewEvents({ interviewId: 'finishes', outcome: 'completed', at: '2026-03-14T15:00:00Z' }),
      ...interviewEvents({ interviewId: 'moves', outcome: 'invited', at: '2026-02-10T15:00:00Z' }),
    ]);
    expect(await openNow()).toBe(3);
    // The same count made from the interviews themselves, and ledger verify's recount agrees.
    const [direct] = await t.asOwner((q) =>
      q.query<{ n: number }>(
        `select count(*)::int as n from interviews
          where tenant_id = $1 and not is_simulation and state in ('invited', 'started')
            and (invited_at at time zone 'America/New_York')::date > date '2026-02-18'`,
        [tenant.id],
      ),
    );
    expect(direct?.n).toBe(3);
    expect(await verifyTenant(t.db, tenant.id)).toEqual([]);
  });

  it('refuses bad parameters with 400 and a stable code', async () => {
    for (const url of [
      '/api/v1/consumption/forecast?months=0',
      '/api/v1/consumption/forecast?months=13',
      '/api/v1/consumption/forecast?months=two',
      '/api/v1/consumption/plan?roles=five',
      '/api/v1/consumption/plan?roles=-1&candidates=5',
      '/api/v1/consumption/plan?roles=5&candidates=50&completion=1.5',
      '/api/v1/consumption/plan?roles=5&candidates=50&months=13',
      '/api/v1/consumption/plan?roles=5&candidates=50&buffer=2',
    ]) {
      const res = await get(url, empty.cookie);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe('invalid_request');
    }
  });

  it('answers 401 without a session and 403 to recruiters and viewers', async () => {
    for (const url of ['/api/v1/consumption/forecast', '/api/v1/consumption/plan?roles=1&candidates=1']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
      for (const role of ['recruiter', 'viewer'] as const) {
        const user = await signIn(app, t.db, empty.tenant.id, role);
        expect((await get(url, user.cookie)).statusCode).toBe(403);
      }
    }
  });
});

it('documents both routes in the OpenAPI document', async () => {
  const paths = Object.keys((await app.inject({ method: 'GET', url: '/api/docs/json' })).json().paths);
  expect(paths).toEqual(expect.arrayContaining(['/api/v1/consumption/forecast', '/api/v1/consumption/plan']));
});

describe('GET /api/v1/consumption/plan', () => {
  it("the help article's example: 5 roles × 50 candidates → 250 interviews, 250 credits, 300 with the buffer", async () => {
    const res = await get(
      '/api/v1/consumption/plan?roles=5&candidates=50&completion=1&months=1&buffer=0.2',
      empty.cookie,
    );
    expect(res.statusCode).toBe(200);
    // 300 credits spread over March 20 – April 20: March's 500 cover the rest of March, a quarter rolls
    // over into April beside April's 500: nothing to buy.
    expect(res.json()).toMatchObject({
      interviews: 250,
      credits: 250,
      creditsWithBuffer: 300,
      balance: 500,
      granted: 500,
      rollingOver: 125,
      toBuy: 0,
      completionSource: 'given',
    });
  });

  it('says what to buy when the balance and the next grant fall short', async () => {
    const body = (
      await get('/api/v1/consumption/plan?roles=5&candidates=50&completion=1&months=1', young.cookie)
    ).json();
    // 300 over 31 days from March 20, 15:00 (its last 9 hours): 300 − 15/24 × 300/31 = 293.95 needed,
    // against the 17 left and April's 80 (no rollover): 196.95 short.
    expect(body).toMatchObject({
      creditsWithBuffer: 300,
      balance: 17,
      granted: 80,
      rollingOver: 0,
      toBuy: 197,
    });
  });

  it("defaults to the tenant's observed completion rate and says what to buy", async () => {
    const body = (await get('/api/v1/consumption/plan?roles=20&candidates=100&months=2', demoCookie)).json();
    expect(body.completionSource).toBe('observed');
    expect(body.completion).toBeGreaterThan(0.5);
    expect(body.interviews).toBe(Math.round(20 * 100 * 2 * body.completion));
    expect(body.creditsWithBuffer).toBe(Math.ceil(body.credits * 1.2));
    expect(body.toBuy).toBeGreaterThan(0);
    expect(body.toBuy).toBeLessThanOrEqual(body.creditsWithBuffer);
  });
});
