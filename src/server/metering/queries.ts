import { USAGE_COUNT_KEYS, type UsageCounts } from '../../shared/metrics.js';
import { type Queryable, settleAll, type TenantQueryable } from '../db/database.js';
import type { AttributionSet } from './attribution-sets.js';
import type { ParsedEvent } from './events.js';
import { COUNTER_COLUMNS } from './rollup.js';
import type { Attribution, InterviewRecord } from './state.js';

/** SQL of the ingest pipeline; each function does one set-based statement for a whole batch. */

export interface StoredInterview {
  record: InterviewRecord;
  chargedMilli: number;
  reversed: boolean;
  /** When the record's candidate was first seen (candidates.first_seen_at), as read by findInterviews. */
  candidateSeenAt?: number | null;
}

const epochMs = (v: unknown) => (v === null || v === undefined ? null : Number(v));

// The lookups below probe the primary key once per id (`json_array_elements_text … cross join lateral`;
// ids as JSON, which this process writes much faster than a text[] literal), so their cost is that
// of the batch, not of the tenant: with `id = any($2)` the planner may pick a scan of the tenant's whole key
// range, which grows with every event stored. `offset 0` keeps it from flattening the subquery back into a join.

export async function findEventHashes(
  tx: Queryable,
  tenantId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<{ id: string; payload_hash: string }>(
    `select e.id, e.payload_hash
       from json_array_elements_text($2::json) as k(id)
       cross join lateral (select id, payload_hash from interview_events
                            where tenant_id = $1 and id = k.id offset 0) e`,
    [tenantId, JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.payload_hash]));
}

// Times as epoch milliseconds: a number is read much faster than a timestamp (ingest reads hundreds a batch).
const epoch = (col: string) => `(extract(epoch from ${col}) * 1000)::int8 as ${col.replace(/^\w+\./, '')}`;

/** The columns of `interviews i` that recordOf reads. */
export const RECORD_COLUMNS = `i.id, i.opening_id, i.candidate_id, i.is_simulation, ${epoch('i.invited_at')},
  ${epoch('i.started_at')}, ${epoch('i.completed_at')}, ${epoch('i.ended_at')}, ${epoch('i.expired_at')},
  ${epoch('i.cancelled_at')}, i.completion, i.attribution`;

/** The interview record (its merged milestones) of a row selected with RECORD_COLUMNS. */
export function recordOf(r: Record<string, unknown>): InterviewRecord {
  return {
    id: r.id as string,
    openingId: r.opening_id as string,
    candidateId: (r.candidate_id as string | null) ?? null,
    isSimulation: r.is_simulation as boolean,
    invitedAt: Number(r.invited_at),
    startedAt: epochMs(r.started_at),
    completedAt: epochMs(r.completed_at),
    endedAt: epochMs(r.ended_at),
    expiredAt: epochMs(r.expired_at),
    cancelledAt: epochMs(r.cancelled_at),
    completion: Number(r.completion),
    attribution: (r.attribution as Attribution | null) ?? null,
  };
}

export async function findInterviews(
  tx: Queryable,
  tenantId: string,
  ids: string[],
): Promise<Map<string, StoredInterview>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query(
    `select i.*
       from json_array_elements_text($2::json) as k(id)
       cross join lateral (select ${RECORD_COLUMNS}, i.charged_milli, i.reversed_at is not null as reversed,
                                  (extract(epoch from c.first_seen_at) * 1000)::int8 as candidate_seen_at
                             from interviews i
                             left join candidates c on c.tenant_id = i.tenant_id and c.id = i.candidate_id
                            where i.tenant_id = $1 and i.id = k.id offset 0) i`,
    [tenantId, JSON.stringify(ids)],
  );
  const out = new Map<string, StoredInterview>();
  for (const r of rows) {
    out.set(r.id as string, {
      record: recordOf(r),
      chargedMilli: Number(r.charged_milli),
      reversed: r.reversed as boolean,
      candidateSeenAt: epochMs(r.candidate_seen_at),
    });
  }
  return out;
}

/** An event's interview_events row (tenant_id aside), as insertEvents and insertNewEvents store it. */
function eventRow(e: ParsedEvent & { hash: string }) {
  return {
    id: e.id,
    type: e.type,
    interview_id: e.interviewId,
    opening_id: e.openingId,
    candidate_id: e.candidateId ?? null,
    job_title: e.jobTitle ?? null,
    occurred_at: e.occurredAt,
    completion: e.completion ?? null,
    attribution: eventAttribution(e),
    payload_hash: e.hash,
  };
}

