import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRANULARITIES, type Granularity } from '../src/shared/contract/consumption.js';
import { creditsToMilli } from '../src/shared/credits.js';
import { addDays } from '../src/shared/local-dates.js';
import {
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/**
 * Every screen's numbers agree (docs/product.md, The opening drawer): for random ranges and
 * granularities, the summary cards, the openings table (all pages), the time series' buckets, the
 * export's columns, the openings' drawers and the breakdowns by attribute give the same invited,
 * completed, partially completed, simulations and credits used, to the thousandth, unfiltered and
 * under random filters (docs/product.md, Filters). One tenant with
 * two years of random interviews (late finishes, resumed and abandoned interviews, simulations,
 * reversals, attributes changing on the way) in a time zone with summer time, seeded once for the file.
 */

/** Runs per property; METERLINE_PROPERTY_RUNS=500 for a long hunt. */
const runs = (n: number) => Number(process.env.METERLINE_PROPERTY_RUNS) || n;

const NOW = '2026-06-15T12:00:00Z';
const clock = new TestClock(new Date(NOW));
const env = testAppForFile(clock);

const OPENINGS = Array.from({ length: 8 }, (_, i) => `op-${i}`);
const HISTORY_START = Date.parse('2024-06-01T00:00:00Z');
const HOUR = 3_600_000;

type Outcome =
  | 'invited'
  | 'started'
  | 'completed'
  | 'partial'
  | 'expired'
  | 'cancelled'
  | 'abandoned'
  | 'resumed'
  | 'simulation';

interface Spec {
  opening: number;
  candidate: number;
  outcome: Outcome;
  /** Hours from HISTORY_START to the invitation. */
  invitedHour: number;
  /** Hours between one milestone and the next: minutes up to three weeks, so finishes cross days and months. */
  gaps: [number, number, number];
  completion: number;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  opening: fc.nat({ max: OPENINGS.length - 1 }),
  candidate: fc.nat({ max: 150 }),
  outcome: fc.constantFrom<Outcome>(
    'invited',
    'started',
    'completed',
    'completed',
    'completed',
    'partial',
    'expired',
    'cancelled',
    'abandoned',
    'resumed',
    'simulation',
  ),
  invitedHour: fc.nat({ max: 2 * 366 * 24 }),
  gaps: fc.tuple(
    fc.double({ min: 0.05, max: 500, noNaN: true }),
    fc.double({ min: 0.05, max: 500, noNaN: true }),
    fc.double({ min: 0.05, max: 500, noNaN: true }),
  ),
  completion: fc.double({ min: 0, max: 1, noNaN: true }),
});

/** One interview's events; those after the clock are left out (the interview is still under way). */
function eventsOf(spec: Spec, n: number): Record<string, unknown>[] {
  const interviewId = `iv-${n}`;
  const base = {
    interviewId,
    openingId: OPENINGS[spec.opening],
    jobTitle: `Role ${spec.opening}`,
    candidateId: `cand-${spec.candidate}`,
  };
  const times = [HISTORY_START + spec.invitedHour * HOUR];
  for (const gap of spec.gaps) times.push((times[times.length - 1] ?? 0) + gap * HOUR);
  const steps: [string, Record<string, unknown>?][] = {
    simulation: [['simulation.run']],
    invited: [['interview.invited']],
    started: [['interview.invited'], ['interview.started']],
    completed: [['interview.invited'], ['interview.started'], ['interview.completed']],
    partial: [
      ['interview.invited'],
      ['interview.started'],
      ['interview.ended', { completion: spec.completion }],
    ],
    expired: [['interview.invited'], ['interview.expired']],
    cancelled: [['interview.invited'], ['interview.cancelled']],
    abandoned: [
      ['interview.invited'],
      ['interview.progress', { completion: spec.completion }],
      ['interview.expired'],
    ],
    resumed: [
      ['interview.invited'],
      ['interview.ended', { completion: spec.completion }],
      ['interview.completed'],
    ],
  }[spec.outcome] as [string, Record<string, unknown>?][];
  return steps.flatMap(([type, extra], k) => {
    const at = times[k] ?? Number.POSITIVE_INFINITY;
    if (at > clock.current.getTime()) return [];
    // Most interviews are attributed, some change department on the way, a quarter have none; some
    // have a location, some a second tag.
    const attribution =
      n % 4 === 0
        ? {}
        : {
            department: `dep-${(n + k) % 3}`,
            recruiterId: `rec-${n % 5}`,
            ...(n % 3 === 0 ? {} : { location: `loc-${n % 2}` }),
            tags: n % 7 === 0 ? { wave: `${n % 2}`, level: `l${n % 3}` } : { wave: `${n % 2}` },
          };
    return [
      { id: `ev-${n}-${k}`, type, ...base, occurredAt: new Date(at).toISOString(), ...extra, ...attribution },
    ];
  });
}

