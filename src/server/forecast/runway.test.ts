import { describe, expect, it } from 'vitest';
import type { BillingContext } from '../ledger/plans.js';
import { DEFAULT_PARTIAL_RULE, type RolloverPolicy } from '../ledger/rules.js';
import { type SimLot, simulateLedger } from './runway.js';

const NOW = new Date('2026-03-10T00:00:00Z');
const APRIL = Date.parse('2026-04-01T00:00:00Z');

const ctx = (rollover: RolloverPolicy, allotmentMilli = 100_000): BillingContext => ({
  tenantId: 't',
  timeZone: 'UTC',
  anchor: '2026-01-01',
  alertThresholds: [25, 10, 0],
  autoTopUp: null,
  plan: {
    id: 'p',
    name: 'test',
    periodUnit: 'month',
    allotmentMilli,
    rollover,
    partialRule: DEFAULT_PARTIAL_RULE,
    overage: { mode: 'allow', limitMilli: 0 },
    creditPriceCents: 100,
    currency: 'USD',
    purchaseValidityMonths: 12,
    purchaseLimitMilli: 100_000_000,
  },
});
const NONE: RolloverPolicy = { mode: 'none', capMilli: null, capPercent: null, expiresAfterPeriods: null };
const grant = (remainingMilli: number): SimLot => ({
  id: 'g',
  kind: 'grant',
  remainingMilli,
  expiresAt: APRIL,
  grantedAt: Date.parse('2026-03-01T00:00:00Z'),
  originAt: Date.parse('2026-03-01T00:00:00Z'),
});
/** A pace of `perDay` credits every day: each month's total. */
const daily = (perDay: number) =>
  [31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31].map((d) => d * perDay * 1000);

const simulate = (over: Partial<Parameters<typeof simulateLedger>[0]>) =>
  simulateLedger({
    ctx: ctx(NONE),
    now: NOW,
    lots: [grant(70_000)],
    overageMilli: 0,
    monthly: daily(1),
    pipelineMilli: 0,
    horizonMonths: 12,
    ...over,
  });

describe('the runway simulation', () => {
  it('runs out on the day the draws find no credits left', () => {
    // 70 credits at 10 a day: March 10 to 16 use them all; March 17 has nothing left.
    const r = simulate({ monthly: daily(10) });
    expect(r.runOut).toBe('2026-03-17');
    expect(r.horizonEnd).toBe('2027-03-10');
    expect(r.period.usedMilli).toBe(22 * 10_000);
  });

  it('lasts past the horizon when the grant covers the pace, and counts what expires unused', () => {
    const r = simulate({});
    expect(r.runOut).toBeNull();
    // March 10–31: 22 credits used; the 48 left expire at the period's end (no rollover).
    expect(r.period).toEqual({ usedMilli: 22_000, expiredMilli: 48_000, rolledMilli: 0 });
    // Every later month: 100 granted, 30 or 31 used, the rest expires (the horizon ends March 10, 2027).
    expect(r.expiredMilli).toBe(
      48_000 + (100 * 11 - (30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28)) * 1000,
    );
  });

  it("rolls over by the plan's cap", () => {
    const capped: RolloverPolicy = { mode: 'capped', capMilli: null, capPercent: 25, expiresAfterPeriods: 1 };
    const r = simulate({ ctx: ctx(capped) });
    expect(r.period).toEqual({ usedMilli: 22_000, expiredMilli: 23_000, rolledMilli: 25_000 });
  });

  it('next period’s grant and rollover extend the runway', () => {
    // 2 a day: March 10–31 uses 44 of 70; 26 roll over (all), April's 100 + 26 last until …
    const all: RolloverPolicy = { mode: 'all', capMilli: null, capPercent: null, expiresAfterPeriods: null };
    const r = simulate({ ctx: ctx(all, 40_000), monthly: daily(2) });
    // April: 40 + 26 = 66 credits at 2 a day last 33 days > 30: May 1 brings 40 + 6 = 46 → 23 days: May 24 is out.
    expect(r.runOut).toBe('2026-05-24');
  });

  it('purchased credits lapse on their date, unused', () => {
    const purchase: SimLot = {
      id: 'p',
      kind: 'purchase',
      remainingMilli: 50_000,
      expiresAt: Date.parse('2026-03-20T00:00:00Z'),
      grantedAt: Date.parse('2025-03-20T00:00:00Z'),
      originAt: Date.parse('2025-03-20T00:00:00Z'),
    };
    const r = simulate({ lots: [grant(70_000), purchase], monthly: daily(0) });
    expect(r.period.expiredMilli).toBe(120_000);
  });

  it('open invitations are a floor on the first week', () => {
    // 35 credits expected from open invitations: 5 a day for a week, over a pace of 1 a day.
    const r = simulate({ pipelineMilli: 35_000 });
    expect(r.period.usedMilli).toBe(7 * 5000 + 15 * 1000);
  });

  it('with a top-up lot, measures what would have to be bought', () => {
    // 10 a day to March 31 (22 days: 220) against the 70 left: 150 short. April's 100 cover April 1–9
    // (the horizon is April 10): nothing more.
    const r = simulate({ monthly: daily(10), horizonMonths: 1, topUp: true });
    expect(r.runOut).toBeNull();
    expect(r.shortfallMilli).toBe(150_000);
    expect(r.grantedMilli).toBe(100_000);
  });

  it('is out today when the account is already overdrawn', () => {
    expect(simulate({ lots: [], overageMilli: 5000 }).runOut).toBe('2026-03-10');
  });
});
