import type { StepForecast } from '../band.js';

/**
 * Exponential smoothing with a damped additive trend and optional seasonality (Holt's method
 * and Holt-Winters), written here because no maintained npm package offers Holt-Winters/ETS
 * with prediction intervals (the registry's few Holt-Winters packages are unmaintained, take
 * fixed parameters and give no interval; `arima` fits SARIMA, which needs more seasonal cycles
 * than a tenant's two or three years give). Component form, as in Hyndman & Athanasopoulos,
 * "Forecasting: Principles and Practice", §8.2–8.3:
 *
 *   additive season:        ŷ = ℓ + φb + s      ℓ' = α(y − s) + (1 − α)(ℓ + φb)
 *   multiplicative season:  ŷ = (ℓ + φb)·s      ℓ' = α(y / s) + (1 − α)(ℓ + φb)
 *   trend:                  b' = β(ℓ' − ℓ) + (1 − β)φb
 *   season:                 s' = γ(y − ℓ') + (1 − γ)s   or   γ(y / ℓ') + (1 − γ)s
 *   h steps ahead:          (ℓ + φ_h b) (+ or ·) s,  φ_h = φ + φ² + … + φ^h
 *
 * Parameters are chosen by the least sum of squared one-step errors over a small grid (a few
 * hundred fits of a few dozen points: well under a millisecond each).
 */
export type Seasonality = 'none' | 'additive' | 'multiplicative';

export interface SmoothingParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface InitialState {
  level: number;
  trend: number;
  /** One factor (multiplicative) or offset (additive) per position in the cycle; empty without season. */
  season: number[];
}

export interface SmoothingFit {
  seasonality: Seasonality;
  period: number;
  params: SmoothingParams;
  level: number;
  trend: number;
  /** The seasonal components for the next `period` steps, the first being the next step's. */
  season: number[];
  /** Sum of squared one-step errors. */
  sse: number;
  /** Spread of the one-step errors (in credits, or relative to the forecast when multiplicative), per degree of freedom. */
  sigma: number;
  n: number;
}

/** The recursion's running state: written in place, so a grid search allocates nothing per run. */
interface RunState {
  level: number;
  trend: number;
  sse: number;
  /** Sum of squared errors, relative to the forecast when multiplicative. */
  spread: number;
  season: Float64Array;
}

/**
 * Runs the recursion over `y` from `init` into `state`; false when it fails: a multiplicative
 * season or level that is not positive, or an SSE past `abandonAbove` (a grid search passes the
 * best SSE so far, which a run past it can no longer beat).
 */
function recurse(
  y: readonly number[],
  seasonality: Seasonality,
  m: number,
  params: SmoothingParams,
  init: InitialState,
  abandonAbove: number,
  state: RunState,
): boolean {
  const { alpha, beta, gamma, phi } = params;
  const multiplicative = seasonality === 'multiplicative';
  const additive = seasonality === 'additive';
  const season = state.season;
  if (seasonality === 'none') season[0] = 0;
  else for (let i = 0; i < m; i++) season[i] = init.season[i] as number;
  let level = init.level;
  let trend = init.trend;
  let sse = 0;
  let spread = 0;
  for (let t = 0; t < y.length; t++) {
    const yt = y[t] as number;
    const i = t % m;
    const s = season[i] as number;
    const base = level + phi * trend;
    const fitted = multiplicative ? base * s : base + s;
    const error = yt - fitted;
    sse += error * error;
    if (sse > abandonAbove) return false;
    if (multiplicative) {
      if (!(fitted > 0) || !(s > 0)) return false;
      spread += (error / fitted) ** 2;
    } else spread += error * error;
    const previous = level;
    level = multiplicative
      ? alpha * (yt / s) + (1 - alpha) * base
      : alpha * (yt - (additive ? s : 0)) + (1 - alpha) * base;
    trend = beta * (level - previous) + (1 - beta) * phi * trend;
    if (multiplicative) {
      if (!(level > 0)) return false;
      season[i] = gamma * (yt / level) + (1 - gamma) * s;
    } else if (additive) season[i] = gamma * (yt - level) + (1 - gamma) * s;
  }
  state.level = level;
  state.trend = trend;
  state.sse = sse;
  state.spread = spread;
  return true;
}