/** Stores the events whose ids are new; returns how many were (an id already stored is left as it is). */
export async function insertEvents(
  tx: Queryable,
  tenantId: string,
  events: (ParsedEvent & { hash: string })[],
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map(eventRow);
  const [result] = await tx.query<{ inserted: number }>(
    `with inserted as (
       insert into interview_events (tenant_id, id, type, interview_id, opening_id, candidate_id, job_title,
                                     occurred_at, completion, attribution, payload_hash)
       select $1, id, type, interview_id, opening_id, candidate_id, job_title, occurred_at, completion, attribution,
              payload_hash
         from json_to_recordset($2::json) as r(id text, type text, interview_id text, opening_id text,
              candidate_id text, job_title text, occurred_at timestamptz, completion float8, attribution jsonb,
              payload_hash text)
       on conflict do nothing
       returning 1)
     select count(*)::int as inserted from inserted`,
    [tenantId, JSON.stringify(rows)],
  );
  return result?.inserted ?? 0;
}

/** The attribution fields an event carries, as sent; null when it carries none. */
function eventAttribution(e: ParsedEvent): Record<string, unknown> | null {
  const { recruiterId, recruiterName, department, location, tags } = e;
  if (recruiterId === undefined && department === undefined && location === undefined && tags === undefined)
    return null;
  return { recruiterId, recruiterName, department, location, tags };
}

export interface OpeningSighting {
  id: string;
  jobTitle: string;
  titleEventAt: string;
  titleEventId: string;
  firstSeenAt: string;
}

/**
 * An upsert's condition that the incoming row's event is later than the stored one's: by time, then
 * by event id in byte order ("C"), as in the JavaScript comparison of the same ids. One rule for
 * every value the latest event decides (an opening's title, a recruiter's name).
 */
const newerEvent = (table: string, prefix: string) =>
  `(excluded.${prefix}_event_at > ${table}.${prefix}_event_at or (excluded.${prefix}_event_at = ${table}.${prefix}_event_at
  and excluded.${prefix}_event_id collate "C" > ${table}.${prefix}_event_id collate "C"))`;

const NEWER_TITLE = newerEvent('openings', 'title');

/**
 * The title kept is the one from the latest event (occurred_at, then event id): order-free. A row that
 * would not change (no later title, no earlier sighting) is not rewritten.
 */
export async function upsertOpenings(
  tx: Queryable,
  tenantId: string,
  openings: OpeningSighting[],
): Promise<void> {
  if (openings.length === 0) return;
  await tx.query(
    `insert into openings (tenant_id, id, job_title, title_event_at, title_event_id, created_at)
     select $1, id, job_title, title_event_at, title_event_id, created_at
       from json_to_recordset($2::json) as r(id text, job_title text, title_event_at timestamptz,
            title_event_id text, created_at timestamptz)
     on conflict (tenant_id, id) do update set
       job_title = case when ${NEWER_TITLE} then excluded.job_title else openings.job_title end,
       title_event_id = case when ${NEWER_TITLE} then excluded.title_event_id else openings.title_event_id end,
       title_event_at = greatest(openings.title_event_at, excluded.title_event_at),
       created_at = least(openings.created_at, excluded.created_at)
     where ${NEWER_TITLE} or excluded.created_at < openings.created_at`,
    [
      tenantId,
      JSON.stringify(
        openings.map((o) => ({
          id: o.id,
          job_title: o.jobTitle,
          title_event_at: o.titleEventAt,
          title_event_id: o.titleEventId,
          created_at: o.firstSeenAt,
        })),
      ),
    ],
  );
}

const candidateRow = (c: { id: string; firstSeenAt: string }) => ({ id: c.id, first_seen_at: c.firstSeenAt });

/** A candidate's first sighting only moves earlier; a row that would not change is not rewritten. */
export async function upsertCandidates(
  tx: Queryable,
  tenantId: string,
  candidates: { id: string; firstSeenAt: string }[],
): Promise<void> {
  if (candidates.length === 0) return;
  await tx.query(
    `insert into candidates (tenant_id, id, first_seen_at)
     select $1, id, first_seen_at from json_to_recordset($2::json) as r(id text, first_seen_at timestamptz)
     on conflict (tenant_id, id) do update set first_seen_at = excluded.first_seen_at
       where excluded.first_seen_at < candidates.first_seen_at`,
    [tenantId, JSON.stringify(candidates.map(candidateRow))],
  );
}

