import type { RowFigure } from '../../shared/contract/index';

/** The name of each figure of an opening's row: the openings table's column heads and the drawer's totals. */
export const ROW_FIGURE_LABELS: Record<RowFigure, string> = {
  invited: 'Interviews Invited',
  completed: 'Interviews Completed',
  partiallyCompleted: 'Partially Completed',
  simulations: 'Simulations',
  creditsUsed: 'Credits Used',
};

/** The same figures as short tags, for an interview's "counted in". */
export const ROW_FIGURE_TAGS: Record<RowFigure, string> = {
  invited: 'Invited',
  completed: 'Completed',
  partiallyCompleted: 'Partial',
  simulations: 'Simulation',
  creditsUsed: 'Credits',
};

/** A totals row's share of the credits used: all of them, or none when nothing was used. */
export const totalShare = (creditsUsed: number) => (creditsUsed > 0 ? 1 : 0);
