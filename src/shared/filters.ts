import { AttributeValue, MAX_TAGS, TAG_KEY_PATTERN } from './attribution.js';

/**
 * Filters on usage (docs/product.md, Filters): the interviews holding every value given. The query
 * parameters are `recruiterId`, `department`, `location` and `tag.<key>`; the console keeps the same
 * names in its URL.
 */
export interface UsageFilter {
  recruiterId?: string;
  department?: string;
  location?: string;
  /** Tag key → value. */
  tags: Record<string, string>;
}

export const FIXED_FILTERS = ['recruiterId', 'department', 'location'] as const;
export type FixedFilter = (typeof FIXED_FILTERS)[number];

/** The query parameter of a tag filter. */
export const TAG_FILTER_PREFIX = 'tag.';
export const tagFilterParam = (key: string) => `${TAG_FILTER_PREFIX}${key}`;

export const NO_FILTER: UsageFilter = { tags: {} };

export const isFiltered = (f: UsageFilter) =>
  FIXED_FILTERS.some((k) => f[k] !== undefined) || Object.keys(f.tags).length > 0;

/** Why a query's filters cannot be read, or the filter they make. */
export type FilterReading = { ok: true; filter: UsageFilter } | { ok: false; message: string };

/**
 * The filter of a query's parameters (fixed ones already checked by the route's schema): every
 * `tag.<key>` parameter must name a valid key, once, with a valid value; other parameters are not
 * filters and are left alone.
 */
export function readFilter(query: Record<string, unknown>): FilterReading {
  const filter: UsageFilter = { tags: {} };
  for (const k of FIXED_FILTERS) {
    const v = query[k];
    if (typeof v === 'string') filter[k] = v;
  }
  for (const [param, raw] of Object.entries(query)) {
    if (!param.startsWith(TAG_FILTER_PREFIX)) continue;
    const key = param.slice(TAG_FILTER_PREFIX.length);
    if (!TAG_KEY_PATTERN.test(key))
      return { ok: false, message: `${param}: a tag key is 1 to 40 letters, digits, _ or -.` };
    if (typeof raw !== 'string') return { ok: false, message: `${param} may be given once.` };
    const value = AttributeValue.safeParse(raw);
    if (!value.success) return { ok: false, message: `${param}: a value is 1 to 100 characters.` };
    filter.tags[key] = value.data;
  }
  if (Object.keys(filter.tags).length > MAX_TAGS)
    return { ok: false, message: `At most ${MAX_TAGS} tag filters.` };
  return { ok: true, filter };
}

/** The query parameters of a filter (for links and the console's calls). */
export function filterParams(f: UsageFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FIXED_FILTERS) {
    const v = f[k];
    if (v !== undefined) out[k] = v;
  }
  for (const [key, value] of Object.entries(f.tags)) out[tagFilterParam(key)] = value;
  return out;
}
