import { band } from '../src/server/forecast/band.js';
import { chooseModel, monthLengths } from '../src/server/forecast/choose-model.js';
import { MAX_HISTORY_MONTHS } from '../src/server/forecast/load.js';
import { addMonthsClamped } from '../src/shared/calendar.js';
import { publicSeries } from './lib/public-series.js';
import { type MonthlySeries, SHAPES, type Shape } from './lib/series.js';
import { syntheticSeries } from './lib/synthetic-series.js';

/**
 * How good the served forecast is, on many monthly series rather than one tenant: every series
 * of the corpus (synthetic ones of each shape a hiring platform sees, and real public ones) is
 * cut before its last HORIZON months; the forecast — the product's own model choice, backtest
 * and band, on at most the MAX_HISTORY_MONTHS latest months as a tenant's window gives it — is
 * scored on those months against seasonal naive ("same month last year"; "same as last month"
 * for a history under a year). Pure models, no database: the HTTP path is timed by
 * `npm run bench -- forecast`.
 *
 * - relativeMae: the geometric mean over series of MAE(served) / MAE(seasonal naive) on the same
 *   held-out months (the average relative MAE of Davydenko & Fildes: a ratio per series, so large
 *   tenants do not drown small ones; < 1 is better than seasonal naive);
 * - shareBeatingSeasonalNaive: the share of series where the served forecast's MAE is smaller;
 * - coverage80: the share of all held-out months inside the served 80 % band.
 */
const HORIZON = 12;
const PER_SHAPE = Number(process.env.BENCH_FORECAST_SERIES_PER_SHAPE ?? 25);
const GOALS = { relativeMae: 0.9, coverage80: [0.72, 0.88] };

interface Scored {
  shape: Shape;
  model: string;
  /** MAE(served) / MAE(seasonal naive). */
  ratio: number;
  inside: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const mae = (actual: readonly number[], forecast: readonly number[]) =>
  mean(actual.map((a, i) => Math.abs(a - (forecast[i] as number))));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function score(s: MonthlySeries): Scored {
  const cut = s.values.length - HORIZON;
  const history = s.values.slice(0, cut);
  const actual = s.values.slice(cut);
  const read = history.slice(-MAX_HISTORY_MONTHS);
  const choice = chooseModel(
    {
      months: read,
      firstMonth: addMonthsClamped(s.firstMonth, cut - read.length),
      days: [],
      daysOfHistory: read.length * 30,
      ...(read.length < cut ? { usageBegan: s.firstMonth } : {}),
    },
    monthLengths(addMonthsClamped(s.firstMonth, cut), HORIZON),
  );
  const bands = choice.steps.map(band);
  const naive = actual.map((_, h) => (cut >= 12 ? history[cut - 12 + h] : history[cut - 1]) as number);
  // A floor of 1 % of the history's mean keeps a ratio finite where seasonal naive is exactly right.
  const floor = 0.01 * mean(history) + 1e-9;
  return {
    shape: s.shape,
    model: choice.candidate ?? choice.name,
    ratio:
      (mae(
        actual,
        bands.map((b) => b.credits),
      ) +
        floor) /
      (mae(actual, naive) + floor),
    inside: actual.filter((a, h) => {
      const b = bands[h];
      return b !== undefined && a >= b.lower - 1e-9 && a <= b.upper + 1e-9;
    }).length,
  };
}

function summarise(scored: readonly Scored[]) {
  return {
    series: scored.length,
    relativeMae: round3(Math.exp(mean(scored.map((s) => Math.log(s.ratio))))),
    shareBeatingSeasonalNaive: round3(scored.filter((s) => s.ratio < 1).length / Math.max(1, scored.length)),
    coverage80: round3(scored.reduce((n, s) => n + s.inside, 0) / Math.max(1, scored.length * HORIZON)),
  };
}

export async function run() {
  const corpus = [...syntheticSeries(PER_SHAPE, HORIZON), ...publicSeries(6 + HORIZON, 180 + HORIZON)];
  const t0 = performance.now();
  const scored = corpus.map(score);
  const ms = performance.now() - t0;
  const overall = summarise(scored);
  const served: Record<string, number> = {};
  for (const s of scored) served[s.model] = (served[s.model] ?? 0) + 1;
  return {
    ...overall,
    horizon: HORIZON,
    byShape: Object.fromEntries(
      SHAPES.map((shape) => [shape, summarise(scored.filter((s) => s.shape === shape))]),
    ),
    servedModels: Object.fromEntries(Object.entries(served).sort((a, b) => b[1] - a[1])),
    goals: GOALS,
    goalMet:
      overall.relativeMae < GOALS.relativeMae &&
      overall.coverage80 >= (GOALS.coverage80[0] as number) &&
      overall.coverage80 <= (GOALS.coverage80[1] as number),
    msPerSeries: Math.round((ms / corpus.length) * 10) / 10,
  };
}
