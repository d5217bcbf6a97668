import type {
  Granularity,
  InterviewState,
  OpeningSort,
  SortOrder,
} from '../../shared/contract/consumption.js';
import type { OpeningStatus } from '../../shared/contract/openings.js';
import type { UsageCounts } from '../../shared/metrics.js';
import type { Queryable } from '../db/database.js';
import { countsFromRow } from '../metering/rollup.js';
import type { DateRange } from './range.js';

/**
 * The console's SQL. Every figure comes from the rollups, never from raw events: totals and
 * time series from tenant × day, the openings table from tenant × opening × day.
 */
const SUMS = `coalesce(sum(invited), 0)::int as invited, coalesce(sum(started), 0)::int as started,
  coalesce(sum(completed), 0)::int as completed, coalesce(sum(partially_completed), 0)::int as partially_completed,
  coalesce(sum(expired), 0)::int as expired, coalesce(sum(cancelled), 0)::int as cancelled,
  coalesce(sum(simulations), 0)::int as simulations, coalesce(sum(credits_milli), 0)::bigint as credits_milli`;

export async function usageTotals(tx: Queryable, tenantId: string, range: DateRange): Promise<UsageCounts> {
  const [row] = await tx.query(
    `select ${SUMS} from tenant_daily_usage where tenant_id = $1 and day between $2 and $3`,
    [tenantId, range.from, range.to],
  );
  return countsFromRow(row ?? {});
}

/** Sums per bucket start (a local date); buckets with no rows are absent here and filled by the caller. */
export async function usageByBucket(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  granularity: Granularity,
): Promise<Map<string, UsageCounts>> {
  // date_trunc('week') starts weeks on Monday, as the calendar module does.
  const bucket = granularity === 'day' ? 'day' : `date_trunc('${granularity}', day)::date`;
  const rows = await tx.query(
    `select to_char(${bucket}, 'YYYY-MM-DD') as bucket, ${SUMS}
       from tenant_daily_usage where tenant_id = $1 and day between $2 and $3
      group by 1`,
    [tenantId, range.from, range.to],
  );
  return new Map(rows.map((r) => [r.bucket as string, countsFromRow(r)]));
}

/** The SQL each sort of usage by opening orders by. */
const OPENING_SORT_COLUMNS: Record<OpeningSort, string> = {
  jobTitle: 'o.job_title',
  invited: 'invited',
  completed: 'completed',
  partiallyCompleted: 'partially_completed',
  simulations: 'simulations',
  creditsUsed: 'credits_milli',
};

export interface OpeningUsage extends UsageCounts {
  openingId: string;
  jobTitle: string;
  status: OpeningStatus;
}

/**
 * Usage per opening with activity in the range, filtered by a title or id search, sorted and
 * paged in SQL; `total` counts every matching opening.
 */
export async function usageByOpening(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  opts: { q?: string; sort: OpeningSort; order: SortOrder; limit: number; offset: number },
): Promise<{ items: OpeningUsage[]; total: number }> {
  const direction = opts.order === 'asc' ? 'asc' : 'desc';
  const rows = await tx.query(
    `with usage as (
       select opening_id, ${SUMS} from daily_usage
        where tenant_id = $1 and day between $2 and $3 group by opening_id
     )
     select o.id as opening_id, o.job_title, o.status, u.*, count(*) over () as total
       from usage u join openings o on o.tenant_id = $1 and o.id = u.opening_id
      where $4::text is null or o.job_title ilike '%' || $4 || '%' or o.id ilike '%' || $4 || '%'
      order by ${OPENING_SORT_COLUMNS[opts.sort]} ${direction}, o.job_title asc, o.id asc
      limit $5 offset $6`,
    [tenantId, range.from, range.to, opts.q ? escapeLike(opts.q) : null, opts.limit, opts.offset],
  );
  return {
    items: rows.map((r) => ({
      openingId: r.opening_id as string,
      jobTitle: r.job_title as string,
      status: r.status as OpeningStatus,
      ...countsFromRow(r),
    })),
    total: rows.length > 0 ? Number(rows[0]?.total) : 0,
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface InterviewRow {
  id: string;
  candidateId: string | null;
  state: InterviewState;
  isSimulation: boolean;
  invitedAt: Date;
  startedAt: Date | null;
  /** When it reached its charged state (stored at ingest from deriveState); null for the other states. */
  finishedAt: Date | null;
  completion: number;
  chargedMilli: number;
  chargeRule: string | null;
  chargeRuleVersion: number | null;
  reversedAt: Date | null;
  reversalReason: string | null;
}

/** One opening's interviews invited in [fromInstant, toInstant), newest first. */
export async function openingInterviews(
  tx: Queryable,
  tenantId: string,
  openingId: string,
  opts: { fromInstant: Date; toInstant: Date; status?: string; limit: number; offset: number },
): Promise<{ items: InterviewRow[]; total: number }> {
  const rows = await tx.query(
    `select id, candidate_id, state, is_simulation, invited_at, started_at, finished_at, completion, charged_milli,
            charge_rule, charge_rule_version, reversed_at, reversal_reason, count(*) over () as total
       from interviews
      where tenant_id = $1 and opening_id = $2 and invited_at >= $3 and invited_at < $4
        and ($5::text is null or ($5 = 'simulation' and is_simulation) or (state = $5 and not is_simulation))
      order by invited_at desc, id
      limit $6 offset $7`,
    [tenantId, openingId, opts.fromInstant, opts.toInstant, opts.status ?? null, opts.limit, opts.offset],
  );
  return {
    items: rows.map((r) => ({
      id: r.id as string,
      candidateId: (r.candidate_id as string | null) ?? null,
      state: r.state as InterviewState,
      isSimulation: r.is_simulation as boolean,
      invitedAt: r.invited_at as Date,
      startedAt: (r.started_at as Date | null) ?? null,
      finishedAt: (r.finished_at as Date | null) ?? null,
      completion: Number(r.completion),
      chargedMilli: Number(r.charged_milli),
      chargeRule: (r.charge_rule as string | null) ?? null,
      chargeRuleVersion: r.charge_rule_version === null ? null : Number(r.charge_rule_version),
      reversedAt: (r.reversed_at as Date | null) ?? null,
      reversalReason: (r.reversal_reason as string | null) ?? null,
    })),
    total: rows.length > 0 ? Number(rows[0]?.total) : 0,
  };
}
