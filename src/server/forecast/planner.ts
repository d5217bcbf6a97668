/**
 * The hiring planner of the help article: roles per month × candidates per role × the share of
 * candidates who complete, over some months, is the interviews to expect; each completed
 * interview costs one credit; the buffer (20 % by default) covers hiring beyond the plan. Set
 * against what the plan gives over those months (its allotment, and the credits expected to roll
 * over into them), the rest is what to buy.
 */
export interface PlanInput {
  roles: number;
  candidates: number;
  /** Share of invited candidates who complete, 0..1. */
  completion: number;
  months: number;
  /** Extra share on top, 0..1 (0.2 = +20 %). */
  buffer: number;
  /** Credits the plan grants per month over the planned months. */
  allotmentPerMonth: number;
  /** Credits expected to roll over into the planned months. */
  rollover: number;
}

export interface Plan {
  interviews: number;
  credits: number;
  creditsWithBuffer: number;
  /** Allotment over the months plus the expected rollover. */
  available: number;
  toBuy: number;
}

/** Whole interviews and credits; the buffer and what to buy round up, so the plan never falls short. */
export function planCredits(input: PlanInput): Plan {
  const interviews = Math.round(input.roles * input.candidates * input.completion * input.months);
  const credits = interviews;
  const creditsWithBuffer = Math.ceil(credits * (1 + input.buffer) - 1e-9);
  const available = Math.max(0, input.allotmentPerMonth * input.months + input.rollover);
  return {
    interviews,
    credits,
    creditsWithBuffer,
    available: Math.round(available * 1000) / 1000,
    toBuy: Math.max(0, Math.ceil(creditsWithBuffer - available - 1e-9)),
  };
}
