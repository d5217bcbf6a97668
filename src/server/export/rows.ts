import { addDays, startOfLocalDate } from '../../shared/calendar.js';
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
 * One row per local day and opening with activity in the range, by day then opening id.
 * The counts are the daily_usage rollup rows the console's openings table sums, so the file's
 * columns add up to the console's figures. The rollups cannot say how many distinct candidates
 * a row's counts are about, so that comes from the interviews themselves: each interview is
 * placed on the local days of the milestones the rollups count it on (rollup.ts,
 * addContribution), and candidates are counted distinct per opening and day. An interview with
 * no candidate id counts as a candidate of its own.
 */
const ROWS_SQL = `
  with activity as (
    select distinct i.opening_id, (m.at at time zone $4)::date as day, coalesce(i.candidate_id, '#' || i.id) as who
      from interviews i
      cross join lateral (values
        (i.invited_at),
        (i.started_at),
        (case when i.state in ('completed', 'partially_completed')
              then coalesce(i.completed_at, i.ended_at, least(i.expired_at, i.cancelled_at)) end),
        (case when i.state = 'expired' then i.expired_at end),
        (case when i.state = 'cancelled' then i.cancelled_at end)
      ) as m(at)
     where i.tenant_id = $1 and not i.is_simulation and i.invited_at < $6 and m.at >= $5 and m.at < $6
  ), candidates as (
    select opening_id, day, count(*)::int as n from activity group by opening_id, day
  )
  select to_char(u.day, 'YYYY-MM-DD') as day, u.opening_id, o.job_title, coalesce(c.n, 0) as candidates,
         u.invited, u.started, u.completed, u.partially_completed, u.expired, u.cancelled, u.simulations,
         u.credits_milli
    from daily_usage u
    join openings o on o.tenant_id = u.tenant_id and o.id = u.opening_id
    left join candidates c on c.opening_id = u.opening_id and c.day = u.day
   where u.tenant_id = $1 and u.day between $2::date and $3::date
     and (u.invited, u.started, u.completed, u.partially_completed, u.expired, u.cancelled, u.simulations,
          u.credits_milli) <> (0, 0, 0, 0, 0, 0, 0, 0)
   order by u.day, u.opening_id`;

/** The export's rows in batches, read through a cursor: never all of them in memory. */
export async function* exportRows(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  timeZone: string,
  batchSize?: number,
): AsyncGenerator<ExportRow[]> {
  const params = [
    tenantId,
    range.from,
    range.to,
    timeZone,
    startOfLocalDate(range.from, timeZone),
    startOfLocalDate(addDays(range.to, 1), timeZone),
  ];
  // For this transaction only: room for the candidate count's hash aggregation of a large
  // tenant's interviews, which would otherwise spill to disk in many passes; and no JIT, whose
  // compilation of this query cost more than it saved.
  await tx.query(`set local work_mem = '64MB'`);
  await tx.query('set local jit = off');
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
