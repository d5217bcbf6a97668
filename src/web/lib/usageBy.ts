import {
  DIMENSION_PATTERN,
  type Dimension,
  FIXED_DIMENSIONS,
  type FixedDimension,
} from '../../shared/attribution';

/** What the Consumption page's usage table is cut by: openings, or an attribute of the interviews. */
export type UsageBy = 'opening' | Dimension;

const DIMENSION_LABELS: Record<FixedDimension, string> = {
  recruiter: 'Recruiter',
  department: 'Department',
  location: 'Location',
};

/** The "Usage by" switch's fixed choices, in order; the tenant's tag keys follow (usageByChoices). */
export const USAGE_BY: readonly { value: UsageBy; label: string }[] = [
  { value: 'opening', label: 'Opening' },
  ...FIXED_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] })),
];

/** The switch's choices: the fixed ones, then a tag key each (from GET /api/v1/consumption/attributes). */
export const usageByChoices = (tagKeys: readonly string[]): { value: UsageBy; label: string }[] => [
  ...USAGE_BY,
  ...tagKeys.map((k) => ({ value: `tag:${k}` as const, label: `Tag ${k}` })),
];

/** The choice a `by` query parameter names (a tag as `tag:<key>`); openings for anything else. */
export const usageByOf = (param: string | null): UsageBy =>
  USAGE_BY.find((o) => o.value === param)?.value ??
  (param?.startsWith('tag:') && DIMENSION_PATTERN.test(param) ? (param as Dimension) : 'opening');

/** The name of a choice: the first column's head and the end of the card's title. */
export const usageByLabel = (by: UsageBy): string =>
  by.startsWith('tag:') ? `Tag ${by.slice(4)}` : (USAGE_BY.find((o) => o.value === by)?.label ?? by);
