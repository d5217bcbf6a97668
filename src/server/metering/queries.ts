import type { Queryable } from '../db/database.js';
import type { ParsedEvent } from './events.js';
import { COUNTER_COLUMNS, type UsageCounters } from './rollup.js';
import type { InterviewRecord } from './state.js';

/** SQL of the ingest pipeline; each function does one set-based statement for a whole batch. */

export interface StoredInterview {
  record: InterviewRecord;
  chargedMilli: number;
  reversed: boolean;
}

const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).getTime());

export async function findEventHashes(
  tx: Queryable,
  tenantId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<{ id: string; payload_hash: string }>(
    'select id, payload_hash from interview_events where tenant_id = $1 and id = any($2::text[])',
    [tenantId, ids],
  );
  return new Map(rows.map((r) => [r.id, r.payload_hash]));
}

export async function findInterviews(
  tx: Queryable,
  tenantId: string,
  ids: string[],
): Promise<Map<string, StoredInterview>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query(
    `select id, opening_id, candidate_id, is_simulation, invited_at, started_at, completed_at, ended_at,
            expired_at, cancelled_at, completion, charged_milli, reversed_at
       from interviews where tenant_id = $1 and id = any($2::text[])`,
    [tenantId, ids],
  );
  const out = new Map<string, StoredInterview>();
  for (const r of rows) {
    out.set(r.id as string, {
      record: {
        id: r.id as string,
        openingId: r.opening_id as string,
        candidateId: (r.candidate_id as string | null) ?? null,
        isSimulation: r.is_simulation as boolean,
        invitedAt: ms(r.invited_at) as number,
        startedAt: ms(r.started_at),
        completedAt: ms(r.completed_at),
        endedAt: ms(r.ended_at),
        expiredAt: ms(r.expired_at),
        cancelledAt: ms(r.cancelled_at),
        completion: Number(r.completion),
      },
      chargedMilli: Number(r.charged_milli),
      reversed: r.reversed_at !== null,
    });
  }
  return out;
}

export async function insertEvents(
  tx: Queryable,
  tenantId: string,
  events: (ParsedEvent & { hash: string })[],
): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    id: e.id,
    type: e.type,
    interview_id: e.interviewId,
    opening_id: e.openingId,
    candidate_id: e.candidateId ?? null,
    job_title: e.jobTitle ?? null,
    occurred_at: e.occurredAt,
    completion: e.completion ?? null,
    payload_hash: e.hash,
  }));
  await tx.query(
    `insert into interview_events (tenant_id, id, type, interview_id, opening_id, candidate_id, job_title,
                                   occurred_at, completion, payload_hash)
     select $1, id, type, interview_id, opening_id, candidate_id, job_title, occurred_at, completion, payload_hash
       from jsonb_to_recordset($2::jsonb) as r(id text, type text, interview_id text, opening_id text,
            candidate_id text, job_title text, occurred_at timestamptz, completion float8, payload_hash text)
     on conflict do nothing`,
    [tenantId, JSON.stringify(rows)],
  );
}

export interface OpeningSighting {
  id: string;
  jobTitle: string;
  titleEventAt: string;
  titleEventId: string;
  firstSeenAt: string;
}

// Byte order ("C") for ids, as in the JavaScript comparison of the same ids.
const NEWER_TITLE = `(excluded.title_event_at > openings.title_event_at or (excluded.title_event_at = openings.title_event_at
  and excluded.title_event_id collate "C" > openings.title_event_id collate "C"))`;

