import type { z } from 'zod';
import {
  addDays,
  addMonthsClamped,
  daysBetween,
  localDate,
  startOfLocalDate,
  startOfMonth,
} from '../../shared/calendar.js';
import { type Forecast as ForecastSchema, HORIZON_MONTHS } from '../../shared/contract/forecast.js';
import { milliToCredits, nearestMilli } from '../../shared/credits.js';
import { filterParams, isFiltered, NO_FILTER, type UsageFilter } from '../../shared/filters.js';
import { usageTotals } from '../consumption/queries.js';
import type { Queryable } from '../db/database.js';
import { periodContaining } from '../ledger/periods.js';
import type { BillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { band } from './band.js';
import { monthLengths } from './choose-model.js';
import { creditsPerInvitation, loadHistory, loadLedgerState, openInvitations } from './load.js';
import { cachedChoice } from './model-cache.js';
import { RECENT_DAYS } from './models/recent-mean.js';
import { type SimulationResult, simulateLedger } from './runway.js';

/** Months of history the answer carries for the chart. */
const HISTORY_SHOWN = 36;

/** Everything the Forecast view shows: the contract's answer, as the server builds it. */
export type Forecast = z.output<typeof ForecastSchema>;

const round1 = (x: number) => Math.round(x * 10) / 10;
const monthName = (date: string) => date.slice(0, 7);

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
 * With a filter (docs/product.md, Filters) the projection, the model, the backtest and the
 * completion rate are the matching interviews'; the runway and the period end, which are about the
 * balance, stay the tenant's.
 */
export async function computeForecast(
  tx: Queryable,
  ctx: BillingContext,
  now: Date,
  months: number,
  filter: UsageFilter = NO_FILTER,
): Promise<Forecast> {
  const scoped = await forecastOf(tx, ctx, now, months, filter);
  if (!isFiltered(filter)) return scoped;
  const tenant = await forecastOf(tx, ctx, now, months, NO_FILTER);
  return { ...scoped, runway: tenant.runway, endOfPeriod: tenant.endOfPeriod };
}

async function forecastOf(
  tx: Queryable,
  ctx: BillingContext,
  now: Date,
  months: number,
  filter: UsageFilter,
): Promise<Forecast> {
  const { tenantId, timeZone: tz } = ctx;
  const today = localDate(now, tz);
  const currentMonth = startOfMonth(today);
  const history = await loadHistory(tx, tenantId, today, filter);

  const values = history.months.map((m) => m.credits);
  const daysOfHistory = history.firstDay === null ? 0 : Math.max(0, daysBetween(history.firstDay, today));
  const days: number[] = [];
  for (let i = Math.min(RECENT_DAYS, daysOfHistory); i >= 1; i--) {
    days.push(history.daily.get(addDays(today, -i)) ?? 0);
  }

  const monthStarts = Array.from({ length: HORIZON_MONTHS + 1 }, (_, k) => addMonthsClamped(currentMonth, k));
  const choice = cachedChoice(
    isFiltered(filter) ? `${tenantId}?${new URLSearchParams(filterParams(filter))}` : tenantId,
    {
      months: values,
      firstMonth: history.months[0]?.month ?? currentMonth,
      days,
      daysOfHistory,
      ...(history.truncated && history.firstDay ? { usageBegan: history.firstDay } : {}),
    },
    monthLengths(currentMonth, HORIZON_MONTHS + 1),
  );
  const whole = choice.steps.map(band);

  // The current month: what was used so far, plus the projection for the share of it still to come.
  const monthStartAt = startOfLocalDate(currentMonth, tz).getTime();
  const monthEndAt = startOfLocalDate(addMonthsClamped(currentMonth, 1), tz).getTime();
  const left = Math.min(1, Math.max(0, (monthEndAt - now.getTime()) / (monthEndAt - monthStartAt)));
  const soFar = history.currentMonthSoFar;
  const projected = whole.map((b, k) =>
    k === 0
      ? { credits: soFar + b.credits * left, lower: soFar + b.lower * left, upper: soFar + b.upper * left }
      : b,
  );

  const perInvitation = await creditsPerInvitation(tx, tenantId, today, filter);
  const invitations = await openInvitations(tx, tenantId, today);
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
    history: history.months
      .slice(-HISTORY_SHOWN)
      .map((m) => ({ month: monthName(m.month), credits: m.credits })),
    model: {
      name: choice.name,
      candidate: choice.candidate,
      reason: choice.reason,
      band: choice.band,
      candidates: choice.candidates,
    },
    backtest: choice.backtest,
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