const newState = (m: number): RunState => ({
  level: 0,
  trend: 0,
  sse: 0,
  spread: 0,
  season: new Float64Array(m),
});

/** Runs the recursion over `y` from `init`; the one-step errors' SSE and the final state. */
export function runSmoothing(
  y: readonly number[],
  seasonality: Seasonality,
  period: number,
  params: SmoothingParams,
  init: InitialState,
): SmoothingFit {
  const m = seasonality === 'none' ? 1 : period;
  const state = newState(m);
  if (!recurse(y, seasonality, m, params, init, Number.POSITIVE_INFINITY, state)) {
    return failed(seasonality, period, params, y.length);
  }
  const next = y.length % m;
  const season = [...state.season];
  return {
    seasonality,
    period: m,
    params,
    level: state.level,
    trend: state.trend,
    season: seasonality === 'none' ? [] : [...season.slice(next), ...season.slice(0, next)],
    sse: state.sse,
    sigma: Math.sqrt(state.spread / Math.max(1, y.length - fittedCount(seasonality, m))),
    n: y.length,
  };
}

/**
 * What a fit estimates from the data: the smoothing parameters, the starting level and trend,
 * the starting season (one fewer than its length: it is normalised), and σ itself. The error
 * spread is divided by the observations left over (as R's forecast::ets does), so a short
 * history, which the starting state nearly reproduces, still gets an honest band.
 */
function fittedCount(seasonality: Seasonality, period: number): number {
  return seasonality === 'none' ? 3 + 2 + 1 : 4 + 2 + (period - 1) + 1;
}

function failed(seasonality: Seasonality, period: number, params: SmoothingParams, n: number): SmoothingFit {
  return {
    seasonality,
    period,
    params,
    level: 0,
    trend: 0,
    season: [],
    sse: Number.POSITIVE_INFINITY,
    sigma: 0,
    n,
  };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Least-squares line through (t, y): [intercept, slope]. */
export function linearFit(y: readonly number[]): [number, number] {
  const n = y.length;
  if (n < 2) return [y[0] ?? 0, 0];
  const tBar = (n - 1) / 2;
  const yBar = mean(y);
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - tBar) * ((y[t] as number) - yBar);
    den += (t - tBar) ** 2;
  }
  const slope = num / den;
  return [yBar - slope * tBar, slope];
}

/**
 * Starting state: without season, the least-squares line through the first half of the series,
 * taken back one step (ℓ₀ is the level before the first observation). With a season (two full cycles needed), the level is the first
 * cycle's mean, the trend the change of the mean from the first cycle to the second per step, and
 * each season component the average over the first two cycles of the value against the trend
 * line there. A series that is an exact line, an exact cycle, or both, is then fitted exactly.
 */
export function initialState(y: readonly number[], seasonality: Seasonality, period: number): InitialState {
  if (seasonality === 'none') {
    // The first half only, so that a jump at the end is left for the smoothing to weigh.
    const [intercept, slope] = linearFit(y.slice(0, Math.max(2, Math.ceil(y.length / 2))));
    return { level: intercept - slope, trend: slope, season: [] };
  }
  const m = period;
  const first = mean(y.slice(0, m));
  const second = mean(y.slice(m, 2 * m));
  const trend = (second - first) / m;
  const season: number[] = [];
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let cycle = 0; cycle < 2; cycle++) {
      const cycleMean = cycle === 0 ? first : second;
      const line = cycleMean + trend * (i - (m - 1) / 2);
      const value = y[cycle * m + i] as number;
      sum += seasonality === 'multiplicative' ? (line > 0 ? value / line : 1) : value - line;
    }
    season.push(sum / 2);
  }
  // Normalise: offsets sum to zero, factors average one.
  const avg = mean(season);
  const normal =
    seasonality === 'multiplicative'
      ? season.map((s) => (avg > 0 ? s / avg : 1))
      : season.map((s) => s - avg);
  return { level: first - trend * ((m + 1) / 2), trend, season: normal };
}

