import type { OpeningRow, OpeningSort } from '../api/types';
import { ROW_FIGURE_LABELS } from '../lib/figures';
import { formatCredits, formatNumber, formatPercent } from '../lib/format';
import type { MetricKey } from './Metric';
import classes from './OpeningsTable.module.css';

/** A column of the usage tables (by opening, and by recruiter, department, location or tag). */
export interface Column {
  key: OpeningSort | 'share';
  label: string;
  /** The header on a narrow card, where the column stays. */
  short?: string;
  metric?: MetricKey;
  numeric: boolean;
  /** Shown on a narrow card too; the others open under their row there. */
  narrow: boolean;
}

export const COLUMNS: Column[] = [
  { key: 'jobTitle', label: 'Job Title', numeric: false, narrow: true },
  { key: 'invited', label: ROW_FIGURE_LABELS.invited, metric: 'invited', numeric: true, narrow: false },
  {
    key: 'completed',
    label: ROW_FIGURE_LABELS.completed,
    short: 'Completed',
    metric: 'completed',
    numeric: true,
    narrow: true,
  },
  {
    key: 'partiallyCompleted',
    label: ROW_FIGURE_LABELS.partiallyCompleted,
    metric: 'partiallyCompleted',
    numeric: true,
    narrow: false,
  },
  {
    key: 'simulations',
    label: ROW_FIGURE_LABELS.simulations,
    metric: 'simulations',
    numeric: true,
    narrow: false,
  },
  {
    key: 'creditsUsed',
    label: ROW_FIGURE_LABELS.creditsUsed,
    metric: 'creditsUsed',
    numeric: true,
    narrow: true,
  },
  { key: 'share', label: 'Share', metric: 'share', numeric: true, narrow: false },
];

export type Figures = Pick<
  OpeningRow,
  'invited' | 'completed' | 'partiallyCompleted' | 'simulations' | 'creditsUsed' | 'share'
>;
export type FigureKey = Exclude<Column['key'], 'jobTitle'>;

export const figure = (f: Figures, key: FigureKey) =>
  key === 'share'
    ? formatPercent(f.share)
    : key === 'creditsUsed'
      ? formatCredits(f.creditsUsed)
      : formatNumber(f[key]);

export const cellClass = (c: Column) =>
  [c.numeric ? classes.figure : classes.title, c.narrow ? undefined : classes.wideOnly]
    .filter(Boolean)
    .join(' ');

/** A column's header text: its label, or its short one on a narrow card where it has one. */
export function ColumnLabel({ column }: { column: Column }) {
  return column.short ? (
    <>
      <span className={classes.long}>{column.label}</span>
      <span className={classes.short}>{column.short}</span>
    </>
  ) : (
    column.label
  );
}
