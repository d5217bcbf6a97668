import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChargeInput,
  chargeFor,
  DEFAULT_PARTIAL_RULE,
  type ExpiringLot,
  type InterviewState,
  type PartialRule,
  parsePartialRule,
  planRollover,
  type RolloverPolicy,
} from './rules.js';

const STATES: InterviewState[] = [
  'invited',
  'started',
  'completed',
  'partially_completed',
  'expired',
  'cancelled',
];
const input = (over: Partial<ChargeInput>): ChargeInput => ({
  state: 'completed',
  completion: 1,
  isSimulation: false,
  reversed: false,
  ...over,
});
const partial = (completion: number, rule: PartialRule = DEFAULT_PARTIAL_RULE) =>
  chargeFor(input({ state: 'partially_completed', completion }), rule);

describe('chargeFor', () => {
  it('charges one credit for a completed interview', () => {
    expect(chargeFor(input({}), DEFAULT_PARTIAL_RULE)).toEqual({
      milli: 1000,
      rule: 'completed',
      ruleVersion: 1,
    });
  });

  it('charges partials by the default tiers, exact at the boundaries', () => {
    expect(partial(0).milli).toBe(0);
    expect(partial(0.2499999).milli).toBe(0);
    expect(partial(0.25).milli).toBe(500);
    expect(partial(1 / 4).milli).toBe(500);
    expect(partial(0.7499999).milli).toBe(500);
    expect(partial(0.75).milli).toBe(1000);
    expect(partial(3 / 4).milli).toBe(1000);
    expect(partial(1).milli).toBe(1000);
    expect(partial(0.5)).toEqual({ milli: 500, rule: 'partial', ruleVersion: 1 });
  });

  it('records the partial rule version', () => {
    const rule = parsePartialRule({
      version: 3,
      tiers: [
        { minCompletion: 0, creditsMilli: 100 },
        { minCompletion: 0.5, creditsMilli: 700 },
      ],
    });
    expect(partial(0.1, rule)).toEqual({ milli: 100, rule: 'partial', ruleVersion: 3 });
    expect(partial(0.5, rule)).toEqual({ milli: 700, rule: 'partial', ruleVersion: 3 });
  });

  it('clamps completion into 0..1 and rejects non-numbers', () => {
    expect(partial(1.2).milli).toBe(1000);
    expect(partial(-0.5).milli).toBe(0);
    expect(() => partial(Number.NaN)).toThrow(/Completion/);
  });

  it('never charges simulations, reversals or uncharged states', () => {
    for (const state of STATES) {
      expect(chargeFor(input({ state, isSimulation: true }), DEFAULT_PARTIAL_RULE)).toEqual({
        milli: 0,
        rule: 'simulation',
        ruleVersion: 1,
      });
      expect(chargeFor(input({ state, reversed: true }), DEFAULT_PARTIAL_RULE)).toEqual({
        milli: 0,
        rule: 'reversed',
        ruleVersion: 1,
      });
    }
    for (const state of ['invited', 'started', 'expired', 'cancelled'] as const) {
      expect(chargeFor(input({ state }), DEFAULT_PARTIAL_RULE)).toEqual({
        milli: 0,
        rule: 'not_charged',
        ruleVersion: 1,
      });
    }
  });

  const tiersArb = fc
    .array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1000 })), {
      minLength: 0,
      maxLength: 6,
    })
    .map((pairs) => {
      const mins = [...new Set([0, ...pairs.map(([m]) => m)])].sort((a, b) => a - b);
      const credits = pairs.map(([, c]) => c).sort((a, b) => a - b);
      return parsePartialRule({
        version: 1,
        tiers: mins.map((minCompletion, i) => ({ minCompletion, creditsMilli: credits[i] ?? 1000 })),
      });
    });

  it('stays within 0..1000 and is monotone in completion (property)', () => {
    fc.assert(
      fc.property(
        tiersArb,
        fc.constantFrom(...STATES),
        fc.boolean(),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rule, state, isSimulation, reversed, a, b) => {
          const c = chargeFor({ state, completion: a, isSimulation, reversed }, rule);
          expect(Number.isInteger(c.milli)).toBe(true);
          expect(c.milli).toBeGreaterThanOrEqual(0);
          expect(c.milli).toBeLessThanOrEqual(1000);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(partial(lo, rule).milli).toBeLessThanOrEqual(partial(hi, rule).milli);
        },
      ),
    );
  });
});