/** The title kept is the one from the latest event (occurred_at, then event id): order-free. */
export async function upsertOpenings(
  tx: Queryable,
  tenantId: string,
  openings: OpeningSighting[],
): Promise<void> {
  if (openings.length === 0) return;
  await tx.query(
    `insert into openings (tenant_id, id, job_title, title_event_at, title_event_id, created_at)
     select $1, id, job_title, title_event_at, title_event_id, created_at
       from jsonb_to_recordset($2::jsonb) as r(id text, job_title text, title_event_at timestamptz,
            title_event_id text, created_at timestamptz)
     on conflict (tenant_id, id) do update set
       job_title = case when ${NEWER_TITLE} then excluded.job_title else openings.job_title end,
       title_event_id = case when ${NEWER_TITLE} then excluded.title_event_id else openings.title_event_id end,
       title_event_at = greatest(openings.title_event_at, excluded.title_event_at),
       created_at = least(openings.created_at, excluded.created_at)`,
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

export async function upsertCandidates(
  tx: Queryable,
  tenantId: string,
  candidates: { id: string; firstSeenAt: string }[],
): Promise<void> {
  if (candidates.length === 0) return;
  await tx.query(
    `insert into candidates (tenant_id, id, first_seen_at)
     select $1, id, first_seen_at from jsonb_to_recordset($2::jsonb) as r(id text, first_seen_at timestamptz)
     on conflict (tenant_id, id) do update set first_seen_at = least(candidates.first_seen_at, excluded.first_seen_at)`,
    [tenantId, JSON.stringify(candidates.map((c) => ({ id: c.id, first_seen_at: c.firstSeenAt })))],
  );
}

export interface InterviewWrite {
  record: InterviewRecord;
  state: string;
  chargedMilli: number;
  chargeRule: string;
  chargeRuleVersion: number;
}

const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());

export async function upsertInterviews(
  tx: Queryable,
  tenantId: string,
  writes: InterviewWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const rows = writes.map(({ record: r, ...w }) => ({
    id: r.id,
    opening_id: r.openingId,
    candidate_id: r.candidateId,
    is_simulation: r.isSimulation,
    state: w.state,
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
  }));
  await tx.query(
    `insert into interviews (tenant_id, id, opening_id, candidate_id, is_simulation, state, invited_at, started_at,
                             completed_at, ended_at, expired_at, cancelled_at, completion, charged_milli,
                             charge_rule, charge_rule_version)
     select $1, id, opening_id, candidate_id, is_simulation, state, invited_at, started_at, completed_at, ended_at,
            expired_at, cancelled_at, completion, charged_milli, charge_rule, charge_rule_version
       from jsonb_to_recordset($2::jsonb) as r(id text, opening_id text, candidate_id text, is_simulation boolean,
            state text, invited_at timestamptz, started_at timestamptz, completed_at timestamptz,
            ended_at timestamptz, expired_at timestamptz, cancelled_at timestamptz, completion float8,
            charged_milli bigint, charge_rule text, charge_rule_version int)
     on conflict (tenant_id, id) do update set
       candidate_id = excluded.candidate_id, state = excluded.state, invited_at = excluded.invited_at,
       started_at = excluded.started_at, completed_at = excluded.completed_at, ended_at = excluded.ended_at,
       expired_at = excluded.expired_at, cancelled_at = excluded.cancelled_at, completion = excluded.completion,
       charged_milli = excluded.charged_milli, charge_rule = excluded.charge_rule,
       charge_rule_version = excluded.charge_rule_version, updated_at = now()`,
    [tenantId, JSON.stringify(rows)],
  );
}

const counterKeys = Object.keys(COUNTER_COLUMNS) as (keyof UsageCounters)[];
const counterCols = counterKeys.map((k) => COUNTER_COLUMNS[k]);

/**
 * Adds deltas to the daily rollups (rows are created on first use). A row whose counters all
 * come back to zero (an outcome moved to another day by a late event) is deleted, so the rows
 * are the same as if the events had arrived in order.
 */
export async function addToRollups(
  tx: Queryable,
  tenantId: string,
  rows: [openingId: string, day: string, counters: UsageCounters][],
): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map(([opening_id, day, c]) => {
    const row: Record<string, unknown> = { opening_id, day };
    for (const k of counterKeys) row[COUNTER_COLUMNS[k]] = c[k];
    return row;
  });
  await tx.query(
    `insert into daily_usage (tenant_id, opening_id, day, ${counterCols.join(', ')})
     select $1, opening_id, day, ${counterCols.join(', ')}
       from jsonb_to_recordset($2::jsonb) as r(opening_id text, day date,
            ${counterCols.map((c) => `${c} ${c === 'credits_milli' ? 'bigint' : 'int'}`).join(', ')})
     on conflict (tenant_id, opening_id, day) do update set
       ${counterCols.map((c) => `${c} = daily_usage.${c} + excluded.${c}`).join(',\n       ')}`,
    [tenantId, JSON.stringify(payload)],
  );
  // Only a row something was taken from can have come to zero.
  const lowered = rows.filter(([, , c]) => counterKeys.some((k) => c[k] < 0));
  if (lowered.length === 0) return;
  await tx.query(
    `delete from daily_usage d
      using jsonb_to_recordset($2::jsonb) as r(opening_id text, day date)
      where d.tenant_id = $1 and d.opening_id = r.opening_id and d.day = r.day
        and ${counterCols.map((c) => `d.${c} = 0`).join(' and ')}`,
    [tenantId, JSON.stringify(lowered.map(([opening_id, day]) => ({ opening_id, day })))],
  );
}
