import type { z } from 'zod';
import type { Backtest as BacktestSchema, ModelName } from '../../shared/contract/forecast.js';
import type { StepForecast } from './band.js';
import type { Candidate } from './candidates.js';
import { MONTHS_PER_YEAR, SEASONAL_MONTHS, TREND_MONTHS } from './models/holt-winters.js';

/** Each origin forecasts this many months ahead (horizons 1–6). */
const BACKTEST_HORIZON = 6;
const MAX_ORIGINS = 12;
/** Fewer origins than this are not worth a richer model's place in the comparison. */
const MIN_ORIGINS = 3;
/** A backtest needs a year of complete months: six to fit on, six to check against. */
export const MIN_BACKTEST_MONTHS = TREND_MONTHS + BACKTEST_HORIZON;

/** One held-out month as one origin forecast it. */
export interface HeldOutPoint {
  /** The origin: the months before this index were the history. */
  origin: number;
  /** The month forecast (index into the series). */
  index: number;
  actual: number;
  step: StepForecast;
}

export interface CandidateScore {
  candidate: Candidate;
  points: HeldOutPoint[];
  /** Mean absolute percentage error over the points with usage, in percent (unrounded); null without any. */
  mape: number | null;
  /** Mean absolute error per point, in credits (unrounded). */
  mae: number;
}

/**
 * The origins of the rolling backtest, oldest first: the latest months from which six months
 * ahead are all known, at most MAX_ORIGINS of them, none so early that the richest kind of model
 * the history allows (Holt-Winters from two years, seasonal naive from one, Holt from six
 * months) could not be fitted there — as many as MIN_ORIGINS for it, else the next kind down.
 * Empty under MIN_BACKTEST_MONTHS months.
 */
export function backtestOrigins(n: number): number[] {
  if (n < MIN_BACKTEST_MONTHS) return [];
  const latest = n - BACKTEST_HORIZON;
  for (const earliest of [SEASONAL_MONTHS, MONTHS_PER_YEAR, TREND_MONTHS]) {
    const count = Math.min(MAX_ORIGINS, latest - earliest + 1);
    if (count >= MIN_ORIGINS || earliest === TREND_MONTHS) {
      return Array.from({ length: count }, (_, i) => latest - count + 1 + i);
    }
  }
  return [];
}

function mapeOf(points: readonly { actual: number; forecast: number }[]): number | null {
  let sum = 0;
  let n = 0;
  for (const p of points) {
    if (p.actual > 0) {
      sum += Math.abs(p.actual - p.forecast) / p.actual;
      n++;
    }
  }
  return n === 0 ? null : (100 * sum) / n;
}

function maeOf(points: readonly { actual: number; forecast: number }[]): number {
  return points.reduce((s, p) => s + Math.abs(p.actual - p.forecast), 0) / Math.max(1, points.length);
}

/** The point forecast a step stands for: the figure the answer shows (never negative). */
const pointOf = (step: StepForecast) => (Number.isFinite(step.mean) ? Math.max(0, step.mean) : 0);

/**
 * Fits `candidate` at every origin on the months before it and scores its forecasts of the six
 * months after; null when it cannot be fitted at one of them (too short, or a month without
 * usage where it multiplies or takes logarithms).
 */
export function scoreCandidate(
  candidate: Candidate,
  series: readonly number[],
  lengths: readonly number[],
  origins: readonly number[],
): CandidateScore | null {
  if (origins.length === 0 || (origins[0] as number) < candidate.minMonths) return null;
  const points: HeldOutPoint[] = [];
  for (const origin of origins) {
    const result = candidate.forecast(
      series.slice(0, origin),
      lengths.slice(0, origin + BACKTEST_HORIZON),
      BACKTEST_HORIZON,
    );
    if (!result) return null;
    result.steps.forEach((step, h) => {
      points.push({ origin, index: origin + h, actual: series[origin + h] as number, step });
    });
  }
  const scored = points.map((p) => ({ actual: p.actual, forecast: pointOf(p.step) }));
  return { candidate, points, mape: mapeOf(scored), mae: maeOf(scored) };
}

