import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { purchaseCredits } from '../src/server/ledger/purchases.js';
import type { PlanInput } from '../src/server/tenants/create.js';
import type { ApiKeyScope } from '../src/shared/api-key-scopes.js';
import { creditsToMilli } from '../src/shared/credits.js';
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
 * The balance broken down (issue 11): where the credits left came from, the nearest date on which
 * some expire for good with the warning 30 days ahead, and what the period's purchases cost.
 */

const START = '2026-01-15T12:00:00.000Z';
const clock = new TestClock(new Date(START));
const env = testAppForFile(clock);
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read', 'credits:purchase'];

async function newTenant(plan: Partial<PlanInput> = {}, timeZone = 'UTC'): Promise<TestTenant> {
  clock.set(START);
  return makeTenant(env.t.db, clock, { plan, scopes: SCOPES, timeZone });
}

async function balance(tenant: TestTenant) {
  const res = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function buy(tenant: TestTenant, credits: number, now = clock.now()) {
  await purchaseCredits(env.t.db, tenant.id, {
    idempotencyKey: `buy-${Math.random()}`,
    creditsMilli: creditsToMilli(credits),
    actor: 'test',
    now,
  });
}

async function charge(
  tenant: TestTenant,
  outcome: 'completed' | 'partial' = 'completed',
  completion?: number,
) {
  const at = new Date(clock.now().getTime() - 4 * 3_600_000).toISOString();
  const res = await postEvents(env.app, tenant.apiKey, interviewEvents({ at, outcome, completion }));
  expect(res.json().rejected).toEqual([]);
}

/** In thousandths, so a sum of decimals is exact. */
const milli = (credits: number) => creditsToMilli(credits);

function expectBreakdownSumsToBalance(b: {
  balance: number;
  overage: number;
  breakdown: Record<string, number>;
}) {
  const lots = Object.values(b.breakdown).reduce((sum, c) => sum + milli(c), 0);
  expect(lots - milli(b.overage)).toBe(milli(b.balance));
}

describe('the balance, broken down', () => {
  it('splits the credits left by where they came from, and the parts sum to the balance', async () => {
    const tenant = await newTenant({ allotmentMilli: 100_000, rolloverMode: 'all' });
    await charge(tenant);
    await charge(tenant, 'partial', 0.5);
    await buy(tenant, 12.345);
    expect((await balance(tenant)).breakdown).toEqual({
      grant: 98.5,
      rollover: 0,
      purchase: 12.345,
      adjustment: 0,
    });
    expectBreakdownSumsToBalance(await balance(tenant));

    // February: January's grant left rolls over; a reversal of a January charge comes back as an adjustment.
    const [entry] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ interview_id: string }>(
        "select interview_id from ledger_entries where kind = 'consumption' and rule = 'completed'",
      ),
    );
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-02T12:00:00Z');
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const reversal = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/reversals',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { interviewId: entry?.interview_id, reason: 'Engine failed' },
    });
    expect(reversal.statusCode).toBe(201);
    await charge(tenant);
    const b = await balance(tenant);
    expect(b.breakdown).toEqual({ grant: 100, rollover: 97.5, purchase: 12.345, adjustment: 1 });
    expect(b.balance).toBe(210.845);
    expectBreakdownSumsToBalance(b);
    // Given-back credits expire at the end of the period they came back in: the nearest expiry.
    const given = { credits: 1, expiresAt: '2026-03-01T00:00:00.000Z', kinds: ['adjustment'] };
    expect(b).toMatchObject({ nextExpiry: given, expiringSoon: given });
  });

  it('sums to the balance with overage too: every lot empty, the overage below zero', async () => {
    const tenant = await newTenant({ allotmentMilli: 1000, overageMode: 'allow', overageLimitMilli: 5000 });
    await charge(tenant);
    await charge(tenant);
    await charge(tenant);
    const b = await balance(tenant);
    expect(b).toMatchObject({ balance: -2, overage: 2 });
    expect(b.breakdown).toEqual({ grant: 0, rollover: 0, purchase: 0, adjustment: 0 });
    expectBreakdownSumsToBalance(b);
  });
});