let tenant: TestTenant;
let admin: { cookie: string; csrf: string };

const get = async (url: string) => {
  const res = await env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res;
};

beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, {
    timeZone: 'America/Los_Angeles',
    anchor: '2024-01-15',
  });
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const [specs = []] = fc.sample(fc.array(specArb, { minLength: 350, maxLength: 350 }), {
    seed: 20260615,
    numRuns: 1,
  });
  const events = specs.flatMap((s, n) => eventsOf(s, n));
  // Late and out of order, as the engine may send them: newest batch first.
  for (let end = events.length; end > 0; end -= 1000) {
    const res = await postEvents(env.app, tenant.apiKey, events.slice(Math.max(0, end - 1000), end));
    expect(res.json().rejected).toEqual([]);
  }
  // Reverse every ninth charged interview.
  const charged = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ id: string }>('select id from interviews where charged_milli > 0 order by id'),
  );
  for (const { id } of charged.filter((_, i) => i % 9 === 0)) {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/reversals',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { interviewId: id, reason: 'technical failure' },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});

/** The five figures every view shows, credits in thousandths. */
interface Figures {
  invited: number;
  completed: number;
  partiallyCompleted: number;
  simulations: number;
  creditsMilli: number;
}

const NONE: Figures = { invited: 0, completed: 0, partiallyCompleted: 0, simulations: 0, creditsMilli: 0 };

/** The five figures as the API answers them (credits as decimals). */
type Answered = Partial<
  Record<'invited' | 'completed' | 'partiallyCompleted' | 'simulations' | 'creditsUsed', number | null>
>;

/** The figures of an answer's object (null, as in a bucket with nothing to count yet, as 0). */
const figuresOf = (o: Answered): Figures => ({
  invited: o.invited ?? 0,
  completed: o.completed ?? 0,
  partiallyCompleted: o.partiallyCompleted ?? 0,
  simulations: o.simulations ?? 0,
  creditsMilli: creditsToMilli(o.creditsUsed ?? 0),
});

const plus = (a: Figures, b: Figures): Figures => ({
  invited: a.invited + b.invited,
  completed: a.completed + b.completed,
  partiallyCompleted: a.partiallyCompleted + b.partiallyCompleted,
  simulations: a.simulations + b.simulations,
  creditsMilli: a.creditsMilli + b.creditsMilli,
});

const sum = (list: Figures[]) => list.reduce(plus, NONE);

/** Filters: none half the time, else any AND of a department, a recruiter, a location and tags (some matching nothing). */
const filterArb = fc.oneof(
  fc.constant(''),
  fc
    .record(
      {
        department: fc.constantFrom('dep-0', 'dep-1', 'dep-2', 'dep-9'),
        recruiterId: fc.constantFrom('rec-0', 'rec-1', 'rec-4'),
        location: fc.constantFrom('loc-0', 'loc-1'),
        'tag.wave': fc.constantFrom('0', '1'),
        'tag.level': fc.constantFrom('l0', 'l1', 'l2'),
      },
      { requiredKeys: [] },
    )
    .map((f) => new URLSearchParams(f).toString()),
);

/** A range: none (the current billing period), or from a day in the history for up to 500 days. */
const rangeArb = fc.option(
  fc
    .record({ start: fc.nat({ max: 800 }), days: fc.integer({ min: 1, max: 500 }) })
    .map(({ start, days }) => {
      const from = addDays('2024-05-20', start);
      return { from, to: addDays(from, days - 1) };
    }),
  { freq: 5 },
);

describe('every view of usage', () => {
  it('gives the same figures: summary, openings (all pages), time series, export, drawers and breakdowns, under random filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        rangeArb,
        fc.constantFrom<Granularity>(...GRANULARITIES),
        fc.integer({ min: 1, max: 6 }),
        filterArb,
        async (range, granularity, pageSize, filter) => {
          const query = [range ? `from=${range.from}&to=${range.to}` : '', filter].filter(Boolean).join('&');

          const summary = (await get(`/api/v1/consumption/summary?${query}`)).json();
          const expected = figuresOf(summary);
          expect(summary.totalInterviews).toBe(expected.completed + expected.partiallyCompleted);

          // The openings table, page by page.
          const rows: (Figures & { openingId: string })[] = [];
          for (let page = 1; ; page++) {
            const body = (
              await get(
                `/api/v1/consumption/openings?${query}&sort=jobTitle&pageSize=${pageSize}&page=${page}`,
              )
            ).json();
            expect(figuresOf(body.totals), 'openings totals').toEqual(expected);
            rows.push(
              ...body.items.map((r: Answered & { openingId: string }) => ({
                openingId: r.openingId,
                ...figuresOf(r),
              })),
            );
            if (page * pageSize >= body.total) break;
          }
          expect(new Set(rows.map((r) => r.openingId)).size).toBe(rows.length);
          expect(sum(rows), 'openings rows').toEqual(expected);

          // The time series: each point counts only its days within the range (a week or month the
          // range cuts is clipped to it), so the points add up to the range.
          const series = (
            await get(`/api/v1/consumption/timeseries?${query}&granularity=${granularity}`)
          ).json();
          for (const p of series.points) {
            expect(p.from >= series.periodStart && p.to <= series.periodEnd, `${p.from}…${p.to}`).toBe(true);
          }
          expect(sum(series.points.map(figuresOf)), `${granularity} buckets`).toEqual(expected);

          // The export's columns.
          const csv = (await get(`/api/v1/consumption/export?${query}&format=csv`)).body;
          const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
          const exported = sum(
            records.map((r) => ({
              invited: Number(r.Invited),
              completed: Number(r.Completed),
              partiallyCompleted: Number(r['Partially completed']),
              simulations: Number(r.Simulations),
              creditsMilli: creditsToMilli(Number(r['Credits used'])),
            })),
          );
          expect(exported, 'export').toEqual(expected);

          // Each breakdown: its items, (none) included, add up to its totals, which are the summary's;
          // a department's item is the summary filtered by that department too.
          for (const by of ['department', 'recruiter', 'tag:wave']) {
            const body = (await get(`/api/v1/consumption/breakdown?${query}&by=${by}&limit=1000`)).json();
            expect(figuresOf(body.totals), `${by} totals`).toEqual(expected);
            expect(sum(body.items.map(figuresOf)), `${by} items`).toEqual(expected);
            if (by !== 'department' || filter.includes('department=')) continue;
            for (const item of body.items.filter((i: { key: string | null }) => i.key !== null).slice(0, 2)) {
              const narrowed = (
                await get(`/api/v1/consumption/summary?${query}&department=${encodeURIComponent(item.key)}`)
              ).json();
              expect(figuresOf(narrowed), `department ${item.key}`).toEqual(figuresOf(item));
            }
          }

          // The drawers take no filters: each opening's drawer is its unfiltered row.
          if (filter) return;
          // Each opening's drawer: its row, or nothing for an opening without one.
          const drawers: Figures[] = [];
          for (const openingId of OPENINGS) {
            const body = (await get(`/api/v1/openings/${openingId}/interviews?${query}&pageSize=1`)).json();
            const totals = figuresOf(body.totals);
            const row = rows.find((r) => r.openingId === openingId);
            expect(totals, `drawer of ${openingId}`).toEqual(row ? rowFigures(row) : NONE);
            drawers.push(totals);
          }
          expect(sum(drawers), 'drawers').toEqual(expected);
        },
      ),
      { numRuns: runs(20) },
    );
  });
});

const rowFigures = ({ openingId: _, ...figures }: Figures & { openingId: string }): Figures => figures;