export const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
export const BETAS = [0.01, 0.05, 0.1, 0.2, 0.4];
export const GAMMAS = [0.01, 0.05, 0.1, 0.2, 0.4];
/** A damped trend's φ; an undamped trend is φ = 1. */
export const DAMPED_PHIS = [0.8, 0.9, 0.95, 0.98];
export const UNDAMPED_PHIS = [1];

/** The best fit over the grid (least SSE; ties keep the earlier, i.e. smoother, parameters). */
export function fitSmoothing(
  y: readonly number[],
  seasonality: Seasonality,
  period: number,
  phis: readonly number[],
): SmoothingFit {
  const init = initialState(y, seasonality, period);
  const gammas = seasonality === 'none' ? [0] : GAMMAS;
  const state = newState(seasonality === 'none' ? 1 : period);
  let best: SmoothingParams | undefined;
  let bestSse = Number.POSITIVE_INFINITY;
  for (const phi of phis)
    for (const alpha of ALPHAS)
      for (const beta of BETAS)
        for (const gamma of gammas) {
          // Only a run below the best so far by the tie margin can replace it.
          const bound = best ? bestSse - 1e-9 * Math.max(1, bestSse) : Number.POSITIVE_INFINITY;
          const params = { alpha, beta, gamma, phi };
          if (recurse(y, seasonality, state.season.length, params, init, bound, state) && state.sse < bound) {
            best = params;
            bestSse = state.sse;
          }
        }
  if (!best) return failed(seasonality, period, { alpha: 0, beta: 0, gamma: 0, phi: 1 }, y.length);
  return runSmoothing(y, seasonality, period, best, init);
}

/** φ + φ² + … + φ^h */
export function dampSum(phi: number, h: number): number {
  let sum = 0;
  let p = 1;
  for (let j = 1; j <= h; j++) {
    p *= phi;
    sum += p;
  }
  return sum;
}

/**
 * Point forecasts and error spreads for 1..horizon steps. The spread grows with the horizon as
 * the additive ETS models' closed form gives it (Hyndman, Koehler, Ord & Snyder 2008, table 6.1,
 * class 1): Var(h) = σ²(1 + Σ_{j<h} c_j²), c_j = α(1 + βφ_j) + γ(1 − α)[j mod m = 0], σ the
 * in-sample one-step error spread. For multiplicative seasonality (no closed form) the same
 * growth is applied to σ taken relative to the forecast, and scaled by each step's forecast.
 */
export function forecastSmoothing(fit: SmoothingFit, horizon: number): StepForecast[] {
  const { alpha, beta, gamma, phi } = fit.params;
  const out: StepForecast[] = [];
  let sumC2 = 0;
  for (let h = 1; h <= horizon; h++) {
    const base = fit.level + dampSum(phi, h) * fit.trend;
    const s = fit.season.length > 0 ? (fit.season[(h - 1) % fit.period] as number) : 0;
    const mean = fit.seasonality === 'multiplicative' ? base * s : base + s;
    if (h > 1) {
      const j = h - 1;
      const seasonal = fit.seasonality !== 'none' && j % fit.period === 0 ? gamma * (1 - alpha) : 0;
      sumC2 += (alpha * (1 + beta * dampSum(phi, j)) + seasonal) ** 2;
    }
    const growth = Math.sqrt(1 + sumC2);
    const sd =
      fit.seasonality === 'multiplicative' ? fit.sigma * Math.max(0, mean) * growth : fit.sigma * growth;
    out.push({ mean, sd });
  }
  return out;
}
