/**
 * The definitions of every figure the console, the API, the export and the CLI show.
 * The server computes them from these rules only; the web app shows these texts on hover.
 */
import { USAGE_COUNTERS, type UsageCounter } from './contract/consumption.js';

/** A range's counts (the rollups' counters) and the credits used, in thousandths. */
export type UsageCounts = Record<UsageCounter, number> & { creditsMilli: number };

export const USAGE_COUNT_KEYS = [...USAGE_COUNTERS, 'creditsMilli'] as const;

const NO_USAGE = Object.fromEntries(USAGE_COUNT_KEYS.map((k) => [k, 0])) as UsageCounts;

export const emptyUsageCounts = (): UsageCounts => ({ ...NO_USAGE });

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
  valueShare:
    'This recruiter’s, department’s or location’s share of the credits used in the range; “(none)” is the usage of interviews without one.',
} as const;