describe('credits expiring soon', () => {
  it('names the nearest expiry of purchased credits, and warns from 30 days before it', async () => {
    const tenant = await newTenant();
    await buy(tenant, 10, new Date('2026-01-10T09:00:00Z'));
    await buy(tenant, 5.5, new Date('2026-01-10T09:00:00Z'));
    await buy(tenant, 2, new Date('2026-01-10T23:00:00Z'));
    await buy(tenant, 7, new Date('2026-01-11T00:00:00Z'));
    // Purchases last the plan's 12 months: the first three end on one day (the fourth the day after).
    const expiry = { credits: 17.5, expiresAt: '2027-01-10T09:00:00.000Z', kinds: ['purchase'] };
    const at = (days: number) => new Date(Date.parse(expiry.expiresAt) - days * 86_400_000).toISOString();

    clock.set(at(31));
    expect(await balance(tenant)).toMatchObject({ nextExpiry: expiry, expiringSoon: null });
    clock.set(new Date(Date.parse(at(30)) - 1).toISOString());
    expect((await balance(tenant)).expiringSoon).toBeNull();
    clock.set(at(30));
    expect(await balance(tenant)).toMatchObject({ nextExpiry: expiry, expiringSoon: expiry });
    clock.set(at(29));
    expect((await balance(tenant)).expiringSoon).toEqual(expiry);
  });

  it("leaves the period's grant and rollover out: they expire or roll over at the period end", async () => {
    const tenant = await newTenant({ rolloverMode: 'all' });
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-20T12:00:00Z');
    const b = await balance(tenant);
    expect(b.breakdown).toMatchObject({ grant: 500, rollover: 500 });
    expect(b).toMatchObject({ nextExpiry: null, expiringSoon: null });
  });

  it('counts the 30 days in the tenant’s time zone, across a change of clocks', async () => {
    const tenant = await newTenant({}, 'Europe/Berlin');
    // 10 April 2026, 12:00 in Berlin (summer time): it expires 10 April 2027, 12:00 (summer time).
    await buy(tenant, 3, new Date('2026-04-10T10:00:00Z'));
    const expiresAt = '2027-04-10T10:00:00.000Z';
    expect((await balance(tenant)).nextExpiry).toMatchObject({ credits: 3, expiresAt });
    // 30 local days before is 11 March, 12:00 in Berlin (winter time): 11:00 UTC, not 10:00.
    const start = DateTime.fromISO(expiresAt, { zone: 'Europe/Berlin' }).minus({ days: 30 });
    expect(start.toUTC().toISO()).toBe('2027-03-11T11:00:00.000Z');
    clock.set('2027-03-11T10:30:00Z');
    expect((await balance(tenant)).expiringSoon).toBeNull();
    clock.set('2027-03-11T11:00:00Z');
    expect((await balance(tenant)).expiringSoon).toMatchObject({ credits: 3, expiresAt });
  });

  it('names no expiry once the purchased credits are used up', async () => {
    const tenant = await newTenant({ rolloverMode: 'none', allotmentMilli: 2000 });
    await buy(tenant, 1);
    await charge(tenant);
    await charge(tenant);
    // Drawn from the grant first (it expires first), then the purchase: the purchase is used up.
    const b = await balance(tenant);
    expect(b.breakdown).toMatchObject({ grant: 0, purchase: 1 });
    await charge(tenant);
    expect(await balance(tenant)).toMatchObject({ nextExpiry: null, expiringSoon: null });
  });
});

describe("the period's purchases in money", () => {
  it('sums what the period’s purchases cost, exactly, in whole cents', async () => {
    const tenant = await newTenant({ creditPriceCents: 399 });
    // 12.345 × 399 = 4,925.655 → 4,926 cents; 0.001 × 399 → 1 cent (rounded up, as each was billed).
    await buy(tenant, 12.345);
    await buy(tenant, 0.001);
    await buy(tenant, 100_000);
    expect((await balance(tenant)).purchasedThisPeriod).toEqual({
      credits: 100_012.346,
      totalCents: 4926 + 1 + 39_900_000,
      currency: 'USD',
    });
    // A new period starts with none bought.
    await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
    clock.set('2026-02-01T08:00:00Z');
    expect((await balance(tenant)).purchasedThisPeriod).toEqual({
      credits: 0,
      totalCents: 0,
      currency: 'USD',
    });
    await buy(tenant, 2);
    expect((await balance(tenant)).purchasedThisPeriod).toEqual({
      credits: 2,
      totalCents: 798,
      currency: 'USD',
    });
  });
});
