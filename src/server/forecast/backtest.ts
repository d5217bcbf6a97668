import { band } from './band.js';
import { chooseModel, type ModelName, TREND_MONTHS } from './choose-model.js';

export const HELD_OUT_MONTHS = 6;

export interface BacktestPoint {
  month: string;
  actual: number;
  forecast: number;
  naiveLastMonth: number;
  naiveLastYear: number | null;
}

export interface Backtest {
  /** The model that ran on the shortened history (it may be simpler than today's). */
  model: ModelName;
  heldOutMonths: number;
  /** Mean absolute percentage error over held-out months with usage, in percent. */
  mape: number | null;
  naiveLastMonthMape: number | null;
  naiveLastYearMape: number | null;
  /** Mean absolute error per held-out month, in credits. */
  errorCredits: number;
  naiveLastMonthErrorCredits: number;
  naiveLastYearErrorCredits: number | null;
  points: BacktestPoint[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function mape(actual: readonly number[], forecast: readonly number[]): number | null {
  let sum = 0;
  let n = 0;
  actual.forEach((a, i) => {
    if (a > 0) {
      sum += Math.abs(a - (forecast[i] as number)) / a;
      n++;
    }
  });
  return n === 0 ? null : round1((100 * sum) / n);
}

const mae = (actual: readonly number[], forecast: readonly number[]) =>
  round1(
    actual.reduce((s, a, i) => s + Math.abs(a - (forecast[i] as number)), 0) / Math.max(1, actual.length),
  );

/**
 * Holds out the last six complete months, forecasts them from the months before with the model
 * that history supports, and scores it beside the naive forecasts "same as last month" (the last
 * month before the held-out ones, for all six) and "same month last year". Null when fewer than
 * six months would remain to fit on. `monthNames[i]` names `months[i]` ('YYYY-MM').
 */
export function backtest(months: readonly number[], monthNames: readonly string[]): Backtest | null {
  const n = months.length;
  const cut = n - HELD_OUT_MONTHS;
  if (cut < TREND_MONTHS) return null;
  const train = months.slice(0, cut);
  const actual = months.slice(cut);
  const choice = chooseModel(
    { months: train, days: [], daysOfHistory: 0 },
    actual.map(() => 30),
  );
  const forecast = choice.steps.map((s) => band(s).credits);
  const last = train[train.length - 1] as number;
  const lastMonth = actual.map(() => last);
  const lastYear = cut >= 12 ? actual.map((_, i) => months[cut + i - 12] as number) : null;
  return {
    model: choice.name,
    heldOutMonths: HELD_OUT_MONTHS,
    mape: mape(actual, forecast),
    naiveLastMonthMape: mape(actual, lastMonth),
    naiveLastYearMape: lastYear ? mape(actual, lastYear) : null,
    errorCredits: mae(actual, forecast),
    naiveLastMonthErrorCredits: mae(actual, lastMonth),
    naiveLastYearErrorCredits: lastYear ? mae(actual, lastYear) : null,
    points: actual.map((a, i) => ({
      month: monthNames[cut + i] as string,
      actual: round1(a),
      forecast: round1(forecast[i] as number),
      naiveLastMonth: round1(last),
      naiveLastYear: lastYear ? round1(lastYear[i] as number) : null,
    })),
  };
}