describe('parsePartialRule', () => {
  const tiers = (...t: [number, number][]) =>
    t.map(([minCompletion, creditsMilli]) => ({ minCompletion, creditsMilli }));

  it('accepts the default rule and returns a clean copy', () => {
    const parsed = parsePartialRule(JSON.parse(JSON.stringify(DEFAULT_PARTIAL_RULE)));
    expect(parsed).toEqual({
      version: 1,
      tiers: tiers([0, 0], [0.25, 500], [0.75, 1000]),
    });
  });

  it.each([
    ['not an object', null, /object/],
    ['an array', [], /object/],
    ['no version', { tiers: tiers([0, 0]) }, /version/],
    ['version 0', { version: 0, tiers: tiers([0, 0]) }, /version/],
    ['fractional version', { version: 1.5, tiers: tiers([0, 0]) }, /version/],
    ['no tiers', { version: 1, tiers: [] }, /at least one tier/],
    ['tiers not an array', { version: 1, tiers: 'x' }, /at least one tier/],
    ['first tier not at 0', { version: 1, tiers: tiers([0.1, 0]) }, /first tier/],
    [
      'unsorted tiers',
      { version: 1, tiers: tiers([0, 0], [0.75, 1000], [0.25, 500]) },
      /greater than the previous/,
    ],
    ['duplicate minCompletion', { version: 1, tiers: tiers([0, 0], [0.5, 500], [0.5, 600]) }, /greater than/],
    ['decreasing credits', { version: 1, tiers: tiers([0, 500], [0.5, 400]) }, /not be less/],
    ['fractional credits', { version: 1, tiers: tiers([0, 0], [0.5, 500.5]) }, /integer/],
    ['credits above one', { version: 1, tiers: tiers([0, 0], [0.5, 1001]) }, /0 to 1000/],
    ['negative credits', { version: 1, tiers: tiers([0, -1]) }, /0 to 1000/],
    ['minCompletion above 1', { version: 1, tiers: tiers([0, 0], [1.5, 1000]) }, /0 to 1/],
    ['minCompletion NaN', { version: 1, tiers: tiers([0, 0], [Number.NaN, 1000]) }, /0 to 1/],
    [
      'minCompletion as text',
      { version: 1, tiers: [{ minCompletion: '0', creditsMilli: 0 }] },
      /minCompletion/,
    ],
    ['unknown rule field', { version: 1, tiers: tiers([0, 0]), extra: true }, /unknown field/],
    [
      'unknown tier field',
      { version: 1, tiers: [{ minCompletion: 0, creditsMilli: 0, x: 1 }] },
      /tier 0.*unknown/,
    ],
  ])('rejects %s', (_name, value, message) => {
    expect(() => parsePartialRule(value)).toThrow(message);
  });
});

