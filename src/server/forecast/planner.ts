import { addMonthsClamped, daysBetween, startOfMonth } from '../../shared/calendar.js';

/**
 * The hiring planner of the help article: roles per month × candidates per role × the share of
 * candidates who complete, over some months, is the interviews to expect; each completed
 * interview costs one credit; the buffer (20 % by default) covers hiring beyond the plan.
 */
export interface PlanInput {
  roles: number;
  candidates: number;
  /** Share of invited candidates who complete, 0..1. */
  completion: number;
  months: number;
  /** Extra share on top, 0..1 (0.2 = +20 %). */
  buffer: number;
}

export interface PlanNeeds {
  interviews: number;
  credits: number;
  creditsWithBuffer: number;
}

/** Whole interviews and credits; the buffer rounds up, so the plan never falls short. */
export function planNeeds(input: PlanInput): PlanNeeds {
  const interviews = Math.round(input.roles * input.candidates * input.completion * input.months);
  const credits = interviews;
  return { interviews, credits, creditsWithBuffer: Math.ceil(credits * (1 + input.buffer) - 1e-9) };
}

/**
 * The plan's credits spread evenly over the days from today to the same day `months` later, as
 * the per-calendar-month totals the ledger simulation takes (the first being today's month).
 */
export function planPace(creditsMilli: number, today: string, months: number): number[] {
  const end = addMonthsClamped(today, months);
  const perDay = creditsMilli / daysBetween(today, end);
  const out: number[] = [];
  for (let m = startOfMonth(today); m < end; m = addMonthsClamped(m, 1)) {
    out.push(Math.round(perDay * daysBetween(m, addMonthsClamped(m, 1))));
  }
  return out;
}
