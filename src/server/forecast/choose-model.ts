import type { z } from 'zod';
import { addMonthsClamped, daysBetween } from '../../shared/calendar.js';
import type {
  CandidateName,
  CandidateSummary as CandidateSummarySchema,
  ModelName,
} from '../../shared/contract/forecast.js';
import {
  type Backtest,
  backtestOrigins,
  type CandidateScore,
  describeBacktest,
  MIN_BACKTEST_MONTHS,
  pickWinner,
  roundedMape,
  scoreCandidate,
} from './backtest.js';
import { type StepForecast, widen } from './band.js';
import { calibrateBand } from './calibrate.js';
import { CANDIDATES, type CandidateForecast } from './candidates.js';
import { smoothing, TREND_MONTHS } from './models/holt-winters.js';
import { RECENT_DAYS, recentMean } from './models/recent-mean.js';

/** What a tenant's history offers the models. */
export interface History {
  /** Credits used in each complete month, oldest first, the last being the month before the current one. */
  months: readonly number[];
  /** The first day of `months[0]`'s month ('YYYY-MM-01'). */
  firstMonth: string;
  /** Credits used on each complete day, oldest first, up to yesterday (at most the latest weeks). */
  days: readonly number[];
  /** Days from the first day with usage to yesterday. */
  daysOfHistory: number;
  /** Set when usage began before the months read: its first day (older months are not read). */
  usageBegan?: string;
}

/** A candidate as the answer lists it: its backtest's MAPE and mean error in credits, and whether it serves. */
export type CandidateSummary = z.output<typeof CandidateSummarySchema>;

export interface ModelChoice {
  name: ModelName;
  /** The candidate served, when the backtest chose one. */
  candidate: CandidateName | null;
  /** Why this model runs, in sentences an admin can read. */
  reason: string;
  /** How its 80 % band is made. */
  band: string;
  steps: StepForecast[];
  backtest: Backtest | null;
  /** Every candidate the backtest scored, in the order they are tried. */
  candidates: CandidateSummary[];
}

export const MIN_DAYS = 7;

const CLOSED_FORM_BAND =
  '80% prediction band: the spread of the model’s own errors, growing with the horizon as the model’s closed form gives it';

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
const spikeNote = (spikes: number[]) =>
  spikes.length === 0 ? '' : ` ${plural(spikes.length, 'one-off spike')} damped for the fit.`;
const pct = (x: number | null) => (x === null ? 'n/a' : `${x}%`);
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The number of days of each of `count` months from `firstMonth` ('YYYY-MM-01'). */
export function monthLengths(firstMonth: string, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const start = addMonthsClamped(firstMonth, i);
    return daysBetween(start, addMonthsClamped(start, 1));
  });
}

/** Whether a choice reads the recent days: only when the complete months are too few for a monthly model. */
export const readsDays = (history: History) => history.months.length < TREND_MONTHS;

function historyNote(history: History): string {
  const n = history.months.length;
  const read = `${plural(n, 'complete month')} of history`;
  return history.usageBegan
    ? `${read} (the latest ${n} read; usage began in ${history.usageBegan.slice(0, 7)})`
    : read;
}

/**
 * The model a history supports and the forecast it serves. A year or more of complete months:
 * every candidate that can be fitted is backtested from several origins (horizons 1–6) on the
 * tenant's own history, and the winner — never one that loses to both naive forecasts — serves
 * the forecast, its band widened when the backtest shows it too narrow. Six to eleven months:
 * Holt's damped trend; a week or more: the recent daily rate; less, no projection (zero, and the
 * reason says so). `horizonLengths` are the days of each projected month.
 */
