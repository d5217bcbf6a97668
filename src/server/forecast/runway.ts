import {
  addDays,
  addMonthsClamped,
  calendarMonthsBetween,
  daysBetween,
  localDate,
  startOfLocalDate,
  startOfMonth,
} from '../../shared/calendar.js';
import { PERIOD_LOT_KINDS } from '../ledger/close.js';
import { allocateDraw, type OpenLot, sortForDrawing } from '../ledger/lots.js';
import { periodContaining } from '../ledger/periods.js';
import { periodByIndex, periodIndexOf } from '../ledger/periods-store.js';
import type { BillingContext } from '../ledger/plans.js';
import { overageSettlement } from '../ledger/postings.js';
import { planRollover } from '../ledger/rules.js';

/** An open lot as the simulation carries it: the draw rule's view plus its kind. */
export interface SimLot extends OpenLot {
  kind: string;
}

export interface SimulationInput {
  ctx: BillingContext;
  now: Date;
  lots: readonly SimLot[];
  overageMilli: number;
  /** Projected usage (milli) of each whole calendar month, the first being the current month. */
  monthly: readonly number[];
  /** Credits (milli) expected from open invitations: a floor on the first week's usage. */
  pipelineMilli: number;
  horizonMonths: number;
  /**
   * Adds a lot without limit or expiry, drawn after every other (the ledger draws the lot that
   * expires last, last): what is drawn from it is what the tenant would have to buy.
   */
  topUp?: boolean;
}

export interface SimulationResult {
  /** The local date on which the balance runs out, or null when it lasts past the horizon. */
  runOut: string | null;
  /** The first local date after the horizon. */
  horizonEnd: string;
  /** From now to the current billing period's end. */
  period: { usedMilli: number; expiredMilli: number; rolledMilli: number };
  /** Credits that expire unused before the horizon. */
  expiredMilli: number;
  /** Credits granted (period grants) and rolled over at period ends before the horizon. */
  grantedMilli: number;
  rolledMilli: number;
  /** Credits drawn from the top-up lot: what would have to be bought. */
  shortfallMilli: number;
}

export const PIPELINE_DAYS = 7;
const SIM_ACTOR = 'forecast';

/**
 * Plays the ledger forward a day at a time at a projected pace, with the ledger's own rules:
 * draws from the lot that expires first (sortForDrawing, allocateDraw), at each billing period's
 * end the plan's expiry and rollover (planRollover) and the next grant, which settles any overage
 * first (overageSettlement), and purchased credits lapsing on their dates. The balance runs out
 * on the first day a draw finds no credits left.
 */
