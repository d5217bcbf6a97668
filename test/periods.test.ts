import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE } from '../src/server/db/connect.js';
import type { Database } from '../src/server/db/database.js';
import { openPostgres } from '../src/server/db/postgres.js';
import { closeAllDuePeriods, closeDuePeriods, type TenantCloseOutcome } from '../src/server/ledger/close.js';
import { purchaseCredits } from '../src/server/ledger/purchases.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import type { PlanInput } from '../src/server/tenants/create.js';
import {
  type TestClock as Clock,
  interviewEvents,
  makeTenant,
  postEvents,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/** A second connection to the same database: a second pool on PostgreSQL, the same PGlite on PGlite. */
let db2: Database;
const clock: Clock = new TestClock(new Date('2026-01-15T12:00:00Z'));

const env = testAppForFile(clock);
beforeAll(async () => {
  if (env.t.db.kind === 'postgres') {
    // A second server process on the same database: its own pool, found by the database's name.
    const [row] = await env.t.db.query<{ name: string }>('select current_database() as name');
    const url = new URL(process.env.TEST_DATABASE_URL ?? '');
    url.pathname = `/${row?.name}`;
    db2 = openPostgres({ url: url.toString(), role: APP_ROLE });
  } else {
    db2 = env.t.db;
  }
});
afterAll(async () => {
  if (db2 && db2 !== env.t?.db) await db2.close();
});

const CREDIT = 1000;
/** A small monthly plan so the numbers are easy to follow: 10 credits a month. */
const SMALL: Partial<PlanInput> = {
  periodUnit: 'month',
  allotmentMilli: 10 * CREDIT,
  rolloverMode: 'none',
  rolloverCapMilli: null,
  rolloverCapPercent: null,
  rolloverExpiresAfterPeriods: null,
  overageMode: 'block',
};

async function tenantAt(
  iso: string,
  plan: Partial<PlanInput>,
  opts: { timeZone?: string; anchor?: string } = {},
): Promise<TestTenant> {
  clock.set(iso);
  return makeTenant(env.t.db, clock, { plan: { ...SMALL, ...plan }, ...opts });
}

interface EntryRow {
  id: number;
  kind: string;
  amount: number;
  lotId: string | null;
  interviewId: string | null;
  reason: string | null;
  reference: string | null;
  effectiveAt: string;
}

async function entries(tenantId: string): Promise<EntryRow[]> {
  const rows = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<Record<string, unknown>>(
      `select id, kind, amount_milli, lot_id, interview_id, reason, reference, effective_at
         from ledger_entries where tenant_id = $1 order by id`,
      [tenantId],
    ),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as string,
    amount: Number(r.amount_milli),
    lotId: (r.lot_id as string | null) ?? null,
    interviewId: (r.interview_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    reference: (r.reference as string | null) ?? null,
    effectiveAt: new Date(r.effective_at as Date).toISOString(),
  }));
}

interface LotRow {
  id: string;
  kind: string;
  amount: number;
  remaining: number;
  grantedAt: string;
  expiresAt: string | null;
  origin: string | null;
  periodStart: string | null;
}

const iso = (d: unknown) => (d === null || d === undefined ? null : new Date(d as Date).toISOString());

async function lots(tenantId: string): Promise<LotRow[]> {
  const rows = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<Record<string, unknown>>(
      `select id, kind, amount_milli, remaining_milli, granted_at, expires_at, origin_period_start, period_start
         from credit_lots where tenant_id = $1 order by granted_at, kind desc, origin_period_start`,
      [tenantId],
    ),
  );
  return rows.map((r) => ({
    id: r.id as string,
    kind: r.kind as string,
    amount: Number(r.amount_milli),
    remaining: Number(r.remaining_milli),
    grantedAt: iso(r.granted_at) as string,
    expiresAt: iso(r.expires_at),
    origin: iso(r.origin_period_start),
    periodStart: iso(r.period_start),
  }));
}

