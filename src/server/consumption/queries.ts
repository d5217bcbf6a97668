import type { Dimension, FixedDimension } from '../../shared/attribution.js';
import { addDays, addMonthsClamped, startOfLocalDate, startOfMonth } from '../../shared/calendar.js';
import type {
  Granularity,
  InterviewFilter,
  InterviewState,
  OpeningSort,
  RowFigure,
  SortOrder,
} from '../../shared/contract/consumption.js';
import type { OpeningStatus } from '../../shared/contract/openings.js';
import { isFiltered, NO_FILTER, type UsageFilter } from '../../shared/filters.js';
import type { UsageCounts } from '../../shared/metrics.js';
import type { Queryable } from '../db/database.js';
import { RECORD_COLUMNS, recordOf } from '../metering/queries.js';
import { COUNTER_COLUMNS, contributionInRange, countsFromRow } from '../metering/rollup.js';
import { type Bind, binder, setMatches, usageRows } from './filters.js';
import type { DateRange } from './range.js';

/**
 * The console's SQL. Every figure comes from the rollups, never from raw events: totals and
 * time series from tenant × day, the openings table from tenant × opening × month and × day (a
 * range's whole months, then its other days), and with filters
 * both from tenant × attribution set × day × opening (filters.ts). The opening
 * drawer alone reads interviews, itemising its row by the rollups' own rule.
 */
const SUMS = `coalesce(sum(invited), 0)::int as invited, coalesce(sum(started), 0)::int as started,
  coalesce(sum(completed), 0)::int as completed, coalesce(sum(partially_completed), 0)::int as partially_completed,
  coalesce(sum(expired), 0)::int as expired, coalesce(sum(cancelled), 0)::int as cancelled,
  coalesce(sum(simulations), 0)::int as simulations, coalesce(sum(credits_milli), 0)::bigint as credits_milli`;

/**
 * The usage of a range (both ends included), of the interviews the filter selects (all of them by
 * default): also what a scope's credits over days A..B are, for a department, a recruiter, a
 * location or tags (`{ department: 'Nursing', tags: {} }`).
 */
export async function usageTotals(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  filter: UsageFilter = NO_FILTER,
): Promise<UsageCounts> {
  const params: unknown[] = [tenantId, range.from, range.to];
  const [row] = await tx.query(
    `select ${SUMS} from ${usageRows('tenant', filter, binder(params))} u
      where u.tenant_id = $1 and u.day between $2 and $3`,
    params,
  );
  return countsFromRow(row ?? {});
}

/** The first day of the bucket of `u.day`. */
const BUCKET_STARTS: Record<Granularity, string> = {
  day: 'u.day',
  week: '(u.day - (extract(isodow from u.day)::int - 1))',
  month: '(u.day - (extract(day from u.day)::int - 1))',
};

