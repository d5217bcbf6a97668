import type { UsageCounts } from '../../shared/metrics.js';
import type { DateRange } from '../consumption/range.js';
import { cursorRows } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import { countsFromRow } from '../metering/rollup.js';

export interface ExportRow {
  /** Local date, YYYY-MM-DD. */
  day: string;
  openingId: string;
  jobTitle: string;
  /** Distinct candidates active on that day for that opening (see CANDIDATE_COUNT_DEFINITION). */
  candidates: number;
  counts: UsageCounts;
}

/**
 * One row per local day and opening with activity in the range, by day then opening id. The
 * counts are the daily_usage rollup rows the console's openings table sums, so the file's
 * columns add up to the console's figures; the candidate count is the rollup's distinct
 * candidates of that opening and day (metering/rollup.ts, addCandidateDays).
 */
const ROWS_SQL = `
  select to_char(u.day, 'YYYY-MM-DD') as day, u.opening_id, o.job_title, u.candidates,
         u.invited, u.started, u.completed, u.partially_completed, u.expired, u.cancelled, u.simulations,
         u.credits_milli
    from daily_usage u
    join openings o on o.tenant_id = u.tenant_id and o.id = u.opening_id
   where u.tenant_id = $1 and u.day between $2::date and $3::date
     and (u.invited, u.started, u.completed, u.partially_completed, u.expired, u.cancelled, u.simulations,
          u.credits_milli) <> (0, 0, 0, 0, 0, 0, 0, 0)
   order by u.day, u.opening_id`;

/** The export's rows in batches, read through a cursor: never all of them in memory. */
export async function* exportRows(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  batchSize?: number,
): AsyncGenerator<ExportRow[]> {
  const params = [tenantId, range.from, range.to];
  for await (const batch of cursorRows(tx, ROWS_SQL, params, batchSize)) {
    yield batch.map((r) => ({
      day: r.day as string,
      openingId: r.opening_id as string,
      jobTitle: r.job_title as string,
      candidates: Number(r.candidates),
      counts: countsFromRow(r),
    }));
  }
}