async function account(tenantId: string): Promise<{ balance: number; overage: number }> {
  const [row] = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<{ balance_milli: number; overage_milli: number }>(
      'select balance_milli, overage_milli from credit_accounts where tenant_id = $1',
      [tenantId],
    ),
  );
  return { balance: Number(row?.balance_milli), overage: Number(row?.overage_milli) };
}

async function periods(tenantId: string): Promise<{ start: string; end: string; closed: boolean }[]> {
  const rows = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<{ start_at: Date; end_at: Date; closed_at: Date | null }>(
      'select start_at, end_at, closed_at from billing_periods where tenant_id = $1 order by start_at',
      [tenantId],
    ),
  );
  return rows.map((r) => ({
    start: iso(r.start_at) as string,
    end: iso(r.end_at) as string,
    closed: r.closed_at !== null,
  }));
}

/** Completed interviews posted through the API at the clock's time; each costs one credit. */
async function consume(tenant: TestTenant, n: number): Promise<string[]> {
  const at = new Date(clock.now().getTime() - 3 * 3_600_000).toISOString();
  const ids = Array.from({ length: n }, (_, i) => `iv-${clock.now().getTime()}-${i}-${Math.random()}`);
  const res = await postEvents(
    env.app,
    tenant.apiKey,
    ids.flatMap((interviewId) => interviewEvents({ interviewId, at, outcome: 'completed' })),
  );
  expect(res.statusCode).toBe(200);
  expect(res.json().rejected).toEqual([]);
  return ids;
}

async function closeAt(tenant: TestTenant, at: string) {
  clock.set(at);
  return closeDuePeriods(env.t.db, tenant.id, clock.now());
}