export interface InterviewWrite {
  record: InterviewRecord;
  /** deriveState of the record: its state and when it finished (stored so readers need no rule of their own). */
  state: string;
  finishedAt: number | null;
  chargedMilli: number;
  chargeRule: string;
  chargeRuleVersion: number;
}

const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());

/** An interview's interviews row (tenant_id aside), as upsertInterviews and insertNewInterviews store it. */
function interviewRow({ record: r, ...w }: InterviewWrite) {
  return {
    id: r.id,
    opening_id: r.openingId,
    candidate_id: r.candidateId,
    is_simulation: r.isSimulation,
    state: w.state,
    finished_at: iso(w.finishedAt),
    invited_at: iso(r.invitedAt),
    started_at: iso(r.startedAt),
    completed_at: iso(r.completedAt),
    ended_at: iso(r.endedAt),
    expired_at: iso(r.expiredAt),
    cancelled_at: iso(r.cancelledAt),
    completion: r.completion,
    charged_milli: w.chargedMilli,
    charge_rule: w.chargeRule,
    charge_rule_version: w.chargeRuleVersion,
    attribution: r.attribution,
  };
}

export async function upsertInterviews(
  tx: Queryable,
  tenantId: string,
  writes: InterviewWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const rows = writes.map(interviewRow);
  await tx.query(
    `insert into interviews (tenant_id, id, opening_id, candidate_id, is_simulation, state, finished_at, invited_at,
                             started_at, completed_at, ended_at, expired_at, cancelled_at, completion, charged_milli,
                             charge_rule, charge_rule_version, attribution)
     select $1, id, opening_id, candidate_id, is_simulation, state, finished_at, invited_at, started_at, completed_at,
            ended_at, expired_at, cancelled_at, completion, charged_milli, charge_rule, charge_rule_version, attribution
       from json_to_recordset($2::json) as r(id text, opening_id text, candidate_id text, is_simulation boolean,
            state text, finished_at timestamptz, invited_at timestamptz, started_at timestamptz,
            completed_at timestamptz, ended_at timestamptz, expired_at timestamptz, cancelled_at timestamptz,
            completion float8, charged_milli bigint, charge_rule text, charge_rule_version int, attribution jsonb)
     on conflict (tenant_id, id) do update set
       candidate_id = excluded.candidate_id, state = excluded.state, finished_at = excluded.finished_at,
       invited_at = excluded.invited_at,
       started_at = excluded.started_at, completed_at = excluded.completed_at, ended_at = excluded.ended_at,
       expired_at = excluded.expired_at, cancelled_at = excluded.cancelled_at, completion = excluded.completion,
       charged_milli = excluded.charged_milli, charge_rule = excluded.charge_rule,
       charge_rule_version = excluded.charge_rule_version, attribution = excluded.attribution, updated_at = now()`,
    [tenantId, JSON.stringify(rows)],
  );
}

const counterCols = USAGE_COUNT_KEYS.map((k) => COUNTER_COLUMNS[k]);

/**
 * Adds deltas to the daily rollups (rows are created on first use). A row whose counters all
 * come back to zero (an outcome moved to another day by a late event) is deleted, so the rows
 * are the same as if the events had arrived in order.
 */
export async function addToRollups(
  tx: Queryable,
  tenantId: string,
  rows: [openingId: string, day: string, counters: UsageCounts][],
): Promise<void> {
  if (rows.length === 0) return;
  // The per-tenant day totals move by the same deltas, summed over openings.
  const byDay = new Map<string, UsageCounts>();
  for (const [, day, c] of rows) {
    const total = byDay.get(day);
    if (!total) byDay.set(day, { ...c });
    else for (const k of USAGE_COUNT_KEYS) total[k] += c[k];
  }
  await settleAll([
    addCounters(
      tx,
      tenantId,
      'daily_usage',
      ['opening_id', 'day'],
      rows.map(([opening_id, day, c]) => [{ opening_id, day }, c]),
    ),
    addCounters(
      tx,
      tenantId,
      'tenant_daily_usage',
      ['day'],
      [...byDay].map(([day, c]) => [{ day }, c]),
    ),
  ]);
}

