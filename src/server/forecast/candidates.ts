import type { CandidateName, ModelName } from '../../shared/contract/forecast.js';
import type { StepForecast } from './band.js';
import {
  MONTHS_PER_YEAR,
  SEASONAL_MONTHS,
  type SmoothingSpec,
  smoothing,
  TREND_MONTHS,
} from './models/holt-winters.js';
import { lastMonth, RECENT_MONTHS, recentRate, seasonalNaive } from './models/naive.js';

export interface CandidateForecast {
  steps: StepForecast[];
  /** Indexes of the months damped as one-off spikes for the fit. */
  spikes: number[];
}

/** A model the backtest can try on a tenant's monthly history. */
export interface Candidate {
  name: CandidateName;
  model: ModelName;
  /** What it is, in words an admin can read. */
  label: string;
  /** The complete months it needs to be fitted. */
  minMonths: number;
  /**
   * Its forecast of the `horizon` months after `series`, or null when it cannot be fitted there.
   * `lengths[i]` is the number of days of month i, for the series' months and the months ahead.
   */
  forecast(series: readonly number[], lengths: readonly number[], horizon: number): CandidateForecast | null;
}

const plain = (steps: StepForecast[] | null): CandidateForecast | null =>
  steps ? { steps, spikes: [] } : null;

function smoothingCandidate(name: CandidateName, label: string, spec: SmoothingSpec): Candidate {
  return {
    name,
    model: spec.season === 'none' ? 'holt' : 'holt-winters',
    label,
    minMonths: spec.season === 'none' ? TREND_MONTHS : SEASONAL_MONTHS,
    forecast: (series, _lengths, horizon) => {
      const result = smoothing(series, horizon, spec);
      return result ? { steps: result.steps, spikes: result.spikes } : null;
    },
  };
}

/**
 * Every candidate, simplest first: a tie in the backtest goes to the simpler model. The two
 * naive forecasts are candidates too, so the model served is never one the backtest shows
 * losing to them.
 */
export const CANDIDATES: readonly Candidate[] = [
  {
    name: 'naive',
    model: 'naive',
    label: 'the last month’s usage (“same as last month”)',
    minMonths: 1,
    forecast: (series, _lengths, horizon) => plain(lastMonth(series, horizon)),
  },
  {
    name: 'seasonal-naive',
    model: 'seasonal-naive',
    label: 'the same month last year (“seasonal naive”)',
    minMonths: MONTHS_PER_YEAR,
    forecast: (series, _lengths, horizon) => plain(seasonalNaive(series, horizon)),
  },
  {
    name: 'recent-rate',
    model: 'recent-rate',
    label: `the daily rate of the last ${RECENT_MONTHS} complete months`,
    minMonths: RECENT_MONTHS,
    forecast: (series, lengths, horizon) => plain(recentRate(series, lengths, horizon)),
  },
  smoothingCandidate('holt-damped', 'Holt’s damped trend, without seasonality', {
    season: 'none',
    damped: true,
    log: false,
  }),
  smoothingCandidate('holt', 'Holt’s linear trend, without seasonality', {
    season: 'none',
    damped: false,
    log: false,
  }),
  smoothingCandidate(
    'holt-winters-additive-damped',
    'Holt-Winters with an additive yearly season and a damped trend',
    { season: 'additive', damped: true, log: false },
  ),
  smoothingCandidate(
    'holt-winters-additive',
    'Holt-Winters with an additive yearly season and a linear trend',
    {
      season: 'additive',
      damped: false,
      log: false,
    },
  ),
  smoothingCandidate(
    'holt-winters-multiplicative-damped',
    'Holt-Winters with a multiplicative yearly season and a damped trend',
    { season: 'multiplicative', damped: true, log: false },
  ),
  smoothingCandidate(
    'holt-winters-multiplicative',
    'Holt-Winters with a multiplicative yearly season and a linear trend',
    { season: 'multiplicative', damped: false, log: false },
  ),
  smoothingCandidate(
    'holt-winters-log-damped',
    'Holt-Winters on the logarithm of usage (season, trend and noise in proportion) with a damped trend',
    { season: 'additive', damped: true, log: true },
  ),
  smoothingCandidate(
    'holt-winters-log',
    'Holt-Winters on the logarithm of usage (season, trend and noise in proportion) with a linear trend',
    { season: 'additive', damped: false, log: true },
  ),
];