/** Sums per bucket start (a local date); buckets with no rows are absent here and filled by the caller. */
export async function usageByBucket(
  tx: Queryable,
  tenantId: string,
  range: DateRange,
  granularity: Granularity,
  filter: UsageFilter = NO_FILTER,
): Promise<Map<string, UsageCounts>> {
  const params: unknown[] = [tenantId, range.from, range.to];
  // Each bucket's first day in date arithmetic (weeks start on Monday, as the calendar module's do),
  // and formatted once per bucket: date_trunc on a date goes through a time zone for every row.
  const rows = await tx.query(
    `select to_char(b.start, 'YYYY-MM-DD') as bucket, b.*
       from (select ${BUCKET_STARTS[granularity]} as start, ${SUMS}
               from ${usageRows('tenant', filter, binder(params))} u
              where u.tenant_id = $1 and u.day between $2 and $3 group by 1) b`,
    params,
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
  opts: {
    q?: string;
    sort: OpeningSort;
    order: SortOrder;
    limit: number;
    offset: number;
    filter?: UsageFilter;
  },
): Promise<{ items: OpeningUsage[]; total: number }> {
  const direction = opts.order === 'asc' ? 'asc' : 'desc';
  const params: unknown[] = [
    tenantId,
    range.from,
    range.to,
    opts.q ? escapeLike(opts.q) : null,
    opts.limit,
    opts.offset,
  ];
  const rows = await tx.query(
    `with usage as (
       select u.opening_id, ${SUMS} from ${openingRangeRows(range, opts.filter ?? NO_FILTER, binder(params))} u
        group by u.opening_id
     )
     select o.id as opening_id, o.job_title, o.status, u.*, count(*) over () as total
       from usage u join openings o on o.tenant_id = $1 and o.id = u.opening_id
      where $4::text is null or o.job_title ilike '%' || $4 || '%' or o.id ilike '%' || $4 || '%'
      order by ${OPENING_SORT_COLUMNS[opts.sort]} ${direction}, o.job_title asc, o.id asc
      limit $5 offset $6`,
    params,
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

/** The rollups' counters, as both the daily and the monthly rollup by opening name them. */
const COUNTS = Object.values(COUNTER_COLUMNS).join(', ');

/**
 * The rows per opening of the range's usage (the range being the statement's $2..$3, the tenant
 * its $1), to read as `from ${openingRangeRows(…)} u`: unfiltered, the range's whole calendar months
 * from the monthly rollup (migration 024) and only its other days from the daily rollup, so a
 * month-long period reads a row per opening rather than one per opening and day; filtered, the
 * rollup by attribution set (usageRows).
 */
function openingRangeRows(range: DateRange, filter: UsageFilter, bind: Bind): string {
  if (isFiltered(filter)) {
    return `(select * from ${usageRows('opening', filter, bind)} f where f.tenant_id = $1 and f.day between $2 and $3)`;
  }
  const first =
    range.from === startOfMonth(range.from) ? range.from : startOfMonth(addMonthsClamped(range.from, 1));
  const lastMonth = startOfMonth(addDays(range.to, 1));
  if (first >= lastMonth) {
    return `(select opening_id, ${COUNTS} from daily_usage where tenant_id = $1 and day between $2 and $3)`;
  }
  const [from, to] = [bind(first), bind(lastMonth)];
  return `(select opening_id, ${COUNTS} from opening_monthly_usage
            where tenant_id = $1 and month >= ${from}::date and month < ${to}::date
           union all
           select opening_id, ${COUNTS} from daily_usage
            where tenant_id = $1 and day between $2 and $3 and (day < ${from}::date or day >= ${to}::date))`;
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
  countedIn: RowFigure[];
  creditsInRangeMilli: number;
}

/** The figures of an opening's row of usage by opening. */
export type RowFigures = Record<Exclude<RowFigure, 'creditsUsed'>, number> & { creditsMilli: number };

/**
 * An interview's place in the drawer's order: newest invitation first, then highest id. The
 * invitation in whole microseconds since 1970, PostgreSQL's own precision, so that the keyset
 * resumes exactly where the page ended.
 */
export interface InterviewKey {
  invitedAtUs: number;
  id: string;
}

/**
 * The figures of one opening's row of usage by opening for the range: the same rollup and sums as
 * usageByOpening, so they are the row's by construction (O(days), whatever the opening's size).
 */
export async function openingRowFigures(
  tx: Queryable,
  tenantId: string,
  openingId: string,
  range: DateRange,
): Promise<RowFigures> {
  const params: unknown[] = [tenantId, openingId, range.from, range.to];
  const [row] = await tx.query(
    `select ${SUMS} from ${usageRows('opening', NO_FILTER, binder(params))} u
      where u.tenant_id = $1 and u.opening_id = $2 and u.day between $3 and $4`,
    params,
  );
  const c = countsFromRow(row ?? {});
  return {
    invited: c.invited,
    completed: c.completed,
    partiallyCompleted: c.partiallyCompleted,
    simulations: c.simulations,
    creditsMilli: c.creditsMilli,
  };
}

const MILESTONE_COLUMNS = ['invited_at', 'completed_at', 'ended_at', 'expired_at', 'cancelled_at'];

/** Keyset batches grow by this factor when the filters keep few of a batch's rows. */
const BATCH_GROWTH = 4;
const MAX_BATCH = 5000;

/**
 * One opening's interviews that count in its row of usage by opening for the range, newest
 * invitation first (then highest id), filtered and paged (docs/product.md, The opening drawer).
 * SQL picks every interview with a milestone in the range; contributionInRange, the rollups' own
 * rule, says what each counts in. Pages are read by keyset from the top or from `after` (the last
 * interview of the page before; migration 020 indexes the order) and stop once full, so a deep
 * page costs what the first does; the first also counts every match in SQL (`total`; null on
 * later pages, whose cursor carries it). Only an `offset` (page/pageSize beyond the first) reads
 * every candidate. `next` is the page's last interview when more match.
 */
export async function openingInterviews(
  tx: Queryable,
  tenantId: string,
  openingId: string,
  opts: {
    range: DateRange;
    timeZone: string;
    status?: InterviewFilter;
    countedIn?: RowFigure;
    limit: number;
    after?: InterviewKey;
    offset?: number;
  },
): Promise<{ items: InterviewRow[]; total: number | null; next: InterviewKey | null }> {
  const from = startOfLocalDate(opts.range.from, opts.timeZone);
  const to = startOfLocalDate(addDays(opts.range.to, 1), opts.timeZone);
  const within = MILESTONE_COLUMNS.map((c) => `(i.${c} >= $3 and i.${c} < $4)`).join(' or ');
  // Every milestone comes at or after the invitation, so none in the range means an invitation
  // before its end: the bound the index scan starts from.
  const read = (after: InterviewKey | undefined, limit: number | null) =>
    tx.query(
      `select ${RECORD_COLUMNS}, i.state, i.finished_at, i.charged_milli, i.charge_rule, i.charge_rule_version,
              i.reversed_at, i.reversal_reason, (extract(epoch from i.invited_at) * 1000000)::int8 as invited_us
         from interviews i
        where i.tenant_id = $1 and i.opening_id = $2 and i.invited_at < $4 and (${within})
          ${after ? `and (i.invited_at, i.id) < (timestamptz 'epoch' + $5::int8 * interval '1 microsecond', $6::text)` : ''}
        order by i.invited_at desc, i.id desc
        ${limit === null ? '' : `limit ${limit}`}`,
      after ? [tenantId, openingId, from, to, after.invitedAtUs, after.id] : [tenantId, openingId, from, to],
    );

  const matching: { row: InterviewRow; key: InterviewKey }[] = [];
  const keyOf = (r: Record<string, unknown>) => ({ invitedAtUs: Number(r.invited_us), id: r.id as string });
  const keep = (rows: Record<string, unknown>[]) => {
    for (const r of rows) {
      const row = drawerRow(r, opts);
      if (row) matching.push({ row, key: keyOf(r) });
    }
  };
  const offset = opts.after ? 0 : (opts.offset ?? 0);
  let total: number | null = null;
  if (offset === 0) {
    // Sent first, counted while the page is read (on the same connection, in order).
    const counted = opts.after
      ? undefined
      : countOpeningInterviews(tx, [tenantId, openingId, from, to], opts);
    // Awaited below; should the page's read fail first, its failure is the one reported.
    counted?.catch(() => {});
    // Enough rows for the page and one more (to know whether a next page exists), in batches.
    let after = opts.after;
    for (let batch = opts.limit + 1, more = true; more && matching.length <= opts.limit; ) {
      const rows = await read(after, batch);
      keep(rows);
      const last = rows[rows.length - 1];
      more = rows.length === batch && last !== undefined;
      if (last) after = keyOf(last);
      batch = Math.min(MAX_BATCH, batch * BATCH_GROWTH);
    }
    if (counted) total = await counted;
  } else {
    keep(await read(undefined, null));
    total = matching.length;
  }
  const page = matching.slice(offset, offset + opts.limit);
  return {
    items: page.map((m) => m.row),
    total,
    next: matching.length > offset + opts.limit ? (page[page.length - 1]?.key ?? null) : null,
  };
}

/**
 * How many of an opening's interviews the drawer lists for the range and filters, counted in SQL
 * (an index range scan, no row leaves the server): contributionInRange's rule written over the
 * stored state and finish time (both deriveState's, stored at ingest), one condition per row
 * figure. The drawer tests hold it to the listed items for every opening, range and filter.
 */
async function countOpeningInterviews(
  tx: Queryable,
  params: [string, string, Date, Date],
  opts: { status?: InterviewFilter; countedIn?: RowFigure },
): Promise<number> {
  const at = (col: string) => `(${col} >= $3 and ${col} < $4)`;
  const counted: Record<RowFigure, string> = {
    invited: `(not i.is_simulation and ${at('i.invited_at')})`,
    completed: `(not i.is_simulation and i.state = 'completed' and ${at('i.finished_at')})`,
    partiallyCompleted: `(not i.is_simulation and i.state = 'partially_completed' and ${at('i.finished_at')})`,
    simulations: `(i.is_simulation and ${at('coalesce(i.completed_at, i.invited_at)')})`,
    creditsUsed: `(not i.is_simulation and i.charged_milli <> 0 and ${at('i.finished_at')})`,
  };
  const where = [opts.countedIn ? counted[opts.countedIn] : `(${Object.values(counted).join(' or ')})`];
  const all: unknown[] = [...params];
  if (opts.status === 'simulation') where.push('i.is_simulation');
  else if (opts.status) {
    all.push(opts.status);
    where.push(`not i.is_simulation and i.state = $${all.length}`);
  }
  const [row] = await tx.query<{ n: number }>(
    `select count(*)::int as n from interviews i
      where i.tenant_id = $1 and i.opening_id = $2 and i.invited_at < $4 and ${where.join(' and ')}`,
    all,
  );
  return row?.n ?? 0;
}

/** A candidate row as the drawer lists it, or undefined when it counts in nothing or the filters drop it. */
function drawerRow(
  r: Record<string, unknown>,
  opts: { range: DateRange; timeZone: string; status?: InterviewFilter; countedIn?: RowFigure },
): InterviewRow | undefined {
  const record = recordOf(r);
  const chargedMilli = Number(r.charged_milli);
  const { countedIn, creditsMilli } = contributionInRange(record, chargedMilli, opts.timeZone, opts.range);
  if (countedIn.length === 0) return undefined;
  const state = r.state as InterviewState;
  if (opts.countedIn && !countedIn.includes(opts.countedIn)) return undefined;
  if (
    opts.status &&
    (opts.status === 'simulation' ? !record.isSimulation : record.isSimulation || state !== opts.status)
  )
    return undefined;
  return {
    id: record.id,
    candidateId: record.candidateId,
    state,
    isSimulation: record.isSimulation,
    invitedAt: new Date(record.invitedAt),
    startedAt: record.startedAt === null ? null : new Date(record.startedAt),
    finishedAt: (r.finished_at as Date | null) ?? null,
    completion: record.completion,
    chargedMilli,
    chargeRule: (r.charge_rule as string | null) ?? null,
    chargeRuleVersion: r.charge_rule_version === null ? null : Number(r.charge_rule_version),
    reversedAt: (r.reversed_at as Date | null) ?? null,
    reversalReason: (r.reversal_reason as string | null) ?? null,
    countedIn,
    creditsInRangeMilli: creditsMilli,
  };
}

export interface ValueUsage extends UsageCounts {
  value: string;
  /** The recruiter's latest name, for usage by recruiter; else null. */
  name: string | null;
}

/** The column of `attribution_sets s` holding each fixed dimension's value. */
const SET_COLUMNS: Record<FixedDimension, string> = {
  recruiter: 's.recruiter_id',
  department: 's.department',
  location: 's.location',
};

/**
 * Usage per value of one dimension (`recruiter`, `department`, `location`, `tag:<key>`) with
 * activity in the range (docs/product.md, Attribution): from the rollups by attribute, or with a
 * filter from the rollup by attribution set, grouped by the sets' value of the dimension.
 */
export async function usageByValue(
  tx: Queryable,
  tenantId: string,
  dimension: Dimension,
  range: DateRange,
  filter: UsageFilter = NO_FILTER,
): Promise<ValueUsage[]> {
  const params: unknown[] = [tenantId, dimension, range.from, range.to];
  const bind = binder(params);
  const usage = isFiltered(filter)
    ? `select value, ${SUMS} from (
         select ${dimension.startsWith('tag:') ? `s.tags ->> ${bind(dimension.slice(4))}` : SET_COLUMNS[dimension as FixedDimension]} as value, u.*
           from attribution_daily_usage u
           join attribution_sets s on s.tenant_id = u.tenant_id and s.set_id = u.set_id
          where u.tenant_id = $1 and u.day between $3 and $4 and ${setMatches(filter, bind)}) v
        where value is not null group by value`
    : `select value, ${SUMS} from attribute_daily_usage
        where tenant_id = $1 and dimension = $2 and day between $3 and $4 group by value`;
  const rows = await tx.query(
    `with usage as (${usage})
     select u.*, r.name
       from usage u left join recruiters r on $2 = 'recruiter' and r.tenant_id = $1 and r.id = u.value`,
    params,
  );
  return rows.map((r) => ({
    value: r.value as string,
    name: (r.name as string | null) ?? null,
    ...countsFromRow(r),
  }));
}

export interface AttributeValues {
  recruiters: { id: string; name: string | null }[];
  departments: string[];
  locations: string[];
  tags: { key: string; values: string[] }[];
  truncated: boolean;
}

/**
 * Every recruiter, department, location and tag value of the tenant's attribution sets (each set
 * is stored with an interview's usage), sorted, `limit` per list.
 */
export async function attributeValues(
  tx: Queryable,
  tenantId: string,
  limit: number,
): Promise<AttributeValues> {
  const rows = await tx.query<{
    kind: string;
    key: string | null;
    value: string;
    name: string | null;
    n: number;
  }>(
    `with v as (
       select distinct 'recruiter' as kind, null::text as key, recruiter_id as value
         from attribution_sets where tenant_id = $1 and recruiter_id is not null
       union select distinct 'department', null, department from attribution_sets
        where tenant_id = $1 and department is not null
       union select distinct 'location', null, location from attribution_sets
        where tenant_id = $1 and location is not null
       union select distinct 'tag', t.key, t.value from attribution_sets s, jsonb_each_text(s.tags) t
        where s.tenant_id = $1),
     ranked as (
       select v.*, row_number() over (partition by kind, key order by value collate "C") as n from v)
     select ranked.kind, ranked.key, ranked.value, r.name, ranked.n::int as n
       from ranked left join recruiters r on ranked.kind = 'recruiter' and r.tenant_id = $1 and r.id = ranked.value
      where ranked.n <= $2 + 1
      order by ranked.kind, ranked.key collate "C", ranked.value collate "C"`,
    [tenantId, limit],
  );
  const out: AttributeValues = { recruiters: [], departments: [], locations: [], tags: [], truncated: false };
  const tags = new Map<string, string[]>();
  for (const r of rows) {
    if (r.n > limit) {
      out.truncated = true;
      continue;
    }
    if (r.kind === 'recruiter') out.recruiters.push({ id: r.value, name: r.name });
    else if (r.kind === 'department') out.departments.push(r.value);
    else if (r.kind === 'location') out.locations.push(r.value);
    else {
      const key = r.key as string;
      const values = tags.get(key) ?? [];
      values.push(r.value);
      tags.set(key, values);
    }
  }
  out.tags = [...tags].map(([key, values]) => ({ key, values }));
  return out;
}