async function expectHealthy(tenant: TestTenant) {
  expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('period close', () => {
  it('grants the allotment at the first period, closes a period once its end has passed, exactly once', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {});
    expect(await periods(tenant.id)).toEqual([
      { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z', closed: false },
    ]);
    expect(await lots(tenant.id)).toEqual([
      expect.objectContaining({
        kind: 'grant',
        amount: 10 * CREDIT,
        remaining: 10 * CREDIT,
        grantedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-02-01T00:00:00.000Z',
        periodStart: '2026-01-01T00:00:00.000Z',
      }),
    ]);
    expect(await entries(tenant.id)).toEqual([
      expect.objectContaining({
        kind: 'grant',
        amount: 10 * CREDIT,
        reason: 'period_grant',
        reference: 'period 2026-01-01',
        effectiveAt: '2026-01-01T00:00:00.000Z',
      }),
    ]);

    // The last instant of the period: nothing is due yet.
    expect(await closeAt(tenant, '2026-01-31T23:59:59.999Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    expect(await closeAt(tenant, '2026-02-01T00:00:00.000Z')).toEqual({
      closed: 1,
      opened: 1,
      expiredLots: 0,
    });
    const after = await entries(tenant.id);
    // Run again, at the same time and later in the same period: nothing more happens.
    expect(await closeAt(tenant, '2026-02-01T00:00:00.000Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    expect(await closeAt(tenant, '2026-02-20T08:00:00.000Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    expect(await entries(tenant.id)).toEqual(after);
    expect(await periods(tenant.id)).toEqual([
      { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z', closed: true },
      { start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z', closed: false },
    ]);
    await expectHealthy(tenant);
  });

  it('rollover none: every unused credit expires at the period end', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', { rolloverMode: 'none' });
    await consume(tenant, 3);
    await closeAt(tenant, '2026-02-01T00:00:00Z');
    const log = await entries(tenant.id);
    expect(log.filter((e) => e.kind === 'expiry')).toEqual([
      expect.objectContaining({
        amount: -7 * CREDIT,
        reason: 'period_end',
        effectiveAt: '2026-02-01T00:00:00.000Z',
      }),
    ]);
    expect(log.filter((e) => e.kind === 'rollover')).toEqual([]);
    expect(await account(tenant.id)).toEqual({ balance: 10 * CREDIT, overage: 0 });
    expect((await lots(tenant.id)).map((l) => [l.kind, l.remaining])).toEqual([
      ['grant', 0],
      ['grant', 10 * CREDIT],
    ]);
    await expectHealthy(tenant);
  });

  it('rollover all: every unused credit carries into the next period as a rollover lot', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', { rolloverMode: 'all' });
    await consume(tenant, 3);
    await closeAt(tenant, '2026-02-01T00:00:00Z');
    const log = await entries(tenant.id);
    // The old lot expires whole and the carried credits come back as a new lot: nothing is edited.
    expect(log.filter((e) => e.kind === 'expiry').map((e) => e.amount)).toEqual([-7 * CREDIT]);
    expect(log.filter((e) => e.kind === 'rollover')).toEqual([
      expect.objectContaining({ amount: 7 * CREDIT, reason: 'rollover', reference: 'period 2026-02-01' }),
    ]);
    const feb = (await lots(tenant.id)).filter((l) => l.periodStart === '2026-02-01T00:00:00.000Z');
    expect(feb.map((l) => [l.kind, l.amount, l.remaining, l.expiresAt, l.origin])).toEqual([
      ['rollover', 7 * CREDIT, 7 * CREDIT, '2026-03-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
      ['grant', 10 * CREDIT, 10 * CREDIT, '2026-03-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ]);
    expect(await account(tenant.id)).toEqual({ balance: 17 * CREDIT, overage: 0 });
    await expectHealthy(tenant);
  });

  it('rollover capped by credits and by percent of the allotment', async () => {
    const byCredits = await tenantAt('2026-01-15T12:00:00Z', {
      rolloverMode: 'capped',
      rolloverCapMilli: 5 * CREDIT,
    });
    const byPercent = await tenantAt('2026-01-15T12:00:00Z', {
      rolloverMode: 'capped',
      rolloverCapPercent: 25,
    });
    const both = await tenantAt('2026-01-15T12:00:00Z', {
      rolloverMode: 'capped',
      rolloverCapMilli: 1500,
      rolloverCapPercent: 50,
    });
    for (const tenant of [byCredits, byPercent, both]) {
      clock.set('2026-01-15T12:00:00Z');
      await consume(tenant, 3);
      await closeAt(tenant, '2026-02-01T00:00:00Z');
      await expectHealthy(tenant);
    }
    const rolled = async (tenant: TestTenant) =>
      (await entries(tenant.id)).filter((e) => e.kind === 'rollover').map((e) => e.amount);
    // 7 unused; at most 5 credits.
    expect(await rolled(byCredits)).toEqual([5 * CREDIT]);
    expect((await account(byCredits.id)).balance).toBe(15 * CREDIT);
    // 25 % of 10 credits: 2.5.
    expect(await rolled(byPercent)).toEqual([2500]);
    expect((await account(byPercent.id)).balance).toBe(12_500);
    // The smaller of the two caps.
    expect(await rolled(both)).toEqual([1500]);
    for (const tenant of [byCredits, byPercent, both]) {
      expect((await entries(tenant.id)).filter((e) => e.kind === 'expiry').map((e) => e.amount)).toEqual([
        -7 * CREDIT,
      ]);
    }
  });

  it('rolled-over credits expire after rolloverExpiresAfterPeriods periods, counted from their grant', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {
      rolloverMode: 'all',
      rolloverExpiresAfterPeriods: 1,
    });
    // January's 10 credits are unused and roll into February (one period on)...
    await closeAt(tenant, '2026-02-01T00:00:00Z');
    expect((await account(tenant.id)).balance).toBe(20 * CREDIT);
    // ...but not into March: only February's own grant does.
    await closeAt(tenant, '2026-03-01T00:00:00Z');
    const march = (await lots(tenant.id)).filter((l) => l.periodStart === '2026-03-01T00:00:00.000Z');
    expect(march.map((l) => [l.kind, l.amount, l.origin])).toEqual([
      ['rollover', 10 * CREDIT, '2026-02-01T00:00:00.000Z'],
      ['grant', 10 * CREDIT, '2026-03-01T00:00:00.000Z'],
    ]);
    expect((await account(tenant.id)).balance).toBe(20 * CREDIT);
    const expiries = (await entries(tenant.id)).filter((e) => e.kind === 'expiry');
    expect(expiries.map((e) => [e.amount, e.effectiveAt])).toEqual([
      [-10 * CREDIT, '2026-02-01T00:00:00.000Z'],
      [-10 * CREDIT, '2026-03-01T00:00:00.000Z'],
      [-10 * CREDIT, '2026-03-01T00:00:00.000Z'],
    ]);
    await expectHealthy(tenant);
  });

  it('draws the oldest rolled-over credits before the grant that expires at the same time', async () => {
    // Both lots of February end with February; the rolled one cannot roll again, so it goes first.
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {
      rolloverMode: 'all',
      rolloverExpiresAfterPeriods: 1,
    });
    await closeAt(tenant, '2026-02-01T00:00:00Z');
    clock.set('2026-02-10T12:00:00Z');
    await consume(tenant, 10);
    const feb = (await lots(tenant.id)).filter((l) => l.periodStart === '2026-02-01T00:00:00.000Z');
    expect(feb.map((l) => [l.kind, l.remaining])).toEqual([
      ['rollover', 0],
      ['grant', 10 * CREDIT],
    ]);
    await closeAt(tenant, '2026-03-01T00:00:00Z');
    expect((await account(tenant.id)).balance).toBe(20 * CREDIT);
    await expectHealthy(tenant);
  });

  it('catches up after downtime: five periods closed and granted, in order, each exactly once', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {
      rolloverMode: 'all',
      rolloverExpiresAfterPeriods: 2,
    });
    // The service was down from mid-January to mid-June.
    expect(await closeAt(tenant, '2026-06-15T09:00:00Z')).toEqual({ closed: 5, opened: 5, expiredLots: 0 });
    expect(await closeAt(tenant, '2026-06-15T09:00:00Z')).toEqual({ closed: 0, opened: 0, expiredLots: 0 });
    const months = ['01', '02', '03', '04', '05', '06'];
    expect(await periods(tenant.id)).toEqual(
      months.map((m, i) => ({
        start: `2026-${m}-01T00:00:00.000Z`,
        end: `2026-${months[i + 1] ?? '07'}-01T00:00:00.000Z`,
        closed: i < 5,
      })),
    );
    const log = await entries(tenant.id);
    const grants = log.filter((e) => e.kind === 'grant');
    expect(grants.map((e) => [e.reference, e.effectiveAt, e.amount])).toEqual(
      months.map((m) => [`period 2026-${m}-01`, `2026-${m}-01T00:00:00.000Z`, 10 * CREDIT]),
    );
    // Written in order: each period's expiries, then its rollovers and grant, then the next period.
    const effective = log.map((e) => e.effectiveAt);
    expect(effective).toEqual([...effective].sort());
    // Every lot expires at most once, and each period end expires what was open then.
    const expiries = log.filter((e) => e.kind === 'expiry');
    expect(new Set(expiries.map((e) => e.lotId)).size).toBe(expiries.length);
    expect(
      months
        .slice(1)
        .map((m) =>
          sum(expiries.filter((e) => e.effectiveAt.startsWith(`2026-${m}-01`)).map((e) => e.amount)),
        ),
    ).toEqual([-10, -20, -30, -30, -30].map((c) => c * CREDIT));
    // With K = 2, June holds April's and May's unused grants and its own.
    const june = (await lots(tenant.id)).filter((l) => l.periodStart === '2026-06-01T00:00:00.000Z');
    expect(june.map((l) => [l.kind, l.amount, l.origin])).toEqual([
      ['rollover', 10 * CREDIT, '2026-04-01T00:00:00.000Z'],
      ['rollover', 10 * CREDIT, '2026-05-01T00:00:00.000Z'],
      ['grant', 10 * CREDIT, '2026-06-01T00:00:00.000Z'],
    ]);
    expect((await account(tenant.id)).balance).toBe(30 * CREDIT);
    await expectHealthy(tenant);
  });

  it('closes a yearly plan once a year', async () => {
    const tenant = await tenantAt(
      '2026-01-15T12:00:00Z',
      { periodUnit: 'year', allotmentMilli: 1000 * CREDIT },
      { anchor: '2025-07-01' },
    );
    expect(await periods(tenant.id)).toEqual([
      { start: '2025-07-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z', closed: false },
    ]);
    await consume(tenant, 4);
    expect(await closeAt(tenant, '2026-06-30T23:59:59.999Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    expect(await closeAt(tenant, '2026-07-01T00:00:00Z')).toEqual({ closed: 1, opened: 1, expiredLots: 0 });
    expect(await closeAt(tenant, '2027-06-30T00:00:00Z')).toEqual({ closed: 0, opened: 0, expiredLots: 0 });
    expect((await periods(tenant.id)).map((p) => p.start)).toEqual([
      '2025-07-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
    ]);
    expect((await entries(tenant.id)).filter((e) => e.kind === 'expiry').map((e) => e.amount)).toEqual([
      -996 * CREDIT,
    ]);
    expect((await account(tenant.id)).balance).toBe(1000 * CREDIT);
    await expectHealthy(tenant);
  });

  it('closes at local midnight in a non-UTC zone (Pacific/Auckland), across its DST change', async () => {
    const tz = 'Pacific/Auckland';
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {}, { timeZone: tz, anchor: '2026-01-01' });
    // New Zealand summer time is UTC+13: local midnight of 1 January is 11:00 UTC the day before.
    expect(await periods(tenant.id)).toEqual([
      { start: '2025-12-31T11:00:00.000Z', end: '2026-01-31T11:00:00.000Z', closed: false },
    ]);
    expect(await closeAt(tenant, '2026-01-31T10:59:59.999Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    expect(await closeAt(tenant, '2026-01-31T11:00:00.000Z')).toEqual({
      closed: 1,
      opened: 1,
      expiredLots: 0,
    });
    // Summer time ends on 5 April 2026: 1 May starts at midnight UTC+12.
    expect(await closeAt(tenant, '2026-04-30T11:59:59.999Z')).toEqual({
      closed: 2,
      opened: 2,
      expiredLots: 0,
    });
    expect(await closeAt(tenant, '2026-04-30T12:00:00.000Z')).toEqual({
      closed: 1,
      opened: 1,
      expiredLots: 0,
    });
    expect((await periods(tenant.id)).map((p) => p.start)).toEqual([
      '2025-12-31T11:00:00.000Z',
      '2026-01-31T11:00:00.000Z',
      '2026-02-28T11:00:00.000Z',
      '2026-03-31T11:00:00.000Z',
      '2026-04-30T12:00:00.000Z',
    ]);
    const expiries = (await entries(tenant.id)).filter((e) => e.kind === 'expiry');
    expect(expiries.map((e) => e.effectiveAt)).toEqual([
      '2026-01-31T11:00:00.000Z',
      '2026-02-28T11:00:00.000Z',
      '2026-03-31T11:00:00.000Z',
      '2026-04-30T12:00:00.000Z',
    ]);
    await expectHealthy(tenant);
  });

  it('keeps an anchor on the 31st: short months end on their last day, long ones on the 31st', async () => {
    const tenant = await tenantAt('2026-02-10T12:00:00Z', {}, { anchor: '2026-01-31' });
    expect(await closeAt(tenant, '2026-06-01T00:00:00Z')).toEqual({ closed: 4, opened: 4, expiredLots: 0 });
    expect(await periods(tenant.id)).toEqual([
      { start: '2026-01-31T00:00:00.000Z', end: '2026-02-28T00:00:00.000Z', closed: true },
      { start: '2026-02-28T00:00:00.000Z', end: '2026-03-31T00:00:00.000Z', closed: true },
      { start: '2026-03-31T00:00:00.000Z', end: '2026-04-30T00:00:00.000Z', closed: true },
      { start: '2026-04-30T00:00:00.000Z', end: '2026-05-31T00:00:00.000Z', closed: true },
      { start: '2026-05-31T00:00:00.000Z', end: '2026-06-30T00:00:00.000Z', closed: false },
    ]);
    await expectHealthy(tenant);
  });

  it('expires purchased credits on their own date, not at the period end', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', { purchaseValidityMonths: 1 });
    const { receipt } = await purchaseCredits(env.t.db, tenant.id, {
      idempotencyKey: 'buy-once-1',
      creditsMilli: 5 * CREDIT,
      actor: 'test',
      now: clock.now(),
    });
    expect(receipt.expiresAt.toISOString()).toBe('2026-02-15T12:00:00.000Z');
    // The period end expires January's grant only.
    expect(await closeAt(tenant, '2026-02-01T00:00:00Z')).toEqual({ closed: 1, opened: 1, expiredLots: 0 });
    expect((await lots(tenant.id)).find((l) => l.kind === 'purchase')?.remaining).toBe(5 * CREDIT);
    expect((await account(tenant.id)).balance).toBe(15 * CREDIT);
    expect(await closeAt(tenant, '2026-02-15T11:59:59.999Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    expect(await closeAt(tenant, '2026-02-15T12:00:00.000Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 1,
    });
    expect(await closeAt(tenant, '2026-02-16T00:00:00.000Z')).toEqual({
      closed: 0,
      opened: 0,
      expiredLots: 0,
    });
    const purchaseLot = (await lots(tenant.id)).find((l) => l.kind === 'purchase');
    expect((await entries(tenant.id)).filter((e) => e.lotId === purchaseLot?.id)).toEqual([
      expect.objectContaining({ kind: 'purchase', amount: 5 * CREDIT }),
      expect.objectContaining({
        kind: 'expiry',
        amount: -5 * CREDIT,
        reason: 'lot_expired',
        effectiveAt: '2026-02-15T12:00:00.000Z',
      }),
    ]);
    expect((await account(tenant.id)).balance).toBe(10 * CREDIT);
    await expectHealthy(tenant);
  });

  it('draws consumption from the lot that expires first: the period grant before a 12-month purchase', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {});
    await purchaseCredits(env.t.db, tenant.id, {
      idempotencyKey: 'buy-once-2',
      creditsMilli: 5 * CREDIT,
      actor: 'test',
      now: clock.now(),
    });
    await consume(tenant, 3);
    const remaining = async () =>
      Object.fromEntries((await lots(tenant.id)).map((l) => [l.kind, l.remaining])) as Record<string, number>;
    expect(await remaining()).toEqual({ grant: 7 * CREDIT, purchase: 5 * CREDIT });
    // Eight more: seven empty the grant, the eighth comes from the purchase.
    const ids = await consume(tenant, 8);
    expect(await remaining()).toEqual({ grant: 0, purchase: 4 * CREDIT });
    const purchaseLot = (await lots(tenant.id)).find((l) => l.kind === 'purchase');
    const fromPurchase = (await entries(tenant.id)).filter(
      (e) => e.kind === 'consumption' && e.lotId === purchaseLot?.id,
    );
    expect(fromPurchase.map((e) => e.amount)).toEqual([-CREDIT]);
    expect(ids).toContain(fromPurchase[0]?.interviewId);
    // At the period end the purchase stays; February's grant is drawn before it again.
    await closeAt(tenant, '2026-02-01T00:00:00Z');
    clock.set('2026-02-03T12:00:00Z');
    await consume(tenant, 1);
    expect((await lots(tenant.id)).map((l) => [l.kind, l.remaining])).toEqual([
      ['grant', 0],
      ['purchase', 4 * CREDIT],
      ['grant', 9 * CREDIT],
    ]);
    await expectHealthy(tenant);
  });

  it('settles overage (allow) from the next period’s grant', async () => {
    const tenant = await tenantAt('2026-01-15T12:00:00Z', {
      overageMode: 'allow',
      overageLimitMilli: 5 * CREDIT,
      rolloverMode: 'all',
    });
    await consume(tenant, 12);
    expect(await account(tenant.id)).toEqual({ balance: -2 * CREDIT, overage: 2 * CREDIT });
    await expectHealthy(tenant);
    expect(await closeAt(tenant, '2026-02-01T00:00:00Z')).toEqual({ closed: 1, opened: 1, expiredLots: 0 });
    expect(await account(tenant.id)).toEqual({ balance: 8 * CREDIT, overage: 0 });
    const feb = (await lots(tenant.id)).filter((l) => l.periodStart === '2026-02-01T00:00:00.000Z');
    // Nothing was left to roll over; the new grant bears the two credits of overage.
    expect(feb.map((l) => [l.kind, l.amount, l.remaining])).toEqual([['grant', 10 * CREDIT, 8 * CREDIT]]);
    const settlement = (await entries(tenant.id)).filter((e) => e.kind === 'overage_settlement');
    expect(settlement.map((e) => [e.lotId, e.amount, e.effectiveAt])).toEqual([
      [null, 2 * CREDIT, '2026-02-01T00:00:00.000Z'],
      [feb[0]?.id, -2 * CREDIT, '2026-02-01T00:00:00.000Z'],
    ]);
    await expectHealthy(tenant);
  });

  it('closes exactly once with two concurrent closers (two server processes on one database)', async () => {
    const tenants: TestTenant[] = [];
    for (let i = 0; i < 4; i++) {
      tenants.push(
        await tenantAt('2026-01-15T12:00:00Z', { rolloverMode: 'capped', rolloverCapPercent: 50 }),
      );
    }
    clock.set('2026-01-15T12:00:00Z');
    for (const tenant of tenants) await consume(tenant, 2);
    // Round 1: each tenant closed by two closers at once.
    clock.set('2026-04-02T00:00:00Z');
    const results = await Promise.all(
      tenants.flatMap((tenant) => [
        closeDuePeriods(env.t.db, tenant.id, clock.now()),
        closeDuePeriods(db2, tenant.id, clock.now()),
      ]),
    );
    for (let i = 0; i < tenants.length; i++) {
      const pair = [results[2 * i], results[2 * i + 1]].map((r) => r?.closed).sort();
      expect(pair).toEqual([0, 3]);
    }
    // Round 2: the scheduler of both processes fires at the same moment.
    clock.set('2026-06-10T00:00:00Z');
    const [a, b] = await Promise.all([
      closeAllDuePeriods(env.t.db, clock.now()),
      closeAllDuePeriods(db2, clock.now()),
    ]);
    for (const tenant of tenants) {
      const closedBy = (outcome: TenantCloseOutcome | undefined) => {
        if (!outcome || 'error' in outcome) throw new Error(`close failed for ${tenant.slug}`);
        return outcome.closed;
      };
      const closed = closedBy(a.get(tenant.slug)) + closedBy(b.get(tenant.slug));
      expect(closed).toBe(2);
      const log = await entries(tenant.id);
      const grants = log.filter((e) => e.kind === 'grant').map((e) => e.reference);
      expect(grants).toEqual(['01', '02', '03', '04', '05', '06'].map((m) => `period 2026-${m}-01`));
      expect(log.filter((e) => e.kind === 'rollover')).toHaveLength(5);
      expect((await periods(tenant.id)).filter((p) => !p.closed)).toHaveLength(1);
      // 10 + 5 rolled (the cap) each month after the first.
      expect((await account(tenant.id)).balance).toBe(15 * CREDIT);
      await expectHealthy(tenant);
    }
  });
});
