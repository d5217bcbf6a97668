import type { UsageCounts } from '../../shared/metrics.js';
import type { DateRange } from '../consumption/range.js';
import { type Cursor, openCursor } from '../db/cursor.js';
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

/** The export's rows, a batch at a time through a cursor (see cursor.ts): never all of them in memory. */
export async function openExportRows(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  batchSize?: number,
): Promise<Cursor<ExportRow>> {
  // No JIT for this transaction: its compilation of this query cost more than it saved.
  await tx.query('set local jit = off');
  const cursor = await openCursor(tx, ROWS_SQL, [tenantId, range.from, range.to], batchSize);
  return {
    async next() {
      const fetched = await cursor.next();
      const rows = fetched.map((r) => ({
        day: r.day as string,
        openingId: r.opening_id as string,
        jobTitle: r.job_title as string,
        candidates: Number(r.candidates),
        counts: countsFromRow(r),
      }));
      // Emptied, not just dropped: see "taken" in writer.ts.
      fetched.length = 0;
      return rows;
    },
    close: () => cursor.close(),
  };
}
