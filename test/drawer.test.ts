import { beforeAll, describe, expect, it } from 'vitest';
import { ROW_FIGURES } from '../src/shared/contract/consumption.js';
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
 * The opening drawer is its row of usage by opening, itemised (docs/product.md, The opening
 * drawer): for any range its totals equal the row, and it lists every interview behind them.
 */

// 20 March 2026, in New York: the current period is March; local days start at 04:00 or 05:00 UTC.
const clock = new TestClock(new Date('2026-03-20T15:00:00Z'));
const env = testAppForFile(clock);

let tenant: TestTenant;
let admin: { cookie: string; csrf: string };

const get = (url: string) => env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });

const RANGES = {
  currentPeriod: '',
  lastQuarter: 'from=2025-10-01&to=2025-12-31',
  acrossYearEnd: 'from=2025-12-15&to=2026-01-20',
};

const TITLES: Record<string, string> = {
  'op-data': 'Data Engineer',
  'op-design': 'Designer',
  'op-sales': 'Account Executive',
};

let eventId = 0;
/** One event of interview `interviewId`, at an instant. */
const ev = (interviewId: string, openingId: string, type: string, at: string, extra = {}) => ({
  id: `ev-drawer-${++eventId}`,
  type,
  interviewId,
  openingId,
  jobTitle: TITLES[openingId],
  candidateId: `cand-${interviewId}`,
  occurredAt: at,
  ...extra,
});

interface Item {
  interviewId: string;
  state: string;
  credits: number;
  countedIn: string[];
  creditsInRange: number;
  reversedAt: string | null;
}
interface Drawer {
  totals: Record<string, number>;
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
  nextCursor: string | null;
}

