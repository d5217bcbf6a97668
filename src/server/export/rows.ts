import { isFiltered, type UsageFilter } from '../../shared/filters.js';
import type { UsageCounts } from '../../shared/metrics.js';
import { binder, setMatches } from '../consumption/filters.js';
import type { DateRange } from '../consumption/range.js';
import { type Cursor, openCursor } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import { COUNTER_COLUMNS, countsFromRow } from '../metering/rollup.js';

export interface ExportRow {
  /** Local date, YYYY-MM-DD. */
  day: string;
  openingId: string;
  jobTitle: string;
  /** The interviews' recruiter, department and location; null for those without one. */
  recruiterId: string | null;
  /** The recruiter's latest name (as in the breakdown), else null. */
  recruiterName: string | null;
  department: string | null;
  location: string | null;
  /**
   * Distinct candidates active on that day for that opening (see CANDIDATE_COUNT_DEFINITION); null
   * when the row holds only part of the opening's day (split by attribution, or cut by a filter).
   */
  candidates: number | null;
  counts: UsageCounts;
}

const COUNTERS = Object.values(COUNTER_COLUMNS);
const sums = (from: string) => COUNTERS.map((c) => `sum(${from}.${c})::bigint as ${c}`).join(', ');

/**
 * One row per local day, opening, recruiter, department and location with activity in the range
 * (docs/product.md, Export), by day, opening, recruiter, department then location. Attributed
 * usage comes from the rollup by attribution set (tags summed over); unfiltered, the rest of each
 * opening's day (the daily_usage row less its attributed parts) is the row without recruiter,
 * department and location, so the file's columns add up to the console's figures either way. A
 * row has the day's candidate count (daily_usage.candidates) when its counts are the whole day's:
 * with every counter equal, no other interview was active on that day (each adds at least one).
 */
export function exportRowsSql(filter: UsageFilter, bind: ReturnType<typeof binder>): string {
  const filtered = isFiltered(filter);
  const attributed = `
    select u.day, u.opening_id, s.recruiter_id, s.department, s.location, ${sums('u')}
      from attribution_daily_usage u
      join attribution_sets s on s.tenant_id = u.tenant_id and s.set_id = u.set_id
     where u.tenant_id = $1 and u.day between $2::date and $3::date
       and ${filtered ? setMatches(filter, bind) : '(s.recruiter_id is not null or s.department is not null or s.location is not null)'}
     group by u.day, u.opening_id, s.recruiter_id, s.department, s.location`;
  const rest = `
    select d.day, d.opening_id, null::text, null::text, null::text,
           ${COUNTERS.map((c) => `d.${c} - coalesce(t.${c}, 0) as ${c}`).join(', ')}
      from daily_usage d
      left join (select day, opening_id, ${sums('a')} from a group by day, opening_id) t
        on t.day = d.day and t.opening_id = d.opening_id
     where d.tenant_id = $1 and d.day between $2::date and $3::date`;
  return `
    with a as (${attributed}),
    parts as (${filtered ? 'select * from a' : `select * from a union all ${rest}`})
    select to_char(p.day, 'YYYY-MM-DD') as day, p.opening_id, o.job_title, p.recruiter_id, r.name as recruiter_name,
           p.department, p.location,
           case when (${COUNTERS.map((c) => `p.${c}`).join(', ')}) = (${COUNTERS.map((c) => `d.${c}`).join(', ')})
                then d.candidates end as candidates,
           ${COUNTERS.map((c) => `p.${c}`).join(', ')}
      from parts p
      join daily_usage d on d.tenant_id = $1 and d.day = p.day and d.opening_id = p.opening_id
      join openings o on o.tenant_id = $1 and o.id = p.opening_id
      left join recruiters r on r.tenant_id = $1 and r.id = p.recruiter_id
     where (${COUNTERS.map((c) => `p.${c}`).join(', ')}) <> (${COUNTERS.map(() => '0').join(', ')})
     order by p.day, p.opening_id, p.recruiter_id, p.department, p.location`;
}

/** The export's rows, a batch at a time through a cursor (see cursor.ts): never all of them in memory. */
export async function openExportRows(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  filter: UsageFilter,
  batchSize?: number,
): Promise<Cursor<ExportRow>> {
  // No JIT for this transaction: its compilation of this query cost more than it saved.
  await tx.query('set local jit = off');
  const params: unknown[] = [tenantId, range.from, range.to];
  const sql = exportRowsSql(filter, binder(params));
  const cursor = await openCursor(tx, sql, params, batchSize);
  return {
    async next() {
      const fetched = await cursor.next();
      const rows = fetched.map((r) => ({
        day: r.day as string,
        openingId: r.opening_id as string,
        jobTitle: r.job_title as string,
        recruiterId: (r.recruiter_id as string | null) ?? null,
        recruiterName: (r.recruiter_name as string | null) ?? null,
        department: (r.department as string | null) ?? null,
        location: (r.location as string | null) ?? null,
        candidates: r.candidates === null ? null : Number(r.candidates),
        counts: countsFromRow(r),
      }));
      // Emptied, not just dropped: see "taken" in writer.ts.
      fetched.length = 0;
      return rows;
    },
    close: () => cursor.close(),
  };
}
