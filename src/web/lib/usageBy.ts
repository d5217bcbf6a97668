import { FIXED_DIMENSIONS, type FixedDimension } from '../../shared/attribution';

/** What the Consumption page's usage table is cut by: openings, or an attribute of the interviews. */
export type UsageBy = 'opening' | FixedDimension;

const DIMENSION_LABELS: Record<FixedDimension, string> = {
  recruiter: 'Recruiter',
  department: 'Department',
  location: 'Location',
};

/**
 * The "Usage by" switch's choices, in order. Tags are not offered: no route lists a tenant's tag
 * keys, and a key cannot be guessed.
 */
export const USAGE_BY: readonly { value: UsageBy; label: string }[] = [
  { value: 'opening', label: 'Opening' },
  ...FIXED_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] })),
];

/** The choice a `by` query parameter names; openings for anything else, as before the switch. */
export const usageByOf = (param: string | null): UsageBy =>
  USAGE_BY.find((o) => o.value === param)?.value ?? 'opening';

/** The name of a choice: the first column's head and the end of the card's title. */
export const usageByLabel = (by: UsageBy): string => USAGE_BY.find((o) => o.value === by)?.label ?? by;