/**
 * Adds deltas to the rollups by attribute ([dimension, value, day, counters]); rows coming back to
 * zero are deleted, as in the daily rollups.
 */
export async function addToAttributeRollups(
  tx: Queryable,
  tenantId: string,
  rows: [dimension: string, value: string, day: string, counters: UsageCounts][],
): Promise<void> {
  if (rows.length === 0) return;
  await addCounters(
    tx,
    tenantId,
    'attribute_daily_usage',
    ['dimension', 'value', 'day'],
    rows.map(([dimension, value, day, c]) => [{ dimension, value, day }, c]),
  );
}

/**
 * Adds deltas to the rollup by attribution set ([setId, openingId, day, counters]), storing the
 * sets met first seen (docs/product.md, Filters); rows coming back to zero are deleted, as in the
 * daily rollups, and so is a set left without rows (its interviews moved to another), so the sets
 * stored are the same whatever the order events arrived in.
 */
export async function addToSetRollups(
  tx: Queryable,
  tenantId: string,
  rows: [setId: string, openingId: string, day: string, counters: UsageCounts][],
  sets: Iterable<AttributionSet>,
): Promise<void> {
  if (rows.length === 0) return;
  const used = new Set(rows.map(([setId]) => setId));
  const bySetDay = new Map<string, UsageCounts>();
  for (const [setId, , day, c] of rows) {
    const key = `${setId}\u0000${day}`;
    const total = bySetDay.get(key);
    if (!total) bySetDay.set(key, { ...c });
    else for (const k of USAGE_COUNT_KEYS) total[k] += c[k];
  }
  const stored = [...sets].filter((s) => used.has(s.id));
  await settleAll([
    tx.query(
      `insert into attribution_sets (tenant_id, set_id, recruiter_id, department, location, tags)
       select $1, set_id, recruiter_id, department, location, tags
         from json_to_recordset($2::json) as r(set_id text, recruiter_id text, department text, location text,
              tags jsonb)
       on conflict do nothing`,
      [
        tenantId,
        JSON.stringify(
          stored.map((s) => ({
            set_id: s.id,
            recruiter_id: s.recruiterId,
            department: s.department,
            location: s.location,
            tags: s.tags,
          })),
        ),
      ],
    ),
    addCounters(
      tx,
      tenantId,
      'attribution_daily_usage',
      ['set_id', 'opening_id', 'day'],
      rows.map(([set_id, opening_id, day, c]) => [{ set_id, opening_id, day }, c]),
    ),
    // The per-set day totals move by the same deltas, summed over openings.
    addCounters(
      tx,
      tenantId,
      'attribution_set_daily_usage',
      ['set_id', 'day'],
      [...bySetDay].map(([key, c]) => {
        const [set_id, day] = key.split('\u0000') as [string, string];
        return [{ set_id, day }, c];
      }),
    ),
  ]);
  const lowered = [
    ...new Set(rows.filter(([, , , c]) => USAGE_COUNT_KEYS.some((k) => c[k] < 0)).map(([id]) => id)),
  ];
  if (lowered.length === 0) return;
  await tx.query(
    `delete from attribution_sets s
      where s.tenant_id = $1 and s.set_id in (select json_array_elements_text($2::json))
        and not exists (select 1 from attribution_daily_usage u where u.tenant_id = $1 and u.set_id = s.set_id)`,
    [tenantId, JSON.stringify(lowered)],
  );
}

export interface RecruiterSighting {
  id: string;
  /** Null when no event naming the recruiter has a name: the id is shown. */
  name: string | null;
  nameEventAt: string;
  nameEventId: string;
}

const NEWER_NAME = newerEvent('recruiters', 'name');

/** The name kept is the latest event's (occurred_at, then event id) that gave one: order-free. */
export async function upsertRecruiters(
  tx: Queryable,
  tenantId: string,
  recruiters: RecruiterSighting[],
): Promise<void> {
  if (recruiters.length === 0) return;
  await tx.query(
    `insert into recruiters (tenant_id, id, name, name_event_at, name_event_id)
     select $1, id, name, name_event_at, name_event_id
       from json_to_recordset($2::json) as r(id text, name text, name_event_at timestamptz, name_event_id text)
     on conflict (tenant_id, id) do update set
       name = excluded.name, name_event_at = excluded.name_event_at, name_event_id = excluded.name_event_id
     where ${NEWER_NAME}`,
    [
      tenantId,
      JSON.stringify(
        recruiters.map((r) => ({
          id: r.id,
          name: r.name,
          name_event_at: r.nameEventAt,
          name_event_id: r.nameEventId,
        })),
      ),
    ],
  );
}

