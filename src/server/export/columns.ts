import { EXPORT_FORMATS, type ExportFormat } from '../../shared/contract/export.js';
import { milliToCredits } from '../../shared/credits.js';
import { METRIC_DEFINITIONS, totalInterviews, type UsageCounts } from '../../shared/metrics.js';
import type { ExportRow } from './rows.js';

export const isExportFormat = (v: unknown): v is ExportFormat =>
  typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);

/** How a column's cells are typed in the .xlsx (CSV writes them all as text). */
export type ColumnKind = 'date' | 'text' | 'count' | 'credits';

export interface ExportColumn {
  header: string;
  kind: ColumnKind;
  /** Width in characters in the .xlsx. */
  width: number;
  /** The cell: a local date (YYYY-MM-DD), user text (neutralised by the writers), or a number. */
  value(row: ExportRow): string | number;
}

const expiredOrCancelled = (c: UsageCounts) => c.expired + c.cancelled;

/** The file's columns, in order: the help article's fields, with the status breakdown spread out. */
export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  { header: 'Date', kind: 'date', width: 12, value: (r) => r.day },
  { header: 'Opening ID', kind: 'text', width: 18, value: (r) => r.openingId },
  { header: 'Job title', kind: 'text', width: 36, value: (r) => r.jobTitle },
  { header: 'Recruiter ID', kind: 'text', width: 16, value: (r) => r.recruiterId ?? '' },
  { header: 'Recruiter', kind: 'text', width: 24, value: (r) => r.recruiterName ?? r.recruiterId ?? '' },
  { header: 'Department', kind: 'text', width: 20, value: (r) => r.department ?? '' },
  { header: 'Location', kind: 'text', width: 20, value: (r) => r.location ?? '' },
  { header: 'Candidate count', kind: 'count', width: 16, value: (r) => r.candidates ?? '' },
  { header: 'Credits used', kind: 'credits', width: 13, value: (r) => milliToCredits(r.counts.creditsMilli) },
  { header: 'Invited', kind: 'count', width: 10, value: (r) => r.counts.invited },
  { header: 'Started', kind: 'count', width: 10, value: (r) => r.counts.started },
  { header: 'Completed', kind: 'count', width: 11, value: (r) => r.counts.completed },
  { header: 'Partially completed', kind: 'count', width: 19, value: (r) => r.counts.partiallyCompleted },
  { header: 'Expired or cancelled', kind: 'count', width: 20, value: (r) => expiredOrCancelled(r.counts) },
  { header: 'Simulations', kind: 'count', width: 12, value: (r) => r.counts.simulations },
];

export const DAY_DEFINITION =
  'Each count is on the local date (in the tenant’s time zone) it happened: invitations on the invitation day, starts on the start day, completions, partial completions and their credits on the day the interview ended, expiries and cancellations on their day — the same days the console counts them on.';

/** The totals sheet: the figure, its value and its definition (the console's where it shows the figure). */
export function totalsTable(totals: UsageCounts): { figure: string; value: number; definition: string }[] {
  return [
    {
      figure: 'Total interviews',
      value: totalInterviews(totals),
      definition: METRIC_DEFINITIONS.totalInterviews,
    },
    {
      figure: 'Credits used',
      value: milliToCredits(totals.creditsMilli),
      definition: METRIC_DEFINITIONS.creditsUsed,
    },
    { figure: 'Invited', value: totals.invited, definition: METRIC_DEFINITIONS.invited },
    { figure: 'Started', value: totals.started, definition: 'Interviews started in the range.' },
    { figure: 'Completed', value: totals.completed, definition: METRIC_DEFINITIONS.completed },
    {
      figure: 'Partially completed',
      value: totals.partiallyCompleted,
      definition: METRIC_DEFINITIONS.partiallyCompleted,
    },
    {
      figure: 'Expired or cancelled',
      value: expiredOrCancelled(totals),
      definition: 'Invitations that expired or were cancelled before the interview started, in the range.',
    },
    { figure: 'Simulations', value: totals.simulations, definition: METRIC_DEFINITIONS.simulations },
  ];
}

export const CANDIDATE_COUNT_DEFINITION =
  'Candidate count (per row): the distinct candidates with an interview for that opening that was invited, started, ended, expired or was cancelled on that date; simulations are not counted. A candidate active on several dates counts on each, so the column does not add up to a number of people. It is blank on a row holding only part of the opening’s date: when its interviews are split between recruiters, departments or locations, or when filters leave some out.';

export const ROW_GRAIN_DEFINITION =
  'One row per date, opening, recruiter, department and location with activity: an opening whose interviews on a date have two recruiters has two rows for that date, and its interviews without recruiter, department and location are one row with those columns blank. Tags are not columns; a tag filter keeps the rows of the interviews holding it.';
