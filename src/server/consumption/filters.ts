import { isFiltered, readFilter, type UsageFilter } from '../../shared/filters.js';
import { DomainError } from '../errors.js';

/**
 * Filters on usage in SQL (docs/product.md, Filters). Unfiltered usage is read from the daily rollups
 * as ever; filtered usage from the rollup by attribution set (migration 014), summed over the sets
 * holding every value asked for.
 */

/** The filter of a request's query parameters; 400 invalid_filter when a `tag.<key>` one is malformed. */
export function filterOfQuery(query: object): UsageFilter {
  const reading = readFilter(query as Record<string, unknown>);
  if (!reading.ok) throw new DomainError('invalid_filter', reading.message);
  return reading.filter;
}

/** Appends a value to a statement's parameters and gives its placeholder. */
export type Bind = (value: unknown) => string;

export function binder(params: unknown[]): Bind {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

/** The condition on `attribution_sets s` that the set holds every value of the filter. */
export function setMatches(filter: UsageFilter, bind: Bind): string {
  const conditions: string[] = [];
  if (filter.recruiterId !== undefined) conditions.push(`s.recruiter_id = ${bind(filter.recruiterId)}`);
  if (filter.department !== undefined) conditions.push(`s.department = ${bind(filter.department)}`);
  if (filter.location !== undefined) conditions.push(`s.location = ${bind(filter.location)}`);
  if (Object.keys(filter.tags).length > 0)
    conditions.push(`s.tags @> ${bind(JSON.stringify(filter.tags))}::jsonb`);
  return conditions.length === 0 ? 'true' : conditions.join(' and ');
}

/**
 * The daily usage rows a filter selects, to read as `from ${usageRows(…)} u where u.tenant_id = $1
 * and u.day …` (the tenant id being the statement's first parameter): per local day (`tenant`: per
 * set and day when filtered), or per opening and local day (`opening`, with opening_id). Counters
 * are those of the daily rollups.
 */
export function usageRows(grain: 'tenant' | 'opening', filter: UsageFilter, bind: Bind): string {
  if (!isFiltered(filter)) return grain === 'tenant' ? 'tenant_daily_usage' : 'daily_usage';
  return `(select * from ${grain === 'tenant' ? 'attribution_set_daily_usage' : 'attribution_daily_usage'}
            where tenant_id = $1
              and set_id in (select s.set_id from attribution_sets s where s.tenant_id = $1 and ${setMatches(filter, bind)}))`;
}