const KEY_TYPES: Record<string, string> = {
  opening_id: 'text',
  day: 'date',
  dimension: 'text',
  value: 'text',
  set_id: 'text',
};

/**
 * Adds counters to rollup rows (created on first use). A row whose counters all come back to
 * zero (an outcome moved to another day by a late event) is deleted, so the rows are the same
 * as if the events had arrived in order.
 */
async function addCounters(
  tx: Queryable,
  tenantId: string,
  table:
    | 'daily_usage'
    | 'tenant_daily_usage'
    | 'attribute_daily_usage'
    | 'attribution_daily_usage'
    | 'attribution_set_daily_usage',
  keys: string[],
  rows: [key: Record<string, string>, counters: UsageCounts][],
): Promise<void> {
  const nonZeroRows = rows.filter(([, c]) => USAGE_COUNT_KEYS.some((k) => c[k] !== 0));
  if (nonZeroRows.length === 0) return;
  const payload = nonZeroRows.map(([key, c]) => {
    const row: Record<string, unknown> = { ...key };
    for (const k of USAGE_COUNT_KEYS) row[COUNTER_COLUMNS[k]] = c[k];
    return row;
  });
  const keyDefs = keys.map((k) => `${k} ${KEY_TYPES[k]}`).join(', ');
  // Only a row something was taken from can have come to zero; the delete runs after the insert.
  const lowered = nonZeroRows.filter(([, c]) => USAGE_COUNT_KEYS.some((k) => c[k] < 0));
  await settleAll([
    tx.query(
      `insert into ${table} (tenant_id, ${keys.join(', ')}, ${counterCols.join(', ')})
       select $1, ${keys.join(', ')}, ${counterCols.join(', ')}
         from json_to_recordset($2::json) as r(${keyDefs},
              ${counterCols.map((c) => `${c} ${c === 'credits_milli' ? 'bigint' : 'int'}`).join(', ')})
       on conflict (tenant_id, ${keys.join(', ')}) do update set
         ${counterCols.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(',\n         ')}`,
      [tenantId, JSON.stringify(payload)],
    ),
    lowered.length === 0
      ? Promise.resolve([])
      : tx.query(
          `delete from ${table} d
            using json_to_recordset($2::json) as r(${keyDefs})
            where d.tenant_id = $1 and ${keys.map((k) => `d.${k} = r.${k}`).join(' and ')}
              and ${counterCols.map((c) => `d.${c} = 0`).join(' and ')}`,
          [tenantId, JSON.stringify(lowered.map(([key]) => key))],
        ),
  ]);
}

/**
 * Moves the candidates per opening and day by `rows` ([openingId, day, who, interviews]): a
 * candidate counts on a day while at least one interview puts them there, so daily_usage.candidates
 * moves by those that come to one or drop to none. Rows left at none are deleted (as if the events
 * had arrived in order), so a stored row always has one or more: a row the upsert inserts (xmax 0)
 * is a candidate come, a row it brings to none one gone. Sent before addToRollups, whose clean-up
 * then sees the candidates.
 */
export async function addCandidates(
  tx: Queryable,
  tenantId: string,
  rows: [openingId: string, day: string, who: string, interviews: number][],
): Promise<void> {
  if (rows.length === 0) return;
  const lowered = rows.filter(([, , , n]) => n < 0);
  await settleAll([
    tx.query(
      `with d as (select * from json_to_recordset($2::json) as d(opening_id text, day date, who text, n int)),
       moved as (
         insert into daily_candidates as c (tenant_id, opening_id, day, who, interviews)
         select $1, opening_id, day, who, n from d
         on conflict (tenant_id, opening_id, day, who) do update set interviews = c.interviews + excluded.interviews
         returning c.opening_id, c.day, case when c.xmax = 0 then 1 when c.interviews = 0 then -1 else 0 end as n)
       insert into daily_usage as u (tenant_id, opening_id, day, candidates)
       select $1, opening_id, day, sum(n)::int from moved
        group by opening_id, day
       having sum(n) <> 0
       on conflict (tenant_id, opening_id, day) do update set candidates = u.candidates + excluded.candidates`,
      [tenantId, JSON.stringify(rows.map(([opening_id, day, who, n]) => ({ opening_id, day, who, n })))],
    ),
    lowered.length === 0
      ? Promise.resolve([])
      : tx.query(
          `delete from daily_candidates c
            using json_to_recordset($2::json) as d(opening_id text, day date, who text)
            where c.tenant_id = $1 and c.opening_id = d.opening_id and c.day = d.day and c.who = d.who
              and c.interviews = 0`,
          [tenantId, JSON.stringify(lowered.map(([opening_id, day, who]) => ({ opening_id, day, who })))],
        ),
  ]);
}

