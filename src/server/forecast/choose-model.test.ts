import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_NAMES } from '../../shared/contract/forecast.js';
import { backtestOrigins, type CandidateScore, pickWinner, scoreCandidate } from './backtest.js';
import { band } from './band.js';
import { CANDIDATES, type Candidate } from './candidates.js';
import { chooseModel, type History, monthLengths } from './choose-model.js';
import { planNeeds, planPace } from './planner.js';

const candidateNamed = (name: string) => CANDIDATES.find((c) => c.name === name) as Candidate;
const LENGTHS = [31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30, 31];
const SEASON = [1.75, 2.0, 1.6, 0.95, 0.8, 0.55, 0.4, 0.5, 1.45, 1.6, 0.85, 0.4];
/** A history of complete months from January 2023, ending before the 13 months of LENGTHS. */
const monthly = (months: number[], extra: Partial<History> = {}): History => ({
  months,
  firstMonth: '2023-01-01',
  days: [],
  daysOfHistory: months.length * 30,
  ...extra,
});

describe('which model runs, and why', () => {
  it('a seasonal history with a trend: Holt-Winters, chosen by the backtest over every candidate', () => {
    const y = Array.from({ length: 36 }, (_, t) => (100 + 3 * t) * (SEASON[t % 12] as number));
    const c = chooseModel(monthly(y), LENGTHS);
    expect(c.name).toBe('holt-winters');
    expect(c.reason).toMatch(/^36 complete months of history: Holt-Winters/);
    expect(c.reason).toMatch(
      /the least error in credits of the 11 models backtested from 7 starting points, 1–6 months ahead \(MAPE/,
    );
    expect(c.steps).toHaveLength(13);
    // Every candidate is scored, and the contract names them all, in the order they are tried.
    expect(c.candidates.map((k) => k.name)).toEqual([...CANDIDATE_NAMES]);
    expect(CANDIDATES.map((k) => k.name)).toEqual([...CANDIDATE_NAMES]);
    expect(c.candidates.filter((k) => k.served).map((k) => k.name)).toEqual([c.candidate]);
    const b = c.backtest;
    expect(b?.candidate).toBe(c.candidate);
    expect(b?.origins).toBe(7);
    expect(b?.mape).toBeLessThan(3);
    expect(b?.mape).toBeLessThan(b?.naiveLastMonthMape ?? 0);
    expect(b?.mape).toBeLessThan(b?.naiveLastYearMape ?? 0);
  });

  it('a yearly pattern that repeats exactly: seasonal naive (the simplest of the exact ones), with its own band', () => {
    const year = [30, 5, 44, 12, 0, 19, 7, 60, 3, 25, 9, 14];
    const c = chooseModel(monthly([...year, ...year, ...year]), LENGTHS);
    expect(c.name).toBe('seasonal-naive');
    expect(c.backtest?.mape).toBe(0);
    expect(c.backtest?.naiveLastYearMape).toBe(0);
    // Last year again, with no spread: its year-on-year changes were all zero.
    expect(c.steps.map((s) => s.mean)).toEqual([...year, year[0]]);
    expect(c.steps.every((s) => s.sd === 0)).toBe(true);
  });

  it("Holt's damped trend from six months, under the year a backtest needs", () => {
    const c = chooseModel(monthly(Array(6).fill(10)), LENGTHS);
    expect(c.name).toBe('holt');
    expect(c.reason).toMatch(/^6 complete months of history, under the 12 a backtest needs/);
    expect(c.backtest).toBeNull();
    expect(c.candidates).toEqual([]);
  });

  it('says how much history was used when older months were not read', () => {
    const c = chooseModel(monthly(Array(60).fill(10), { usageBegan: '2014-03-02' }), LENGTHS);
    expect(c.reason).toMatch(
      /^60 complete months of history \(the latest 60 read; usage began in 2014-03\):/,
    );
  });

  it('the recent daily rate for a tenant a few weeks old', () => {
    const c = chooseModel(
      { months: [], firstMonth: '2026-03-01', days: Array(20).fill(3), daysOfHistory: 20 },
      LENGTHS,
    );
    expect(c.name).toBe('recent-rate');
    expect(c.steps[0]?.mean).toBe(93);
    expect(c.reason).toMatch(/20 days of history/);
  });

  it('nothing to project from: zero, saying why', () => {
    const none = chooseModel({ months: [], firstMonth: '2026-03-01', days: [], daysOfHistory: 0 }, LENGTHS);
    expect(none.name).toBe('none');
    expect(none.reason).toMatch(/No usage yet/);
    expect(none.steps.every((s) => s.mean === 0 && s.sd === 0)).toBe(true);
    expect(
      chooseModel({ months: [], firstMonth: '2026-03-01', days: [1, 2], daysOfHistory: 2 }, LENGTHS).reason,
    ).toMatch(/Only 2 days/);
  });

  it('says when a spike was damped', () => {
    const months = Array(10).fill(100);
    months[5] = 900;
    const c = chooseModel(monthly(months), LENGTHS);
    expect(c.reason).toMatch(/1 one-off spike damped/);
    expect(band(c.steps[0] ?? { mean: 0, sd: 0 }).credits).toBeLessThan(150);
  });

  it('months with no usage: finite, never negative, and the busy quarter comes back', () => {
    // Hiring only in the first quarter of each year, nothing the rest of it.
    const months = Array.from({ length: 30 }, (_, t) => (t % 12 < 3 ? 60 + t : 0));
    const c = chooseModel(monthly(months), LENGTHS);
    const bands = c.steps.map(band);
    for (const b of bands) {
      expect(Number.isFinite(b.credits)).toBe(true);
      expect(b.lower).toBeGreaterThanOrEqual(0);
    }
    // The history ends in June: the next quarter's months ahead (steps 6–8, January to March) carry the usage.
    const [quiet, busy] = [bands[0]?.credits ?? 0, bands[7]?.credits ?? 0];
    expect(busy).toBeGreaterThan(40);
    expect(quiet).toBeLessThan(15);
  });

  it('any non-negative history: finite forecasts inside their band, and a backtest no worse than either naive forecast', () => {
    const amount = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(amount, { maxLength: 12 }),
          fc.array(amount, { minLength: 12, maxLength: 48, size: 'max' }),
        ),
        fc.array(amount, { maxLength: 56 }),
        (months, days) => {
          const c = chooseModel(
            { months, firstMonth: '2022-03-01', days, daysOfHistory: days.length + months.length * 30 },
            LENGTHS,
          );
          for (const step of c.steps) {
            const b = band(step);
            expect(Number.isFinite(b.credits) && Number.isFinite(b.lower) && Number.isFinite(b.upper)).toBe(
              true,
            );
            expect(b.lower).toBeGreaterThanOrEqual(0);
            expect(b.lower).toBeLessThanOrEqual(b.credits);
            expect(b.credits).toBeLessThanOrEqual(b.upper);
          }
          const t = c.backtest;
          if (t?.mape != null) {
            expect(t.mape).toBeLessThanOrEqual(t.naiveLastMonthMape ?? Number.POSITIVE_INFINITY);
            expect(t.mape).toBeLessThanOrEqual(t.naiveLastYearMape ?? Number.POSITIVE_INFINITY);
          }
          expect(c.backtest === null).toBe(months.length < 12);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('the rolling-origin backtest', () => {
  it('origins: the latest with six months after them, as many as twelve, none too early for the richest model', () => {
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(backtestOrigins(11)).toEqual([]);
    // A year: one origin, six months in, for Holt and the simpler candidates.
    expect(backtestOrigins(12)).toEqual([6]);
    expect(backtestOrigins(17)).toEqual(range(6, 11));
    // 20 months: three origins from the 12th, where seasonal naive can run.
    expect(backtestOrigins(20)).toEqual([12, 13, 14]);
    // 29 months: Holt-Winters would have one origin (24), too few; seasonal naive gets twelve.
    expect(backtestOrigins(29)).toEqual(range(12, 23));
    expect(backtestOrigins(32)).toEqual([24, 25, 26]);
    expect(backtestOrigins(36)).toEqual(range(24, 30));
    expect(backtestOrigins(60)).toEqual(range(43, 54));
  });

  it('scores a candidate at every origin, worked out by hand', () => {
    const y = [1, 2, 3, 4, 5, 6, 10, 10, 10, 10, 10, 5];
    const lengths = Array(18).fill(30);
    // From origin 6, "same as last month" says 6 for all six months: errors 4, 4, 4, 4, 4, 1.
    const naive = scoreCandidate(candidateNamed('naive'), y, lengths, [6]);
    expect(naive?.mae).toBeCloseTo(21 / 6, 12);
    expect(naive?.mape).toBeCloseTo((100 * (5 * 0.4 + 0.2)) / 6, 12);
    // The recent rate: (5 + 6) credits over 60 days, 5.5 a 30-day month: errors 4.5 × 5 and 0.5.
    const rate = scoreCandidate(candidateNamed('recent-rate'), y, lengths, [6]);
    expect(rate?.mae).toBeCloseTo(23 / 6, 12);
    // Seasonal naive needs a year before the first origin.
    expect(scoreCandidate(candidateNamed('seasonal-naive'), y, lengths, [6])).toBeNull();
  });

  it('a multiplying model is left out when a month without usage comes before an origin', () => {
    const y = Array.from({ length: 36 }, (_, t) => (t === 26 ? 0 : 100 * (SEASON[t % 12] as number)));
    const lengths = monthLengths('2023-01-01', 42);
    const origins = backtestOrigins(36);
    expect(
      scoreCandidate(candidateNamed('holt-winters-multiplicative-damped'), y, lengths, origins),
    ).toBeNull();
    expect(scoreCandidate(candidateNamed('holt-winters-log'), y, lengths, origins)).toBeNull();
    expect(scoreCandidate(candidateNamed('holt-winters-additive'), y, lengths, origins)).not.toBeNull();
  });

  it('leaves MAPE out when the held-out months had no usage', () => {
    const c = chooseModel(monthly(Array(12).fill(0)), LENGTHS);
    expect(c.backtest?.mape).toBeNull();
    expect(c.backtest?.errorCredits).toBe(0);
    // Every candidate is exact; the simplest serves.
    expect(c.name).toBe('naive');
  });
});

describe('choosing the winner', () => {
  const scored = (name: string, mape: number | null, mae: number): CandidateScore => ({
    candidate: candidateNamed(name),
    points: [],
    mape,
    mae,
  });

  it('the least error in credits among those no worse in MAPE than both naive forecasts', () => {
    const w = pickWinner([
      scored('naive', 20, 50),
      scored('seasonal-naive', 12, 40),
      scored('holt-damped', 11, 30),
      // Fewer credits off, but a worse MAPE than seasonal naive's: passed over.
      scored('holt-winters-additive', 12.5, 20),
      scored('holt-winters-log', 12, 35),
    ]);
    expect(w.candidate.name).toBe('holt-damped');
  });

  it('a naive forecast when every model loses to it', () => {
    expect(
      pickWinner([
        scored('naive', 20, 50),
        scored('seasonal-naive', 8, 40),
        scored('holt-winters-log', 9, 10),
      ]).candidate.name,
    ).toBe('seasonal-naive');
  });

  it('ties go to the simpler candidate; without MAPE, credits alone decide', () => {
    expect(pickWinner([scored('naive', 10, 5), scored('holt', 10, 5)]).candidate.name).toBe('naive');
    expect(pickWinner([scored('naive', null, 5), scored('holt', null, 4)]).candidate.name).toBe('holt');
  });
});

describe('the planner', () => {
  it("the help article's example: 5 roles × 50 candidates → 250 interviews, 250 credits, 300 with the buffer", () => {
    expect(planNeeds({ roles: 5, candidates: 50, completion: 1, months: 1, buffer: 0.2 })).toEqual({
      interviews: 250,
      credits: 250,
      creditsWithBuffer: 300,
    });
  });

  it('scales with months and completion; the buffer rounds up', () => {
    expect(planNeeds({ roles: 2, candidates: 30, completion: 0.7, months: 3, buffer: 0.1 })).toEqual({
      interviews: 126,
      credits: 126,
      creditsWithBuffer: 139,
    });
  });

  it("spreads the plan's credits evenly over the days of the months from today", () => {
    // March 16 to May 16: 61 days at 10 a day; March holds 31 of the rate's days, April 30, May 31.
    expect(planPace(610_000, '2026-03-16', 2)).toEqual([310_000, 300_000, 310_000]);
  });
});
