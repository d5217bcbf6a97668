import {
  addDays,
  addMonthsClamped,
  daysBetween,
  localDate,
  startOfLocalDate,
  startOfMonth,
} from '../../shared/calendar.js';
import { HORIZON_MONTHS } from '../../shared/contract/forecast.js';
import { milliToCredits, nearestMilli } from '../../shared/credits.js';
import { usageTotals } from '../consumption/queries.js';
import type { Queryable } from '../db/database.js';
import { periodContaining } from '../ledger/periods.js';
import type { BillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { type Backtest, backtest } from './backtest.js';
import { band } from './band.js';
import { chooseModel, type ModelName } from './choose-model.js';
import { creditsPerInvitation, loadHistory, loadLedgerState, openInvitations } from './load.js';
import { RECENT_DAYS } from './models/recent-mean.js';
import { type SimulationResult, simulateLedger } from './runway.js';

/** A first month with usage starting after this day of the month is partial: history starts the month after. */
const LATEST_FULL_START_DAY = 7;
/** Months of history the answer carries for the chart. */
const HISTORY_SHOWN = 36;

export interface ForecastMonth {
  /** 'YYYY-MM' */
  month: string;
  credits: number;
  lower: number;
  upper: number;
}

export interface Forecast {
  today: string;
  months: ForecastMonth[];
  /** Credits used so far in the current month (months[0] includes them). */
  currentMonthSoFar: number;
  history: { month: string; credits: number }[];
  model: { name: ModelName; reason: string; band: string };
  backtest: Backtest | null;
  /** Credits per invitation over the last year (the API's name for it). */
  completionRate: number | null;
  runway: {
    date: string | null;
    early: string | null;
    late: string | null;
    horizonEnd: string;
    summary: string;
    balance: number;
    openInvitations: number;
    expectedFromInvitations: number;
    expiringUnused: number;
  };
  endOfPeriod: {
    periodStart: string;
    periodEnd: string;
    allotment: number;
    usedSoFar: number;
    projected: number;
    lower: number;
    upper: number;
    expiringUnused: number;
    rollingOver: number;
  };
}

export const BAND_METHOD =
  '80 % prediction band: the spread of the model’s in-sample one-step errors, growing with the horizon as exponential smoothing’s error variance does.';

const round1 = (x: number) => Math.round(x * 10) / 10;
const monthName = (date: string) => date.slice(0, 7);

/** The first month whose history is whole: the first usage month, unless usage began late in it. */
function firstWholeMonth(firstDay: string): string {
  const start = startOfMonth(firstDay);
  return Number(firstDay.slice(8, 10)) <= LATEST_FULL_START_DAY ? start : addMonthsClamped(start, 1);
}

function summary(point: SimulationResult, early: SimulationResult, late: SimulationResult, horizon: number) {
  if (point.runOut === null) {
    return early.runOut === null
      ? `Not within ${horizon} months at the projected pace.`
      : `Not within ${horizon} months at the projected pace; at the band’s high pace, ${early.runOut}.`;
  }
  return `Runs out on ${point.runOut} at the projected pace (band: ${early.runOut ?? point.runOut} to ${
    late.runOut ?? `not within ${horizon} months`
  }).`;
}

/**
 * Everything the Forecast view shows, from the tenant's own rollups and ledger: the projection
 * of the current and coming months (the current month's usage so far plus the projection for
 * the rest of it), the model and why, the backtest, the runway and the end of the billing period.
 */
export async function computeForecast(
  tx: Queryable,
  ctx: BillingContext,
  now: Date,
  months: number,
): Promise<Forecast> {
  const { tenantId, timeZone: tz } = ctx;
  const today = localDate(now, tz);
  const currentMonth = startOfMonth(today);
  const history = await loadHistory(tx, tenantId, today);

  const names: string[] = [];
  const values: number[] = [];
  if (history.firstDay !== null) {
    for (let m = firstWholeMonth(history.firstDay); m < currentMonth; m = addMonthsClamped(m, 1)) {
      names.push(monthName(m));
      values.push(history.monthly.get(m) ?? 0);
    }
  }
  const daysOfHistory = history.firstDay === null ? 0 : Math.max(0, daysBetween(history.firstDay, today));
  const days: number[] = [];
  for (let i = Math.min(RECENT_DAYS, daysOfHistory); i >= 1; i--) {
    days.push(history.daily.get(addDays(today, -i)) ?? 0);
  }

  const monthStarts = Array.from({ length: HORIZON_MONTHS + 1 }, (_, k) => addMonthsClamped(currentMonth, k));
  const monthLengths = monthStarts.map((m) => daysBetween(m, addMonthsClamped(m, 1)));
  const choice = chooseModel({ months: values, days, daysOfHistory }, monthLengths);
  const whole = choice.steps.map(band);

  // The current month: what was used so far, plus the projection for the share of it still to come.
  const monthStartAt = startOfLocalDate(currentMonth, tz).getTime();
  const monthEndAt = startOfLocalDate(addMonthsClamped(currentMonth, 1), tz).getTime();
  const left = Math.min(1, Math.max(0, (monthEndAt - now.getTime()) / (monthEndAt - monthStartAt)));
  const soFar = history.monthly.get(currentMonth) ?? 0;
  const projected = whole.map((b, k) =>
    k === 0
      ? { credits: soFar + b.credits * left, lower: soFar + b.lower * left, upper: soFar + b.upper * left }
      : b,
  );

  const perInvitation = await creditsPerInvitation(tx, tenantId, today);
  const invitations = await openInvitations(tx, tenantId, now);
  // Without an observed rate, every open invitation is assumed to complete: the cautious side.
  const pipelineMilli = nearestMilli(invitations * (perInvitation ?? 1));
  const ledger = await loadLedgerState(tx, tenantId, now);
  const simulate = (pick: (b: { credits: number; lower: number; upper: number }) => number) =>
    simulateLedger({
      ctx,
      now,
      lots: ledger.lots,
      overageMilli: ledger.overageMilli,
      monthly: whole.map((b) => nearestMilli(pick(b))),
      pipelineMilli,
      horizonMonths: HORIZON_MONTHS,
    });
  const point = simulate((b) => b.credits);
  const early = simulate((b) => b.upper);
  const late = simulate((b) => b.lower);

  const period = periodContaining(ctx.anchor, ctx.plan.periodUnit, tz, now);
  const { allotmentMilli } = await currentPeriod(tx, ctx, now);
  const usedInPeriod = milliToCredits(
    (await usageTotals(tx, tenantId, { from: period.startDate, to: today })).creditsMilli,
  );

  return {
    today,
    months: projected.slice(0, months).map((b, k) => ({
      month: monthName(monthStarts[k] as string),
      credits: round1(b.credits),
      lower: round1(b.lower),
      upper: round1(b.upper),
    })),
    currentMonthSoFar: soFar,
    history: names.slice(-HISTORY_SHOWN).map((month, i, shown) => ({
      month,
      credits: values[values.length - shown.length + i] as number,
    })),
    model: { name: choice.name, reason: choice.reason, band: BAND_METHOD },
    backtest: backtest(values, names),
    completionRate: perInvitation === null ? null : milliToCredits(nearestMilli(perInvitation)),
    runway: {
      date: point.runOut,
      early: early.runOut,
      late: late.runOut,
      horizonEnd: point.horizonEnd,
      summary: summary(point, early, late, HORIZON_MONTHS),
      balance: milliToCredits(ledger.balanceMilli),
      openInvitations: invitations,
      expectedFromInvitations: round1(milliToCredits(pipelineMilli)),
      expiringUnused: round1(milliToCredits(Math.max(0, point.expiredMilli))),
    },
    endOfPeriod: {
      periodStart: period.startDate,
      periodEnd: addDays(period.endDate, -1),
      allotment: milliToCredits(allotmentMilli),
      usedSoFar: usedInPeriod,
      projected: round1(usedInPeriod + milliToCredits(point.period.usedMilli)),
      lower: round1(usedInPeriod + milliToCredits(late.period.usedMilli)),
      upper: round1(usedInPeriod + milliToCredits(early.period.usedMilli)),
      expiringUnused: round1(milliToCredits(Math.max(0, point.period.expiredMilli))),
      rollingOver: round1(milliToCredits(point.period.rolledMilli)),
    },
  };
}