describe('planRollover', () => {
  const policy = (over: Partial<RolloverPolicy>): RolloverPolicy => ({
    mode: 'all',
    capMilli: null,
    capPercent: null,
    expiresAfterPeriods: null,
    ...over,
  });
  // Closing period 5: its grant (origin 5) plus older rolled-over credits.
  const lots: ExpiringLot[] = [
    { id: 'grant-5', remainingMilli: 6000, originPeriodIndex: 5 },
    { id: 'roll-4', remainingMilli: 3000, originPeriodIndex: 4 },
    { id: 'roll-3', remainingMilli: 2000, originPeriodIndex: 3 },
    { id: 'empty', remainingMilli: 0, originPeriodIndex: 5 },
  ];
  const expireAll = [
    { lotId: 'grant-5', milli: 6000 },
    { lotId: 'roll-4', milli: 3000 },
    { lotId: 'roll-3', milli: 2000 },
  ];

  it('none: everything expires, nothing rolls', () => {
    expect(planRollover(lots, policy({ mode: 'none' }), 10_000, 5)).toEqual({
      expire: expireAll,
      rollover: [],
    });
  });

  it('all: everything rolls, grouped by origin', () => {
    const plan = planRollover(
      [...lots, { id: 'grant-5b', remainingMilli: 500, originPeriodIndex: 5 }],
      policy({}),
      10_000,
      5,
    );
    expect(plan.expire).toHaveLength(4);
    expect(plan.rollover).toEqual([
      { originPeriodIndex: 3, milli: 2000 },
      { originPeriodIndex: 4, milli: 3000 },
      { originPeriodIndex: 5, milli: 6500 },
    ]);
  });

  it('capped by credits fills from the newest origin', () => {
    const plan = planRollover(lots, policy({ mode: 'capped', capMilli: 7500 }), 10_000, 5);
    expect(plan.expire).toEqual(expireAll);
    expect(plan.rollover).toEqual([
      { originPeriodIndex: 4, milli: 1500 },
      { originPeriodIndex: 5, milli: 6000 },
    ]);
  });

  it('capped by percent of the allotment, floored to whole milli', () => {
    expect(planRollover(lots, policy({ mode: 'capped', capPercent: 25 }), 10_000, 5).rollover).toEqual([
      { originPeriodIndex: 5, milli: 2500 },
    ]);
    expect(planRollover(lots, policy({ mode: 'capped', capPercent: 10 }), 3333, 5).rollover).toEqual([
      { originPeriodIndex: 5, milli: 333 },
    ]);
  });

  it('capped by both takes the smaller cap', () => {
    const both = policy({ mode: 'capped', capMilli: 4000, capPercent: 50 });
    expect(planRollover(lots, both, 10_000, 5).rollover).toEqual([{ originPeriodIndex: 5, milli: 4000 }]);
    expect(planRollover(lots, both, 6000, 5).rollover).toEqual([{ originPeriodIndex: 5, milli: 3000 }]);
  });

  it('a zero cap rolls nothing', () => {
    expect(planRollover(lots, policy({ mode: 'capped', capMilli: 0 }), 10_000, 5).rollover).toEqual([]);
  });

  it('drops credits older than K periods', () => {
    // K = 1: period 5's grant may be used in 5 and 6, so it rolls into 6; older origins do not.
    expect(planRollover(lots, policy({ expiresAfterPeriods: 1 }), 10_000, 5).rollover).toEqual([
      { originPeriodIndex: 5, milli: 6000 },
    ]);
    // K = 2: origins 4 and 5 may still be used in period 6.
    expect(planRollover(lots, policy({ expiresAfterPeriods: 2 }), 10_000, 5).rollover).toEqual([
      { originPeriodIndex: 4, milli: 3000 },
      { originPeriodIndex: 5, milli: 6000 },
    ]);
    // The cap applies after expiry by age.
    const capped = policy({ mode: 'capped', capMilli: 7000, expiresAfterPeriods: 2 });
    expect(planRollover(lots, capped, 10_000, 5).rollover).toEqual([
      { originPeriodIndex: 4, milli: 1000 },
      { originPeriodIndex: 5, milli: 6000 },
    ]);
    // Everything still expires from the lots themselves.
    expect(planRollover(lots, policy({ expiresAfterPeriods: 1 }), 10_000, 5).expire).toEqual(expireAll);
  });

  it('works with negative period indexes', () => {
    const old: ExpiringLot[] = [{ id: 'a', remainingMilli: 100, originPeriodIndex: -3 }];
    expect(planRollover(old, policy({ expiresAfterPeriods: 2 }), 0, -2).rollover).toEqual([
      { originPeriodIndex: -3, milli: 100 },
    ]);
    expect(planRollover(old, policy({ expiresAfterPeriods: 1 }), 0, -2).rollover).toEqual([]);
  });

  it('rejects bad input', () => {
    expect(() => planRollover(lots, policy({ mode: 'capped' }), 10_000, 5)).toThrow(/capMilli or capPercent/);
    expect(() => planRollover(lots, policy({ mode: 'capped', capPercent: 101 }), 10_000, 5)).toThrow(
      /capPercent/,
    );
    expect(() => planRollover(lots, policy({ mode: 'capped', capMilli: -1 }), 10_000, 5)).toThrow(/capMilli/);
    expect(() =>
      planRollover([{ id: 'x', remainingMilli: 1.5, originPeriodIndex: 5 }], policy({}), 0, 5),
    ).toThrow(/remainingMilli/);
    expect(() =>
      planRollover([{ id: 'x', remainingMilli: 1, originPeriodIndex: 6 }], policy({}), 0, 5),
    ).toThrow(/origin/);
    expect(() => planRollover(lots, policy({ expiresAfterPeriods: -1 }), 10_000, 5)).toThrow(
      /expiresAfterPeriods/,
    );
    expect(() => planRollover(lots, policy({}), -1, 5)).toThrow(/allotmentMilli/);
  });

  it('conserves credits, respects the cap and stays in integers (property)', () => {
    const lotsArb = fc.array(
      fc.record({
        id: fc.uuid(),
        remainingMilli: fc.integer({ min: 0, max: 5_000_000 }),
        originPeriodIndex: fc.integer({ min: -3, max: 10 }),
      }),
      { maxLength: 12 },
    );
    const policyArb = fc.record<RolloverPolicy>({
      mode: fc.constantFrom('none', 'all', 'capped'),
      capMilli: fc.option(fc.integer({ min: 0, max: 10_000_000 })),
      capPercent: fc.option(fc.integer({ min: 0, max: 100 })),
      expiresAfterPeriods: fc.option(fc.integer({ min: 0, max: 6 })),
    });
    fc.assert(
      fc.property(lotsArb, policyArb, fc.integer({ min: 0, max: 100_000_000 }), (lots, pol, allotment) => {
        const closing = 10;
        if (pol.mode === 'capped' && pol.capMilli === null && pol.capPercent === null) return;
        const plan = planRollover(lots, pol, allotment, closing);
        const sum = (xs: { milli: number }[]) => xs.reduce((s, x) => s + x.milli, 0);
        const rolled = sum(plan.rollover);
        const expired = sum(plan.expire);

        expect(plan.expire.length).toBe(lots.filter((l) => l.remainingMilli > 0).length);
        expect(expired).toBe(lots.reduce((s, l) => s + l.remainingMilli, 0));
        expect(rolled).toBeLessThanOrEqual(expired);
        for (const item of [...plan.expire, ...plan.rollover]) {
          expect(Number.isSafeInteger(item.milli)).toBe(true);
          expect(item.milli).toBeGreaterThan(0);
        }
        const origins = plan.rollover.map((r) => r.originPeriodIndex);
        expect(new Set(origins).size).toBe(origins.length);
        for (const r of plan.rollover) {
          const fromOrigin = lots.filter((l) => l.originPeriodIndex === r.originPeriodIndex);
          expect(r.milli).toBeLessThanOrEqual(fromOrigin.reduce((s, l) => s + l.remainingMilli, 0));
          if (pol.expiresAfterPeriods !== null) {
            expect(closing + 1 - r.originPeriodIndex).toBeLessThanOrEqual(pol.expiresAfterPeriods);
          }
        }
        if (pol.mode === 'none') expect(rolled).toBe(0);
        if (pol.mode === 'all' && pol.expiresAfterPeriods === null) expect(rolled).toBe(expired);
        if (pol.mode === 'capped') {
          const cap = Math.min(
            pol.capMilli ?? Number.POSITIVE_INFINITY,
            pol.capPercent === null
              ? Number.POSITIVE_INFINITY
              : Math.floor((allotment * pol.capPercent) / 100),
          );
          expect(rolled).toBeLessThanOrEqual(cap);
        }
      }),
    );
  });
});