export function chooseModel(history: History, horizonLengths: readonly number[]): ModelChoice {
  const horizon = horizonLengths.length;
  const n = history.months.length;
  if (n >= MIN_BACKTEST_MONTHS) return backtested(history, horizonLengths);
  const none = { candidate: null, backtest: null, candidates: [], band: `${CLOSED_FORM_BAND}.` };
  if (n >= TREND_MONTHS) {
    const result = smoothing(history.months, horizon, { season: 'none', damped: true, log: false });
    if (result) {
      return {
        ...none,
        name: 'holt',
        reason: `${historyNote(history)}, under the ${MIN_BACKTEST_MONTHS} a backtest needs: Holt’s damped trend, without seasonality.${spikeNote(result.spikes)}`,
        steps: result.steps,
      };
    }
  }
  if (history.daysOfHistory >= MIN_DAYS && history.days.length >= MIN_DAYS) {
    const used = Math.min(RECENT_DAYS, history.days.length);
    return {
      ...none,
      name: 'recent-rate',
      reason: `${plural(history.daysOfHistory, 'day')} of history, under the ${TREND_MONTHS} complete months a trend needs: the daily rate of the last ${used} days.`,
      band: '80% prediction band: the spread of the weekly totals seen, growing with the horizon.',
      steps: recentMean(history.days, horizonLengths),
    };
  }
  return {
    ...none,
    name: 'none',
    reason:
      history.daysOfHistory === 0
        ? 'No usage yet: nothing to project from, so the projection is zero.'
        : `Only ${plural(history.daysOfHistory, 'day')} of history: not enough to project from (a week is needed), so the projection is zero.`,
    steps: horizonLengths.map(() => ({ mean: 0, sd: 0 })),
  };
}

function backtested(history: History, horizonLengths: readonly number[]): ModelChoice {
  const series = history.months;
  const n = series.length;
  const lengths = [...monthLengths(history.firstMonth, n), ...horizonLengths];
  const origins = backtestOrigins(n);
  const scores = CANDIDATES.map((c) => scoreCandidate(c, series, lengths, origins)).filter(
    (s): s is CandidateScore => s !== null,
  );
  // The winner must also fit the whole history (a month without usage may have arrived since the origins).
  let left = scores;
  let winner: CandidateScore;
  let served: CandidateForecast | null;
  do {
    winner = pickWinner(left);
    served = winner.candidate.forecast(series, lengths, horizonLengths.length);
    left = left.filter((s) => s !== winner);
  } while (!served);
  const calibration = calibrateBand(winner.points);
  const monthNames = Array.from({ length: n }, (_, i) => addMonthsClamped(history.firstMonth, i).slice(0, 7));
  const backtest = describeBacktest(winner, scores, calibration, series, monthNames);
  const versus = `MAPE ${pct(backtest.mape)}; same as last month ${pct(backtest.naiveLastMonthMape)}${
    backtest.naiveLastYearMape === null ? '' : `, same month last year ${pct(backtest.naiveLastYearMape)}`
  }`;
  const label = winner.candidate.label;
  // The winner has the least error of all, unless one with less did worse in MAPE than a naive forecast.
  const passedOver = scores.some((s) => s.mae < winner.mae);
  return {
    name: winner.candidate.model,
    candidate: winner.candidate.name,
    reason: `${historyNote(history)}: ${label[0]?.toUpperCase()}${label.slice(1)}, the least error in credits of the ${
      scores.length
    } models backtested from ${plural(origins.length, 'starting point')}, 1–${backtest.horizonMonths} months ahead${
      passedOver ? ', among those no worse in MAPE than either naive forecast' : ''
    } (${versus}).${spikeNote(served.spikes)}`,
    band:
      calibration.widenedBy > 1
        ? `${CLOSED_FORM_BAND}, widened ×${calibration.widenedBy.toFixed(2)}: in the backtest that band held ${percent(calibration.closedFormCoverage)} of the held-out months, the widened one ${percent(calibration.coverage)}.`
        : `${CLOSED_FORM_BAND}; in the backtest it held ${percent(calibration.closedFormCoverage)} of the held-out months.`,
    steps: widen(served.steps, calibration.widenedBy),
    backtest,
    candidates: scores.map((s) => ({
      name: s.candidate.name,
      backtestMape: roundedMape(s.mape),
      backtestErrorCredits: Math.round(s.mae * 10) / 10,
      served: s === winner,
    })),
  };
}
