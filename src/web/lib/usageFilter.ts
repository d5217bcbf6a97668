import { createContext, useContext } from 'react';
import {
  FIXED_FILTERS,
  type FixedFilter,
  filterParams,
  readFilter,
  type UsageFilter,
} from '../../shared/filters';

/**
 * The Consumption page's filters (docs/product.md, Filters), kept in its URL under the API's own
 * parameter names (recruiterId, department, location, tag.<key>) and given to every usage query
 * of the page through UsageFilterContext; elsewhere (the Credits page) usage is unfiltered.
 */
export const UsageFilterContext = createContext<Record<string, string>>({});

/** The query parameters of the filters in force around the caller ({} for none). */
export const useUsageFilter = () => useContext(UsageFilterContext);

/** The filters of a URL's parameters; malformed ones are left out. */
export function filterOfSearch(params: URLSearchParams): UsageFilter {
  const query: Record<string, string> = {};
  for (const [k, v] of params)
    if ((FIXED_FILTERS as readonly string[]).includes(k) || k.startsWith('tag.')) query[k] = v;
  const reading = readFilter(query);
  if (reading.ok) return reading.filter;
  // One bad tag parameter drops the tags, not the whole page.
  const fixed = readFilter(Object.fromEntries(Object.entries(query).filter(([k]) => !k.startsWith('tag.'))));
  return fixed.ok ? fixed.filter : { tags: {} };
}

export const FIXED_FILTER_LABELS: Record<FixedFilter, string> = {
  recruiterId: 'Recruiter',
  department: 'Department',
  location: 'Location',
};

export interface FilterChip {
  /** The URL parameter: recruiterId, department, location or tag.<key>. */
  param: string;
  /** "Department", "Tag team". */
  label: string;
  value: string;
}

/** The chips of the filters in force, in a fixed order. */
export function chipsOf(filter: UsageFilter): FilterChip[] {
  return Object.entries(filterParams(filter)).map(([param, value]) => ({
    param,
    label: param.startsWith('tag.') ? `Tag ${param.slice(4)}` : FIXED_FILTER_LABELS[param as FixedFilter],
    value,
  }));
}