export function simulateLedger(input: SimulationInput): SimulationResult {
  const { ctx, now } = input;
  const tz = ctx.timeZone;
  const today = localDate(now, tz);
  const horizonEnd = addMonthsClamped(today, input.horizonMonths);
  const horizonAt = startOfLocalDate(horizonEnd, tz).getTime();
  const lots: SimLot[] = input.lots.map((l) => ({ ...l }));
  const account = { tenantId: ctx.tenantId, balanceMilli: 0, overageMilli: input.overageMilli };
  let period = periodContaining(ctx.anchor, ctx.plan.periodUnit, tz, now);
  const firstPeriodEnd = period.end.getTime();
  const result: SimulationResult = {
    runOut: account.overageMilli > 0 ? today : null,
    horizonEnd,
    period: { usedMilli: 0, expiredMilli: 0, rolledMilli: 0 },
    expiredMilli: 0,
    grantedMilli: 0,
    rolledMilli: 0,
    shortfallMilli: 0,
  };
  const TOP_UP = Number.MAX_SAFE_INTEGER;
  if (input.topUp) {
    lots.push({
      id: 'top-up',
      kind: 'purchase',
      remainingMilli: TOP_UP,
      expiresAt: null,
      grantedAt: 0,
      originAt: 0,
    });
  }
  let lotCounter = 0;

  const expire = (lot: SimLot, milli: number, at: number) => {
    lot.remainingMilli -= milli;
    if (at < horizonAt) result.expiredMilli += milli;
    if (at <= firstPeriodEnd) result.period.expiredMilli += milli;
  };
  const credit = (lot: Omit<SimLot, 'id' | 'remainingMilli'>, amountMilli: number, at: number) => {
    const id = `sim-${++lotCounter}`;
    const settled = overageSettlement(account, id, amountMilli, new Date(at), SIM_ACTOR)
      .filter((e) => e.lotId === id)
      .reduce((sum, e) => sum - e.amountMilli, 0);
    account.overageMilli -= settled;
    lots.push({ ...lot, id, remainingMilli: amountMilli - settled });
  };

  /** closeDuePeriods' close and open, on the simulated lots. */
  const closePeriod = () => {
    const end = period.end.getTime();
    const expiring = lots.filter(
      (l) =>
        PERIOD_LOT_KINDS.includes(l.kind) &&
        l.remainingMilli > 0 &&
        l.expiresAt !== null &&
        l.expiresAt <= end,
    );
    const plan = planRollover(
      expiring.map((l) => ({
        id: l.id,
        remainingMilli: l.remainingMilli,
        originPeriodIndex: Math.min(periodIndexOf(ctx, new Date(l.originAt)), period.index),
      })),
      ctx.plan.rollover,
      ctx.plan.allotmentMilli,
      period.index,
    );
    const byId = new Map(expiring.map((l) => [l.id, l]));
    for (const x of plan.expire) expire(byId.get(x.lotId) as SimLot, x.milli, end);
    const rolled = plan.rollover.reduce((s, r) => s + r.milli, 0);
    if (end < horizonAt) {
      result.expiredMilli -= rolled;
      result.rolledMilli += rolled;
    }
    if (end === firstPeriodEnd) {
      result.period.expiredMilli -= rolled;
      result.period.rolledMilli = rolled;
    }
    const next = periodByIndex(ctx, period.index + 1);
    const nextEnd = next.end.getTime();
    const grantedAt = next.start.getTime();
    for (const r of plan.rollover) {
      const originAt = periodByIndex(ctx, r.originPeriodIndex).start.getTime();
      credit({ kind: 'rollover', expiresAt: nextEnd, grantedAt, originAt }, r.milli, end);
    }
    if (ctx.plan.allotmentMilli > 0) {
      if (end < horizonAt) result.grantedMilli += ctx.plan.allotmentMilli;
      credit(
        { kind: 'grant', expiresAt: nextEnd, grantedAt, originAt: grantedAt },
        ctx.plan.allotmentMilli,
        end,
      );
    }
    period = next;
  };

  const pipelinePerDay = input.pipelineMilli / PIPELINE_DAYS;
  for (let day = today, i = 0; ; day = addDays(day, 1), i++) {
    const dayStart = startOfLocalDate(day, tz).getTime();
    const inHorizon = dayStart < horizonAt;
    if (!inHorizon && dayStart >= firstPeriodEnd) break;
    const t = Math.max(dayStart, now.getTime());
    while (period.end.getTime() <= t) closePeriod();
    for (const lot of lots) {
      if (
        !PERIOD_LOT_KINDS.includes(lot.kind) &&
        lot.expiresAt !== null &&
        lot.expiresAt <= t &&
        lot.remainingMilli > 0
      ) {
        expire(lot, lot.remainingMilli, lot.expiresAt);
      }
    }
    const nextStart = startOfLocalDate(addDays(day, 1), tz).getTime();
    const share = (nextStart - t) / (nextStart - dayStart);
    const month = calendarMonthsBetween(today, day);
    const monthStart = startOfMonth(day);
    const monthDays = daysBetween(monthStart, addMonthsClamped(monthStart, 1));
    // Past the horizon the days only carry the ledger to the current period's end: no usage.
    const pace = inHorizon ? ((input.monthly[month] ?? 0) / monthDays) * share : 0;
    const milli = Math.round(Math.max(pace, inHorizon && i < PIPELINE_DAYS ? pipelinePerDay * share : 0));
    if (milli <= 0) continue;
    // allocateDraw takes from the lot objects themselves (sortForDrawing copies the array, not them).
    const draws = allocateDraw(sortForDrawing(lots.filter((l) => l.remainingMilli > 0)), milli);
    const unborne = draws.filter((d) => d.lotId === null).reduce((s, d) => s + d.milli, 0);
    account.overageMilli += unborne;
    if (dayStart < firstPeriodEnd) result.period.usedMilli += milli;
    if (unborne > 0 && result.runOut === null && inHorizon) result.runOut = day;
  }
  const topUp = lots.find((l) => l.id === 'top-up');
  if (topUp) result.shortfallMilli = TOP_UP - topUp.remainingMilli;
  return result;
}