/*
 * The bulk load of a new tenant (the demo, DemoReplay): the rows the functions above would leave
 * after all of its batches, written once each by insertRows. The tenant having no rows yet, an
 * upsert's insert is a plain insert, and every row is built by the same function as theirs.
 */

export async function insertNewEvents(
  tx: TenantQueryable,
  events: (ParsedEvent & { hash: string })[],
): Promise<void> {
  const rows = events.map(eventRow);
  await tx.insertRows('interview_events', Object.keys(rows[0] ?? {}), rows);
}

export async function insertNewInterviews(tx: TenantQueryable, writes: InterviewWrite[]): Promise<void> {
  const rows = writes.map(interviewRow);
  await tx.insertRows('interviews', Object.keys(rows[0] ?? {}), rows);
}

export async function insertNewCandidates(
  tx: TenantQueryable,
  candidates: { id: string; firstSeenAt: string }[],
): Promise<void> {
  const rows = candidates.map(candidateRow);
  await tx.insertRows('candidates', Object.keys(rows[0] ?? {}), rows);
}

/**
 * The candidate days addCandidates would leave from `rows` (each key once, its interviews above
 * zero), and daily_usage.candidates counting them per opening and day, as its upsert does. Sent
 * before addToRollups, like addCandidates.
 */
export async function insertNewCandidateDays(
  tx: TenantQueryable,
  tenantId: string,
  rows: [openingId: string, day: string, who: string, interviews: number][],
): Promise<void> {
  const perDay = new Map<string, { opening_id: string; day: string; n: number }>();
  const days = rows.map(([opening_id, day, who, interviews]) => {
    if (interviews <= 0)
      throw new Error(`A new tenant's candidate day cannot hold ${interviews} interviews.`);
    const key = `${opening_id}\u0000${day}`;
    const counted = perDay.get(key);
    if (counted) counted.n++;
    else perDay.set(key, { opening_id, day, n: 1 });
    return { opening_id, day, who, interviews };
  });
  if (days.length === 0) return;
  await settleAll([
    tx.insertRows('daily_candidates', ['opening_id', 'day', 'who', 'interviews'], days),
    tx.query(
      `insert into daily_usage as u (tenant_id, opening_id, day, candidates)
       select $1, opening_id, day, n from json_to_recordset($2::json) as r(opening_id text, day date, n int)
       on conflict (tenant_id, opening_id, day) do update set candidates = u.candidates + excluded.candidates`,
      [tenantId, JSON.stringify([...perDay.values()])],
    ),
  ]);
}

/**
 * Moves the open invitations per day of invitation by `rows` ([day, n]); a day that comes to none
 * is deleted, so the rows are the same as if the events had arrived in order.
 */
export async function addToOpenInvitations(
  tx: Queryable,
  tenantId: string,
  rows: [day: string, n: number][],
): Promise<void> {
  if (rows.length === 0) return;
  const lowered = rows.filter(([, n]) => n < 0);
  await settleAll([
    tx.query(
      `insert into open_invitation_days as o (tenant_id, day, open_invitations)
       select $1, day, n from json_to_recordset($2::json) as r(day date, n int)
       on conflict (tenant_id, day) do update set open_invitations = o.open_invitations + excluded.open_invitations`,
      [tenantId, JSON.stringify(rows.map(([day, n]) => ({ day, n })))],
    ),
    lowered.length === 0
      ? Promise.resolve([])
      : tx.query(
          `delete from open_invitation_days o using json_to_recordset($2::json) as r(day date)
            where o.tenant_id = $1 and o.day = r.day and o.open_invitations = 0`,
          [tenantId, JSON.stringify(lowered.map(([day]) => ({ day })))],
        ),
  ]);
}