/**
 * The winner: among the candidates whose MAPE is no worse than both naive forecasts' (which are
 * candidates themselves, so one always qualifies), the least mean absolute error in credits —
 * the error a runway is made of; MAPE alone would favour forecasts that run low. Ties go to the
 * earlier, simpler candidate.
 */
export function pickWinner(scores: readonly CandidateScore[]): CandidateScore {
  const naive = scores.filter((s) => s.candidate.model === 'naive' || s.candidate.model === 'seasonal-naive');
  const naiveMapes = naive.map((s) => s.mape).filter((m): m is number => m !== null);
  const bar = naiveMapes.length > 0 ? Math.min(...naiveMapes) : null;
  const eligible = scores.filter((s) => bar === null || s.mape === null || s.mape <= bar + 1e-9);
  let best: CandidateScore | undefined;
  for (const s of eligible) if (!best || s.mae < best.mae - 1e-9 * Math.max(1, best.mae)) best = s;
  if (!best) throw new Error('no candidate was scored');
  return best;
}

export interface BandCalibration {
  /** Share of the held-out months inside the model's closed-form 80 % band. */
  closedFormCoverage: number;
  /** Share inside the band served (after widening). */
  coverage: number;
  /** The factor the band's spread was widened by (1: not widened). */
  widenedBy: number;
}

/** The backtest as the answer gives it (the contract's schema). */
export type Backtest = z.output<typeof BacktestSchema>;

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
export const roundedMape = (m: number | null) => (m === null ? null : round1(m));

/**
 * The backtest as the answer gives it, for the model served: its errors over every origin
 * beside both naive forecasts' over the same months, how its band did, and the latest origin's
 * six months in full. `monthNames[i]` names `series[i]` ('YYYY-MM').
 */
export function describeBacktest(
  served: CandidateScore,
  scores: readonly CandidateScore[],
  band: BandCalibration,
  series: readonly number[],
  monthNames: readonly string[],
): Backtest {
  const named = (model: ModelName) => scores.find((s) => s.candidate.model === model);
  const lastMonth = named('naive');
  const lastYear = named('seasonal-naive');
  const origins = [...new Set(served.points.map((p) => p.origin))];
  const latest = origins[origins.length - 1] as number;
  const atLatest = (s: CandidateScore | undefined) =>
    s ? s.points.filter((p) => p.origin === latest).map((p) => pointOf(p.step)) : null;
  const [model, last, year] = [atLatest(served), atLatest(lastMonth), atLatest(lastYear)];
  return {
    model: served.candidate.model,
    candidate: served.candidate.name,
    heldOutMonths: new Set(served.points.map((p) => p.index)).size,
    origins: origins.length,
    horizonMonths: BACKTEST_HORIZON,
    mape: roundedMape(served.mape),
    naiveLastMonthMape: roundedMape(lastMonth?.mape ?? null),
    naiveLastYearMape: roundedMape(lastYear?.mape ?? null),
    errorCredits: round1(served.mae),
    naiveLastMonthErrorCredits: round1(lastMonth?.mae ?? 0),
    naiveLastYearErrorCredits: lastYear ? round1(lastYear.mae) : null,
    band: {
      closedFormCoverage: round3(band.closedFormCoverage),
      coverage: round3(band.coverage),
      widenedBy: round3(band.widenedBy),
    },
    points: (model ?? []).map((forecast, h) => ({
      month: monthNames[latest + h] as string,
      actual: round1(series[latest + h] as number),
      forecast: round1(forecast),
      naiveLastMonth: round1(last?.[h] ?? (series[latest - 1] as number)),
      naiveLastYear: year ? round1(year[h] as number) : null,
    })),
  };
}
