import { NO_ATTRIBUTE_LABEL } from '../../shared/attribution.js';
import { USAGE_COUNT_KEYS, type UsageCounts } from '../../shared/metrics.js';
import type { ValueUsage } from './queries.js';

export interface BreakdownRow extends UsageCounts {
  key: string | null;
  label: string;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The items of a breakdown (docs/product.md, Attribution): one per value with usage in the range,
 * labelled by the recruiter's name where there is one, and the usage without the attribute (the
 * range's totals less the values', since only attributed usage is rolled up) as `key: null` when
 * it holds anything. Most credits first, then by label, then by key (none last), so the order is
 * total.
 */
export function breakdownRows(values: ValueUsage[], totals: UsageCounts): BreakdownRow[] {
  const none: BreakdownRow = { key: null, label: NO_ATTRIBUTE_LABEL, ...totals };
  const rows: BreakdownRow[] = values.map(({ value, name, ...counts }) => {
    for (const k of USAGE_COUNT_KEYS) none[k] -= counts[k];
    return { key: value, label: name ?? value, ...counts };
  });
  if (USAGE_COUNT_KEYS.some((k) => none[k] !== 0)) rows.push(none);
  return rows.sort(
    (a, b) =>
      b.creditsMilli - a.creditsMilli ||
      byText(a.label, b.label) ||
      (a.key === null ? 1 : b.key === null ? -1 : byText(a.key, b.key)),
  );
}
