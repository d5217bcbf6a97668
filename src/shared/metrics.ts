/**
 * The definitions of every figure the console, the API, the export and the CLI show.
 * The server computes them from these rules only; the web app shows these texts on hover.
 */
export interface UsageCounts {
  invited: number;
  started: number;
  completed: number;
  partiallyCompleted: number;
  expired: number;
  cancelled: number;
  simulations: number;
  creditsMilli: number;
}

export const USAGE_COUNT_KEYS = [
  'invited',
  'started',
  'completed',
  'partiallyCompleted',
  'expired',
  'cancelled',
  'simulations',
  'creditsMilli',
] as const satisfies readonly (keyof UsageCounts)[];

export const emptyUsageCounts = (): UsageCounts => ({
  invited: 0,
  started: 0,
  completed: 0,
  partiallyCompleted: 0,
  expired: 0,
  cancelled: 0,
  simulations: 0,
  creditsMilli: 0,
});

/** Interviews conducted: reached completed or partially completed; simulations excluded. */
export const totalInterviews = (c: Pick<UsageCounts, 'completed' | 'partiallyCompleted'>) =>
  c.completed + c.partiallyCompleted;

export const METRIC_DEFINITIONS = {
  totalInterviews:
    'Interviews conducted: those that reached completed or partially completed in the range. Simulations are not counted.',
  creditsUsed:
    'Credits consumed in the range, net of reversals: 1 per completed interview, partial interviews by the plan’s rule, nothing for invitations, expired or cancelled interviews and simulations.',
  remainingBalance:
    'Credits available now across every unexpired lot (period grant, rollover, purchases), less any overage.',
  allotment: 'The credits your plan grants each billing period.',
  usageTrend:
    'Credits used per day over the range (solid), against the range before it of equal length (dashed).',
  invited: 'Candidates invited to an interview in the range (counted on the invitation day).',
  completed: 'Interviews completed in the range.',
  partiallyCompleted: 'Interviews that ended before the end in the range; charged by the share answered.',
  simulations: 'Practice runs by your own staff. Recorded, never charged.',
  share: 'This opening’s share of the credits used in the range.',
} as const;

/** The states an interview can be in (docs/product.md, Interview states). */
export const INTERVIEW_STATES = [
  'invited',
  'started',
  'completed',
  'partially_completed',
  'expired',
  'cancelled',
] as const;
export type InterviewState = (typeof INTERVIEW_STATES)[number];

/** What an opening's interviews can be filtered by: a state, or simulation runs. */
export const INTERVIEW_FILTERS = [...INTERVIEW_STATES, 'simulation'] as const;