async function drawer(openingId: string, query: string): Promise<Drawer> {
  const res = await get(`/api/v1/openings/${openingId}/interviews?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { timeZone: 'America/New_York', anchor: '2025-01-01' });
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const events = [
    // Background: interviews of every outcome across the three ranges.
    ...['2025-10-03', '2025-11-14', '2025-12-20', '2026-01-05', '2026-01-19', '2026-03-04']
      .flatMap((day, i) =>
        (['completed', 'partial', 'expired', 'invited', 'simulation', 'cancelled'] as const).map(
          (outcome, j) =>
            interviewEvents({
              openingId: ['op-data', 'op-design', 'op-sales'][(i + j) % 3],
              jobTitle: TITLES[['op-data', 'op-design', 'op-sales'][(i + j) % 3] ?? ''],
              outcome,
              completion: 0.6,
              at: `${day}T${String(12 + j).padStart(2, '0')}:00:00Z`,
            }),
        ),
      )
      .flat(),
    // Invited in February, completed in March: March counts it as completed and charged, not invited.
    ev('iv-late', 'op-data', 'interview.invited', '2026-02-25T15:00:00Z'),
    ev('iv-late', 'op-data', 'interview.started', '2026-03-02T14:00:00Z'),
    ev('iv-late', 'op-data', 'interview.completed', '2026-03-02T15:00:00Z'),
    // Invited at 22:00 on 31 December in New York (03:00 UTC on 1 January), completed at 00:30 on 1 January.
    ev('iv-new-year', 'op-sales', 'interview.invited', '2026-01-01T03:00:00Z'),
    ev('iv-new-year', 'op-sales', 'interview.completed', '2026-01-01T05:30:00Z'),
    // Ended early in February at a half, resumed and completed in March: its whole credit is March's.
    ev('iv-resumed', 'op-design', 'interview.invited', '2026-02-20T15:00:00Z'),
    ev('iv-resumed', 'op-design', 'interview.ended', '2026-02-21T15:00:00Z', { completion: 0.5 }),
    ev('iv-resumed', 'op-design', 'interview.completed', '2026-03-03T15:00:00Z'),
    // Completed in March, reversed now (in March).
    ev('iv-reversed', 'op-data', 'interview.invited', '2026-03-05T15:00:00Z'),
    ev('iv-reversed', 'op-data', 'interview.completed', '2026-03-05T16:00:00Z'),
    // Completed in February, reversed now: the credit comes off February, March has nothing of it.
    ev('iv-reversed-feb', 'op-data', 'interview.invited', '2026-02-10T15:00:00Z'),
    ev('iv-reversed-feb', 'op-data', 'interview.completed', '2026-02-10T16:00:00Z'),
    // A simulation is one run (its invitation and completion): run at 23:30 on 5 March in New York.
    ev('iv-sim', 'op-design', 'simulation.run', '2026-03-06T04:30:00Z'),
    // Invited in February, expired unstarted in March: in none of the row's figures for March.
    ev('iv-expired', 'op-sales', 'interview.invited', '2026-02-24T15:00:00Z'),
    ev('iv-expired', 'op-sales', 'interview.expired', '2026-03-03T15:00:00Z'),
  ];
  expect((await postEvents(env.app, tenant.apiKey, events)).json().rejected).toEqual([]);
  for (const interviewId of ['iv-reversed', 'iv-reversed-feb']) {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/reversals',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { interviewId, reason: 'technical failure' },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});

const ROW_KEYS = ['invited', 'completed', 'partiallyCompleted', 'simulations', 'creditsUsed'] as const;

describe('GET /api/v1/openings/:openingId/interviews', () => {
  it.each(Object.entries(RANGES))("totals every opening's row for the %s", async (_, query) => {
    const rows = (await get(`/api/v1/consumption/openings?${query}&pageSize=500`)).json();
    expect(rows.items.length).toBeGreaterThan(0);
    for (const openingId of Object.keys(TITLES)) {
      const row = rows.items.find((r: { openingId: string }) => r.openingId === openingId);
      const body = await drawer(openingId, `${query}&pageSize=500`);
      const expected = Object.fromEntries(ROW_KEYS.map((k) => [k, row?.[k] ?? 0]));
      expect({ openingId, totals: body.totals }).toEqual({ openingId, totals: expected });
      // The items are the totals, itemised.
      expect(body.total).toBe(body.items.length);
      for (const figure of ROW_FIGURES.filter((f) => f !== 'creditsUsed')) {
        expect(body.items.filter((i) => i.countedIn.includes(figure)).length).toBe(body.totals[figure]);
      }
      const credits = body.items.reduce((sum, i) => sum + i.creditsInRange, 0);
      expect(credits).toBeCloseTo(body.totals.creditsUsed ?? Number.NaN, 9);
      for (const i of body.items) {
        expect(i.countedIn.length).toBeGreaterThan(0);
        expect(i.countedIn.includes('creditsUsed')).toBe(i.creditsInRange !== 0);
      }
    }
  });

  it('lists an interview invited before the range and finished in it, as completed and charged', async () => {
    const march = await drawer('op-data', '');
    expect(march.items.find((i) => i.interviewId === 'iv-late')).toMatchObject({
      state: 'completed',
      countedIn: ['completed', 'creditsUsed'],
      creditsInRange: 1,
    });
    const february = await drawer('op-data', 'from=2026-02-01&to=2026-02-28');
    expect(february.items.find((i) => i.interviewId === 'iv-late')).toMatchObject({
      countedIn: ['invited'],
      creditsInRange: 0,
    });
    // Resumed and completed in March: invited and ended early in February, counted there as invited only.
    expect((await drawer('op-design', '')).items.find((i) => i.interviewId === 'iv-resumed')).toMatchObject({
      countedIn: ['completed', 'creditsUsed'],
      creditsInRange: 1,
    });
    const designFebruary = await drawer('op-design', 'from=2026-02-01&to=2026-02-28');
    expect(designFebruary.items.find((i) => i.interviewId === 'iv-resumed')?.countedIn).toEqual(['invited']);
    // An unstarted invitation that expired in March counts in none of March's figures.
    expect((await drawer('op-sales', '')).items.map((i) => i.interviewId)).not.toContain('iv-expired');
  });

  it('counts on local days of the tenant’s time zone', async () => {
    // Invited at 22:00 on 31 December and completed at 00:30 on 1 January, New York time.
    const december = await drawer('op-sales', 'from=2025-12-01&to=2025-12-31');
    expect(december.items.find((i) => i.interviewId === 'iv-new-year')?.countedIn).toEqual(['invited']);
    const january = await drawer('op-sales', 'from=2026-01-01&to=2026-01-31');
    expect(january.items.find((i) => i.interviewId === 'iv-new-year')?.countedIn).toEqual([
      'completed',
      'creditsUsed',
    ]);
  });

  it('shows a reversal in the range: counted as completed, no credits, and the row agrees', async () => {
    const march = await drawer('op-data', '');
    expect(march.items.find((i) => i.interviewId === 'iv-reversed')).toMatchObject({
      countedIn: ['invited', 'completed'],
      credits: 0,
      creditsInRange: 0,
      reversedAt: clock.current.toISOString(),
    });
    // Reversed in March, finished in February: February's row and drawer lose the credit, March never had it.
    expect(march.items.map((i) => i.interviewId)).not.toContain('iv-reversed-feb');
    const february = await drawer('op-data', 'from=2026-02-01&to=2026-02-28');
    expect(february.items.find((i) => i.interviewId === 'iv-reversed-feb')).toMatchObject({
      countedIn: ['invited', 'completed'],
      creditsInRange: 0,
    });
    const row = (await get('/api/v1/consumption/openings?from=2026-02-01&to=2026-02-28')).json().items;
    expect(row.find((r: { openingId: string }) => r.openingId === 'op-data')).toMatchObject({
      completed: february.totals.completed,
      creditsUsed: february.totals.creditsUsed,
    });
  });

  it('counts a simulation on its run, in simulations alone', async () => {
    const march = await drawer('op-design', '');
    expect(march.items.find((i) => i.interviewId === 'iv-sim')).toMatchObject({
      isSimulation: true,
      countedIn: ['simulations'],
      creditsInRange: 0,
    });
    const sixth = await drawer('op-design', 'from=2026-03-06&to=2026-03-31');
    expect(sixth.items.map((i) => i.interviewId)).not.toContain('iv-sim');
    const fifth = await drawer('op-design', 'from=2026-03-05&to=2026-03-05');
    expect(fifth).toMatchObject({ totals: { simulations: 1 }, items: [{ interviewId: 'iv-sim' }] });
  });

  it("lists one figure's interviews with countedIn, the totals still the row's", async () => {
    const all = await drawer('op-data', `${RANGES.lastQuarter}&pageSize=500`);
    for (const figure of ROW_FIGURES) {
      const only = await drawer('op-data', `${RANGES.lastQuarter}&pageSize=500&countedIn=${figure}`);
      expect(only.totals).toEqual(all.totals);
      expect(only.items.map((i) => i.interviewId)).toEqual(
        all.items.filter((i) => i.countedIn.includes(figure)).map((i) => i.interviewId),
      );
      expect(only.total).toBe(only.items.length);
    }
    const charged = await drawer('op-data', 'countedIn=creditsUsed');
    expect(charged.items.map((i) => i.interviewId)).toContain('iv-late');
    expect(charged.items.map((i) => i.interviewId)).not.toContain('iv-reversed');
    // With the state filter too: both must hold.
    const both = await drawer('op-data', 'countedIn=invited&status=completed');
    expect(both.items.every((i) => i.state === 'completed' && i.countedIn.includes('invited'))).toBe(true);
    expect(both.items.map((i) => i.interviewId)).toContain('iv-reversed');
    expect(both.items.map((i) => i.interviewId)).not.toContain('iv-late');
  });

  it('pages through the same list, newest invitation first', async () => {
    const query = 'from=2025-10-01&to=2026-03-31';
    const all = await drawer('op-data', `${query}&pageSize=500`);
    expect(all.total).toBeGreaterThan(5);
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 2); page++) {
      const one = await drawer('op-data', `${query}&pageSize=2&page=${page}`);
      expect(one).toMatchObject({ page, pageSize: 2, total: all.total, totals: all.totals });
      seen.push(...one.items.map((i) => i.interviewId));
    }
    expect(seen).toEqual(all.items.map((i) => i.interviewId));
    const past = await drawer('op-data', `${query}&pageSize=2&page=${all.total + 1}`);
    expect(past).toMatchObject({ items: [], total: all.total, totals: all.totals });
  });

  it('pages by cursor through the same list as by page, and with a filter', async () => {
    const query = 'from=2025-10-01&to=2026-03-31';
    for (const filter of ['', '&countedIn=invited', '&status=completed', '&status=simulation']) {
      const all = await drawer('op-data', `${query}${filter}&pageSize=500`);
      expect(all.nextCursor).toBeNull();
      expect(all.total).toBe(all.items.length);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 1; page === 1 || cursor; page++) {
        const one: Drawer = await drawer(
          'op-data',
          `${query}${filter}&pageSize=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(one).toMatchObject({ page, pageSize: 2, total: all.total, totals: all.totals });
        // The same page by number: the cursor's page is the page's.
        const numbered = await drawer('op-data', `${query}${filter}&pageSize=2&page=${page}`);
        expect(one.items).toEqual(numbered.items);
        seen.push(...one.items.map((i) => i.interviewId));
        cursor = one.nextCursor;
      }
      expect(seen).toEqual(all.items.map((i) => i.interviewId));
    }
  });

  it('refuses a cursor it did not give, or given for another query, with 400 invalid_cursor', async () => {
    const query = 'from=2025-10-01&to=2026-03-31&pageSize=2';
    const { nextCursor } = await drawer('op-data', query);
    expect(nextCursor).toEqual(expect.any(String));
    const raw = Buffer.from(nextCursor as string, 'base64url').toString('utf8');
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    const cases = [
      `${query}&cursor=${nextCursor}&page=2`,
      `from=2025-11-01&to=2026-03-31&pageSize=2&cursor=${nextCursor}`,
      `${query}&countedIn=invited&cursor=${nextCursor}`,
      `from=2025-10-01&to=2026-03-31&pageSize=3&cursor=${nextCursor}`,
      `${query}&cursor=bogus`,
      `${query}&cursor=${forged(raw.replace(/\.\d+\.(\d+)\./, '.1.$1.'))}`,
      `${query}&cursor=${forged(`${raw.split('.').slice(0, 5).join('.')}.iv\u0000x`)}`,
      `${query}&cursor=${forged(raw.replace(/^iv1/, 'iv2'))}`,
      `${query}&cursor=${forged(`${raw.split('.').slice(0, 4).join('.')}.99999999999999999.x`)}`,
      `${query}&cursor=${forged(`${raw.split('.').slice(0, 4).join('.')}.9999999999999999.x`)}`,
    ];
    for (const q of cases) {
      const res = await get(`/api/v1/openings/op-data/interviews?${q}`);
      expect({ q, status: res.statusCode, code: res.json().error?.code }).toEqual({
        q,
        status: 400,
        code: 'invalid_cursor',
      });
    }
    // Another opening's query is another query too.
    const other = await get(`/api/v1/openings/op-design/interviews?${query}&cursor=${nextCursor}`);
    expect(other.json().error?.code).toBe('invalid_cursor');
  });

  it('refuses hostile parameters with 400 and a stable code, and unknown openings with 404', async () => {
    const cases: [string, number, string][] = [
      ['countedIn=bogus', 400, 'invalid_request'],
      ['countedIn=invited&countedIn=completed', 400, 'invalid_request'],
      ['countedIn=', 400, 'invalid_request'],
      ['countedIn=creditsused', 400, 'invalid_request'],
      ['pageSize=501', 400, 'invalid_request'],
      ['pageSize=0', 400, 'invalid_request'],
      ['page=0', 400, 'invalid_request'],
      ['page=1.5', 400, 'invalid_request'],
      ['status=simulations', 400, 'invalid_request'],
      ['from=2026-03-10&to=2026-03-01', 400, 'invalid_range'],
      ['from=2026-02-30&to=2026-03-01', 400, 'invalid_date'],
      ['from=2015-01-01&to=2026-03-01', 400, 'range_too_long'],
    ];
    for (const [query, status, code] of cases) {
      const res = await get(`/api/v1/openings/op-data/interviews?${query}`);
      expect({ query, status: res.statusCode, code: res.json().error?.code }).toEqual({
        query,
        status,
        code,
      });
    }
    const unknown = await get('/api/v1/openings/op-none/interviews?countedIn=invited');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });
});
