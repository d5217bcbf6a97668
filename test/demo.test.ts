import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBudgetViews } from '../src/server/budgets/view.js';
import { generateStream } from '../src/server/demo/interviews.js';
import { type DemoResult, loadDemo } from '../src/server/demo/load.js';
import { ACME, DEMO_LOGINS, DEMO_PASSWORD, GLOBEX } from '../src/server/demo/tenants.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import type { ParsedEvent } from '../src/server/metering/events.js';
import { type InterviewRecord, mergeEvent } from '../src/server/metering/state.js';
import type { InterviewEvent } from '../src/shared/contract/events.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { TestClock, testApp } from './helpers/factories.js';

// A fixed `now`, so the demo is the same on every run whatever today's date.
const NOW = new Date('2026-06-10T14:30:00Z');
const SCALE = 0.05;

let t: TestDatabase;
let app: FastifyInstance;
let result: DemoResult;
const tenantIds = new Map<string, string>();

beforeAll(async () => {
  t = await openTestDatabase();
  result = await loadDemo(t.db, { now: NOW, scale: SCALE });
  for (const row of await t.db.query<{ id: string; slug: string }>('select id, slug from system_tenants()')) {
    tenantIds.set(row.slug, String(row.id));
  }
  app = await testApp(t.db, new TestClock(NOW));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const idOf = (slug: string) => {
  const id = tenantIds.get(slug);
  if (!id) throw new Error(`no tenant ${slug}`);
  return id;
};

const query = <T extends Record<string, unknown>>(slug: string, sql: string) =>
  t.db.withTenant(idOf(slug), (tx) => tx.query<T>(sql));

describe('the demo event stream (pure)', () => {
  it('is the same for the same now and scale, and differs for another scale', () => {
    for (const spec of [ACME, GLOBEX]) {
      const a = generateStream(spec, { now: NOW, scale: SCALE });
      const b = generateStream(spec, { now: NOW, scale: SCALE });
      expect(b).toEqual(a);
      expect(generateStream(spec, { now: NOW, scale: SCALE * 2 }).interviews).toBeGreaterThan(a.interviews);
    }
  });

  it('has tens of thousands of Acme interviews at scale 1, over 30+ openings and three years', () => {
    const acme = generateStream(ACME, { now: NOW, scale: 1 });
    expect(acme.interviews).toBeGreaterThanOrEqual(30_000);
    expect(acme.interviews).toBeLessThanOrEqual(40_000);
    expect(acme.openings.length).toBeGreaterThanOrEqual(30);
    expect(acme.anchor).toBe('2023-06-01');
    const globex = generateStream(GLOBEX, { now: NOW, scale: 1 });
    expect(globex.interviews).toBeGreaterThan(2_000);
    expect(globex.interviews).toBeLessThan(acme.interviews / 4);
    expect(globex.openings.length).toBe(8);
  });

  it('never goes past now, and delivers some events late and some twice', () => {
    const { deliveries } = generateStream(ACME, { now: NOW, scale: SCALE });
    const now = NOW.getTime();
    expect(deliveries.every((d) => d.at <= now && Date.parse(d.event.occurredAt) <= d.at)).toBe(true);
    const ids = deliveries.map((d) => d.event.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    // Late: an event delivered after a later event of the same interview.
    const latestSeen = new Map<string, number>();
    let late = 0;
    for (const d of deliveries) {
      const at = Date.parse(d.event.occurredAt);
      if (at < (latestSeen.get(d.event.interviewId) ?? 0)) late++;
      latestSeen.set(d.event.interviewId, Math.max(at, latestSeen.get(d.event.interviewId) ?? 0));
    }
    expect(late).toBeGreaterThan(0);
  });

  it('peaks early in the year and in the autumn, and is quiet in summer and December', () => {
    const { deliveries } = generateStream(ACME, { now: NOW, scale: 1 });
    const byMonth = new Map<string, number>();
    for (const d of deliveries) {
      if (d.event.type !== 'interview.invited') continue;
      const month = d.event.occurredAt.slice(0, 7);
      byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
    }
    const n = (m: string) => byMonth.get(m) ?? 0;
    expect(n('2025-02')).toBeGreaterThan(2 * n('2024-07'));
    expect(n('2024-10')).toBeGreaterThan(2 * n('2024-12'));
    expect(n('2025-02')).toBeGreaterThan(n('2024-02'));
  });
});

describe('loadDemo', () => {
  it('loads both tenants through ingestion with nothing refused', () => {
    expect(result.tenants.map((r) => r.slug)).toEqual(['acme', 'globex']);
    for (const r of result.tenants) {
      expect(r.rejected).toBe(0);
      expect(r.interviews).toBeGreaterThan(0);
      expect(r.events).toBeGreaterThan(r.interviews);
    }
  });

  it('keeps books that verify', async () => {
    expect(await verifyTenant(t.db, idOf('acme'))).toEqual([]);
    expect(await verifyTenant(t.db, idOf('globex'))).toEqual([]);
  });

  it('stores each event delivered once, and each interview as the merge of its stored events', async () => {
    for (const spec of [ACME, GLOBEX]) {
      const { deliveries } = generateStream(spec, { now: NOW, scale: SCALE });
      const events = await query<{
        id: string;
        type: InterviewEvent['type'];
        interview_id: string;
        opening_id: string;
        candidate_id: string | null;
        occurred_at: Date;
        completion: number | null;
        attribution: Partial<ParsedEvent> | null;
      }>(spec.slug, 'select * from interview_events');
      expect(events.map((e) => e.id).sort()).toEqual([...new Set(deliveries.map((d) => d.event.id))].sort());
      const merged = new Map<string, InterviewRecord>();
      for (const e of events) {
        const at = new Date(e.occurred_at).getTime();
        const parsed: ParsedEvent = {
          id: e.id,
          type: e.type,
          interviewId: e.interview_id,
          openingId: e.opening_id,
          ...(e.candidate_id === null ? {} : { candidateId: e.candidate_id }),
          occurredAt: new Date(at).toISOString(),
          ...(e.completion === null ? {} : { completion: Number(e.completion) }),
          ...e.attribution,
          at,
        };
        merged.set(e.interview_id, mergeEvent(merged.get(e.interview_id), parsed));
      }
      const stored = await query<Record<string, unknown>>(spec.slug, 'select * from interviews');
      expect(stored.length).toBe(merged.size);
      const ms = (v: unknown) => (v === null ? null : new Date(v as Date).getTime());
      for (const row of stored) {
        const record = merged.get(row.id as string);
        expect(record, row.id as string).toEqual({
          id: row.id,
          openingId: row.opening_id,
          candidateId: row.candidate_id,
          isSimulation: row.is_simulation,
          invitedAt: ms(row.invited_at),
          startedAt: ms(row.started_at),
          completedAt: ms(row.completed_at),
          endedAt: ms(row.ended_at),
          expiredAt: ms(row.expired_at),
          cancelledAt: ms(row.cancelled_at),
          completion: Number(row.completion),
          attribution: row.attribution,
        });
      }
    }
  });

  it('has interviews in every state, partials in every tier, and simulations', async () => {
    for (const slug of ['acme', 'globex']) {
      const rows = await query<{ state: string; is_simulation: boolean; n: number }>(
        slug,
        'select state, is_simulation, count(*)::int as n from interviews group by state, is_simulation',
      );
      const real = rows.filter((r) => !r.is_simulation);
      expect(real.map((r) => r.state).sort()).toEqual([
        'cancelled',
        'completed',
        'expired',
        'invited',
        'partially_completed',
        'started',
      ]);
      const total = real.reduce((sum, r) => sum + r.n, 0);
      expect(total).toBe(result.tenants.find((r) => r.slug === slug)?.interviews);
      const completed = real.find((r) => r.state === 'completed')?.n ?? 0;
      expect(completed / total).toBeGreaterThan(0.5);
      expect(completed / total).toBeLessThan(0.7);
      expect(rows.some((r) => r.is_simulation && r.n > 0)).toBe(true);
    }
    const tiers = await query<{ charged_milli: number }>(
      'acme',
      `select distinct charged_milli from interviews where state = 'partially_completed' order by 1`,
    );
    expect(tiers.map((r) => Number(r.charged_milli))).toEqual([0, 500, 1000]);
  });

  it('gives Acme monthly grants, rollovers and a purchase, and Globex a yearly plan', async () => {
    const lots = await query<{ kind: string; n: number }>(
      'acme',
      'select kind, count(*)::int as n from credit_lots group by kind order by kind',
    );
    const acmeLots = Object.fromEntries(lots.map((l) => [l.kind, l.n]));
    expect(acmeLots.grant).toBe(37);
    expect(acmeLots.rollover).toBeGreaterThan(10);
    expect(acmeLots.purchase).toBe(1);
    const [purchase] = await query<{ credits_milli: number; created_at: Date }>(
      'acme',
      'select credits_milli, created_at from purchases',
    );
    expect(Number(purchase?.credits_milli)).toBe(500_000);
    expect(new Date(purchase?.created_at as Date).toISOString()).toBe('2025-12-12T15:00:00.000Z');

    const periods = await query<{ n: number }>('globex', 'select count(*)::int as n from billing_periods');
    expect(periods[0]?.n).toBe(3);
    const globexLots = await query<{ kind: string }>('globex', 'select distinct kind from credit_lots');
    expect(globexLots.map((l) => l.kind)).toEqual(['grant']);
  });

  it('creates the demo logins, each of which can sign in', async () => {
    for (const login of DEMO_LOGINS) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: login.email, password: DEMO_PASSWORD },
      });
      expect(res.statusCode, login.email).toBe(200);
      expect(res.json().user.role).toBe(login.role);
      expect(res.json().tenant.name).toBe(login.tenant);
    }
  });

  it("counts each billing period's credits alike on its statement and on the console", async () => {
    for (const login of DEMO_LOGINS.filter((l) => l.role === 'account_admin')) {
      const signedIn = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: login.email, password: DEMO_PASSWORD },
      });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0] ?? '';
      const get = async (url: string) =>
        (await app.inject({ method: 'GET', url, headers: { cookie } })).json();
      const slug = String(signedIn.json().tenant.slug);
      const { items } = await get('/api/v1/credits/statements');
      expect(items.length).toBeGreaterThan(1);

      for (const s of items as { periodStart: string; periodEnd: string; consumption: number }[]) {
        const used = (await get(`/api/v1/consumption/summary?from=${s.periodStart}&to=${s.periodEnd}`))
          .creditsUsed;
        // The console takes a reversed interview's credits off the day it finished; the statement
        // keeps its charge and lists the reversal when it was made (docs/product.md, Statements).
        const [reversed] = await query<{ credits: number }>(
          slug,
          `select coalesce(sum(e.amount_milli), 0)::int / 1000.0 as credits
             from ledger_entries e join interviews i on i.tenant_id = e.tenant_id and i.id = e.interview_id
             join tenants t on t.id = i.tenant_id
            where e.kind = 'reversal'
              and (i.finished_at at time zone t.time_zone)::date between '${s.periodStart}' and '${s.periodEnd}'`,
        );
        expect(s.consumption, `${slug} ${s.periodStart}`).toBeCloseTo(used + Number(reversed?.credits), 6);
      }
    }
  });

  it('gives Acme two budgets: its busiest opening past 80 % and not used up, blocking; Sales, alerting', async () => {
    const views = await listBudgetViews(t.db, idOf('acme'), NOW);
    // Made at the same instant: listed by id, so in either order.
    expect(views.map((b) => `${b.scope.kind} ${b.onExhausted}`).sort()).toEqual([
      'department alert',
      'opening block',
    ]);
    const opening = views.find((b) => b.scope.kind === 'opening');
    const sales = views.find((b) => b.scope.kind === 'department');
    expect(opening?.reached).toContain(80);
    expect(opening?.exhausted).toBe(false);
    expect(opening?.percentUsed).toBeLessThan(100);
    expect(sales?.scope.value).toBe('Sales');
    expect(await listBudgetViews(t.db, idOf('globex'), NOW)).toEqual([]);
  });

  it('has an API key per tenant, last used when it sent the last event', async () => {
    for (const slug of ['acme', 'globex']) {
      const keys = await query<{ name: string; used: boolean }>(
        slug,
        `select name, last_used_at is not null and last_used_at <= '2026-06-10T14:30:00Z' and last_used_at > '2026-06-01' as used from api_keys`,
      );
      expect(keys).toEqual([{ name: 'demo engine', used: true }]);
    }
  });

  it('refuses to load twice', async () => {
    await expect(loadDemo(t.db, { now: NOW, scale: SCALE })).rejects.toMatchObject({ code: 'demo_loaded' });
  });

  it('refuses a scale out of range before touching anything', async () => {
    await expect(loadDemo(t.db, { now: NOW, scale: 0 })).rejects.toMatchObject({ code: 'invalid_scale' });
    await expect(loadDemo(t.db, { now: NOW, scale: 1000 })).rejects.toMatchObject({ code: 'invalid_scale' });
  });
});
