import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { APP_ROLE } from '../src/server/db/connect.js';
import type { Database } from '../src/server/db/database.js';
import { ingestEvents } from '../src/server/metering/ingest.js';
import { createTenant } from '../src/server/tenants/create.js';
import { MAX_BATCH } from '../src/shared/contract/events.js';
import { CpuMeter } from './lib/cpu.js';
import { type BenchDatabase, openBenchDatabase } from './lib/database.js';
import { type BenchEvent, generateEvents } from './lib/events.js';
import { withResends } from './lib/resends.js';
import { QueryTimes, timedDatabase } from './lib/timing.js';

/**
 * Ingest throughput: 200,000 realistic events in batches of 1,000 through `ingestEvents` (the
 * code behind POST /api/v1/events) and the same events into a bare table with the raw idempotent
 * multi-row insert, which is the most a batch of inserts can do on this database.
 *
 * The main figures are one stream: one batch at a time, as one client sending in order gets. The
 * two are measured side by side, batch by batch (ingest then raw, raw then ingest, in turn), so
 * that whatever else the machine is doing weighs on both alike and the ratio stays meaningful.
 * A second pair of figures, `concurrent`, is several streams at once (each its own tenant,
 * connection and stream of events of the same shape), for ingest and raw alike: what the server
 * takes in when more than one tenant sends. On PGlite (one connection) the streams take turns.
 * The tenants have no budgets: ingest reads their empty list once per batch, with its first reads
 * (a tenant with block budgets also reads their usage, one query a batch).
 */
const EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 200_000);
/** To see where a batch's time goes: BENCH_EXPLAIN_BATCH=150 prints the plans of batch 150. */
const EXPLAIN_BATCH = Number(process.env.BENCH_EXPLAIN_BATCH ?? -1);
/** Events of each stream of the resend figures (fresh, and the one with resends). */
const RESEND_EVENTS = Number(process.env.BENCH_INGEST_RESEND_EVENTS ?? 100_000);
/** Streams of the concurrent figures. */
const STREAMS = Number(process.env.BENCH_INGEST_STREAMS ?? 2);
const BATCH = MAX_BATCH;
const ACTOR = 'bench';
// Fixed clocks keep runs comparable: the tenant's year starts 2025-01-01, events run to ~November.
const CREATED_AT = new Date('2025-01-01T12:00:00Z');
const INGESTED_AT = new Date('2025-12-15T12:00:00Z');

export interface IngestFigures {
  /** One stream (one batch at a time). */
  eventsPerSecond: number;
  rawEventsPerSecond: number;
  ratio: number;
  database: 'pglite' | 'postgres';
  /** `streams` streams at once, each its own tenant and connection: events/s summed over them. */
  concurrent: { eventsPerSecond: number; rawEventsPerSecond: number; ratio: number; streams: number };
  /**
   * An at-least-once engine: a stream whose batches repeat 20 % already-sent events (1 % changed:
   * conflicts), in events sent per second, beside a stream of new events only, batch by batch.
   */
  resend: { eventsPerSecond: number; freshEventsPerSecond: number; ratioToFresh: number };
}

export async function run(): Promise<IngestFigures> {
  let t0 = performance.now();
  const events = generateEvents({ count: EVENTS });
  const batches: BenchEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
  log(`generated ${events.length.toLocaleString('en')} events in ${ms(t0)} (${describe(events)})`);

  const load = () => loadavg()[0]?.toFixed(1);
  log(
    `load average ${load()} on ${availableParallelism()} cores (other work on the machine slows every figure)`,
  );
  t0 = performance.now();
  const bench = await openBenchDatabase();
  log(`opened ${bench.kind} in ${ms(t0)}`);
  try {
    const tenantId = await benchTenant(bench.db, 'bench-ingest');

    await createRawTable(bench);
    const rawBatches = batches.map(rawRows);
    const times = new QueryTimes();
    let current = 0;
    const db = timedDatabase(bench.db, times, () => current === EXPLAIN_BATCH);
    const batchMs: number[] = [];
    let ingestMs = 0;
    let rawMs = 0;
    const nodeCpu = { ingest: 0, raw: 0 };
    const cpu = new CpuMeter(bench.kind === 'postgres' ? bench.db : null);
    const cpuBefore = await cpu.sample();
    let accepted = 0;
    let duplicates = 0;
    let rejected = 0;
    const timed = async (which: 'ingest' | 'raw', fn: () => Promise<void>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn();
      const elapsed = performance.now() - t0;
      const c = process.cpuUsage(c0);
      nodeCpu[which] += (c.user + c.system) / 1000;
      if (which === 'raw') rawMs += elapsed;
      else {
        ingestMs += elapsed;
        batchMs.push(elapsed);
      }
    };
    const ingestStart = performance.now();
    for (const [i, batch] of batches.entries()) {
      current = i;
      const ingest = () =>
        timed('ingest', async () => {
          const result = await ingestEvents(db, tenantId, batch, { now: INGESTED_AT, actor: ACTOR });
          accepted += result.accepted;
          duplicates += result.duplicates;
          rejected += result.rejected.length;
          if (result.rejected.length > 0 && rejected === result.rejected.length) {
            log(`batch ${i}: first rejection ${JSON.stringify(result.rejected[0])}`);
          }
        });
      const raw = () => timed('raw', () => rawBatch(bench.db, tenantId, rawBatches[i] as RawRow[]));
      if (i % 2 === 0) {
        await ingest();
        await raw();
      } else {
        await raw();
        await ingest();
      }
      if ((i + 1) % 50 === 0) log(`  ${i + 1}/${batches.length} batches, ${ms(ingestStart)}`);
    }
    const cpuAfter = await cpu.sample();
    const eventsPerSecond = (events.length / ingestMs) * 1000;
    const rawEventsPerSecond = (events.length / rawMs) * 1000;
    log(
      `ingest: ${events.length.toLocaleString('en')} events in ${(ingestMs / 1000).toFixed(2)} s → ` +
        `${Math.round(eventsPerSecond).toLocaleString('en')} events/s (accepted ${accepted}, ` +
        `duplicates ${duplicates}, rejected ${rejected})`,
    );
    log(
      `raw:    ${events.length.toLocaleString('en')} events in ${(rawMs / 1000).toFixed(2)} s → ` +
        `${Math.round(rawEventsPerSecond).toLocaleString('en')} events/s (measured batch by batch beside ingest)`,
    );
    const quarter = Math.max(1, Math.floor(batchMs.length / 4));
    log(
      `  per batch: ${quantiles(batchMs)}; first quarter p50 ${quantiles(batchMs.slice(0, quarter), 0.5)}, ` +
        `last quarter p50 ${quantiles(batchMs.slice(-quarter), 0.5)}`,
    );
    const perEvent = (cpuMs: number) => `${Math.round((cpuMs * 1000) / events.length)} µs/event`;
    log(
      `  node CPU: ingest ${perEvent(nodeCpu.ingest)}, raw ${perEvent(nodeCpu.raw)}; both together: ` +
        CpuMeter.describe(cpuBefore, cpuAfter, events.length * 2),
    );
    log(`  where the ingest time goes:\n${times.table(ingestMs)}`);
    if (accepted !== events.length) throw new Error(`Only ${accepted} of ${events.length} events accepted`);
    await summarizeTenant(bench.db, tenantId);

    log(`load average ${load()}`);
    const resend = await resendFigures(bench.db);

    // Concurrent streams before the raw inserts: on PGlite, owner() takes its one session out of the app role.
    log(`load average ${load()}`);
    // Each stream its own tenant and its own events (another seed: other ids and times, freshly built strings).
    const streams: { tenantId: string; batches: BenchEvent[][] }[] = [];
    for (let s = 1; s <= STREAMS; s++) {
      const own = generateEvents({ count: EVENTS, seed: 20250101 + s });
      const ownBatches: BenchEvent[][] = [];
      for (let i = 0; i < own.length; i += BATCH) ownBatches.push(own.slice(i, i + BATCH));
      streams.push({ tenantId: await benchTenant(bench.db, `bench-ingest-${s}`), batches: ownBatches });
    }
    const concurrentCpu = new CpuMeter(bench.kind === 'postgres' ? bench.db : null);
    const concurrentCpuBefore = await concurrentCpu.sample();
    const concurrentStart = performance.now();
    const streamAccepted = await Promise.all(
      streams.map(async (stream) => {
        let n = 0;
        for (const batch of stream.batches)
          n += (await ingestEvents(bench.db, stream.tenantId, batch, { now: INGESTED_AT, actor: ACTOR }))
            .accepted;
        return n;
      }),
    );
    const concurrentMs = performance.now() - concurrentStart;
    const concurrentCpuAfter = await concurrentCpu.sample();
    const concurrentEvents = EVENTS * STREAMS;
    const concurrentPerSecond = (concurrentEvents / concurrentMs) * 1000;
    log(
      `ingest, ${STREAMS} streams at once: ${concurrentEvents.toLocaleString('en')} events in ` +
        `${(concurrentMs / 1000).toFixed(2)} s → ${Math.round(concurrentPerSecond).toLocaleString('en')} events/s ` +
        `(accepted ${streamAccepted.join(' + ')})`,
    );
    log(`  ${CpuMeter.describe(concurrentCpuBefore, concurrentCpuAfter, concurrentEvents)}`);
    if (streamAccepted.some((n) => n !== EVENTS)) throw new Error('A stream had events refused');

    const rawCpu = new CpuMeter(bench.kind === 'postgres' ? bench.db : null);
    const rawConcurrentMs = await rawConcurrent(bench.db, streams, rawCpu);
    const rawConcurrentPerSecond = (concurrentEvents / rawConcurrentMs) * 1000;
    log(
      `raw, ${STREAMS} streams at once: ${concurrentEvents.toLocaleString('en')} events in ` +
        `${(rawConcurrentMs / 1000).toFixed(2)} s → ${Math.round(rawConcurrentPerSecond).toLocaleString('en')} events/s`,
    );

    log(`load average ${load()}`);
    return {
      eventsPerSecond: Math.round(eventsPerSecond),
      rawEventsPerSecond: Math.round(rawEventsPerSecond),
      ratio: ratio(eventsPerSecond, rawEventsPerSecond),
      database: bench.kind,
      concurrent: {
        eventsPerSecond: Math.round(concurrentPerSecond),
        rawEventsPerSecond: Math.round(rawConcurrentPerSecond),
        ratio: ratio(concurrentPerSecond, rawConcurrentPerSecond),
        streams: STREAMS,
      },
      resend,
    };
  } finally {
    await bench.close();
  }
}

/**
 * The resend figures: a stream with resends (bench/lib/resends.ts) and one of new events only, each
 * its own tenant, their batches in turn (which first alternates), so other load weighs on both alike.
 * Both are counted in events sent per second, as the engine sees its batches answered.
 */
async function resendFigures(db: Database): Promise<IngestFigures['resend']> {
  const freshTenant = await benchTenant(db, 'bench-ingest-fresh');
  const resendTenant = await benchTenant(db, 'bench-ingest-resend');
  const freshEvents = generateEvents({ count: RESEND_EVENTS, seed: 20260101 });
  const fresh: BenchEvent[][] = [];
  for (let i = 0; i < freshEvents.length; i += BATCH) fresh.push(freshEvents.slice(i, i + BATCH));
  const resends = withResends(generateEvents({ count: RESEND_EVENTS, seed: 20260102 }), BATCH, 7);
  const totals = {
    fresh: { ms: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0 },
    resend: { ms: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0 },
  };
  const send = async (which: 'fresh' | 'resend', tenant: string, batch: BenchEvent[] | undefined) => {
    if (!batch) return;
    const t0 = performance.now();
    const result = await ingestEvents(db, tenant, batch, { now: INGESTED_AT, actor: ACTOR });
    const t = totals[which];
    t.ms += performance.now() - t0;
    t.sent += batch.length;
    t.accepted += result.accepted;
    t.duplicates += result.duplicates;
    t.rejected += result.rejected.length;
  };
  for (let i = 0; i < Math.max(fresh.length, resends.batches.length); i++) {
    const freshBatch = () => send('fresh', freshTenant, fresh[i]);
    const resendBatch = () => send('resend', resendTenant, resends.batches[i]);
    if (i % 2 === 0) {
      await freshBatch();
      await resendBatch();
    } else {
      await resendBatch();
      await freshBatch();
    }
  }
  const perSecond = (t: { ms: number; sent: number }) => (t.sent / t.ms) * 1000;
  for (const [which, t] of Object.entries(totals)) {
    log(
      `${which.padEnd(6)}: ${t.sent.toLocaleString('en')} events sent in ${(t.ms / 1000).toFixed(2)} s → ` +
        `${Math.round(perSecond(t)).toLocaleString('en')} events/s (accepted ${t.accepted}, duplicates ` +
        `${t.duplicates}, rejected ${t.rejected})`,
    );
  }
  const expected = { accepted: RESEND_EVENTS, duplicates: resends.repeats, rejected: resends.conflicts };
  const { accepted, duplicates, rejected } = totals.resend;
  if (accepted !== expected.accepted || duplicates !== expected.duplicates || rejected !== expected.rejected)
    throw new Error(
      `The resend stream should give ${JSON.stringify(expected)}, not ${JSON.stringify({ accepted, duplicates, rejected })}`,
    );
  if (totals.fresh.accepted !== RESEND_EVENTS) throw new Error('The fresh stream had events refused');
  return {
    eventsPerSecond: Math.round(perSecond(totals.resend)),
    freshEventsPerSecond: Math.round(perSecond(totals.fresh)),
    ratioToFresh: ratio(perSecond(totals.resend), perSecond(totals.fresh)),
  };
}

/** A tenant for the benchmark, on which nothing may be blocked: a yearly million credits, overage far beyond. */
async function benchTenant(db: Database, slug: string): Promise<string> {
  const { id } = await createTenant(
    db,
    {
      slug,
      name: `Bench ${slug}`,
      timeZone: 'America/New_York',
      billingAnchor: '2025-01-01',
      plan: {
        name: 'Bench (yearly)',
        periodUnit: 'year',
        allotmentMilli: 1_000_000_000,
        rolloverMode: 'none',
        overageMode: 'allow',
        overageLimitMilli: 1_000_000_000_000,
        creditPriceCents: 400,
      },
    },
    { now: CREATED_AT, actor: ACTOR },
  );
  return id;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

interface RawRow {
  id: string;
  type: string;
  interview_id: string;
  opening_id: string;
  candidate_id: string | undefined;
  job_title: string | undefined;
  occurred_at: string;
  completion: number | null;
  payload_hash: string;
}

/**
 * The floor to compare with: the same rows into a table with interview_events' columns and
 * primary key (no other index, no row-level security, no other table touched), one
 * `insert … select from json_to_recordset … on conflict do nothing` per batch, each batch its
 * own transaction on the application's connections. Content hashes are computed before the clock
 * starts.
 */
async function createRawTable(bench: BenchDatabase): Promise<void> {
  await bench.asOwner((owner) =>
    owner.exec(`
      drop table if exists bench_raw_events;
      create table bench_raw_events (
        tenant_id uuid not null,
        id text not null,
        type text not null,
        interview_id text not null,
        opening_id text not null,
        candidate_id text,
        job_title text,
        occurred_at timestamptz not null,
        completion double precision,
        payload_hash text not null,
        received_at timestamptz not null default now(),
        primary key (tenant_id, id)
      );
      grant select, insert on bench_raw_events to ${APP_ROLE}`),
  );
}

const rawRows = (batch: BenchEvent[]): RawRow[] =>
  batch.map((e) => ({
    id: e.id,
    type: e.type,
    interview_id: e.interviewId,
    opening_id: e.openingId,
    candidate_id: e.candidateId,
    job_title: e.jobTitle,
    occurred_at: e.occurredAt,
    completion: e.completion ?? null,
    payload_hash: createHash('sha256').update(JSON.stringify(e)).digest('base64url'),
  }));

async function rawBatch(db: Database, tenantId: string, rows: RawRow[]): Promise<void> {
  await db.transaction((tx) =>
    tx.query(
      `insert into bench_raw_events (tenant_id, id, type, interview_id, opening_id, candidate_id, job_title,
                                     occurred_at, completion, payload_hash)
       select $1, id, type, interview_id, opening_id, candidate_id, job_title, occurred_at, completion,
              payload_hash
         from json_to_recordset($2::json) as r(id text, type text, interview_id text, opening_id text,
              candidate_id text, job_title text, occurred_at timestamptz, completion float8, payload_hash text)
       on conflict do nothing`,
      [tenantId, JSON.stringify(rows)],
    ),
  );
}

/** The streams' events into the raw table, each stream sending its batches in turn, all at once. */
async function rawConcurrent(
  db: Database,
  streams: { tenantId: string; batches: BenchEvent[][] }[],
  cpu: CpuMeter,
): Promise<number> {
  const payloads = streams.map((s) => ({ tenantId: s.tenantId, batches: s.batches.map(rawRows) }));
  const cpuBefore = await cpu.sample();
  const t0 = performance.now();
  await Promise.all(
    payloads.map(async ({ tenantId, batches }) => {
      for (const rows of batches) await rawBatch(db, tenantId, rows);
    }),
  );
  const elapsed = performance.now() - t0;
  const cpuAfter = await cpu.sample();
  let expected = 0;
  for (const s of payloads) for (const rows of s.batches) expected += rows.length;
  const [count] = await db.query<{ n: number }>(
    'select count(*)::int as n from bench_raw_events where tenant_id = any($1::uuid[])',
    [streams.map((s) => s.tenantId)],
  );
  if (count?.n !== expected) throw new Error(`Raw insert stored ${count?.n} rows, expected ${expected}`);
  log(`  raw ${CpuMeter.describe(cpuBefore, cpuAfter, expected)}`);
  return elapsed;
}

/** A sanity check that the ingest did real work: what the tenant now holds. */
async function summarizeTenant(db: Database, tenantId: string): Promise<void> {
  const [row] = await db.withTenant(tenantId, (tx) =>
    tx.query<Record<string, number>>(
      `select (select count(*) from interview_events)::int as events,
              (select count(*) from interviews)::int as interviews,
              (select count(*) from openings)::int as openings,
              (select count(*) from candidates)::int as candidates,
              (select count(*) from daily_usage)::int as rollup_rows,
              (select count(*) from ledger_entries where kind = 'consumption')::int as charges,
              (select -sum(amount_milli) from ledger_entries where kind = 'consumption')::bigint as consumed_milli`,
    ),
  );
  log(
    `  stored: ${Object.entries(row ?? {})
      .map(([k, v]) => `${k} ${Number(v).toLocaleString('en')}`)
      .join(', ')}`,
  );
}

function describe(events: BenchEvent[]): string {
  const byType = new Map<string, number>();
  for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
  const interviews = new Set(events.map((e) => e.interviewId)).size;
  const openings = new Set(events.map((e) => e.openingId)).size;
  const types = [...byType].map(([t, n]) => `${t.replace(/^\w+\./, '')} ${n}`).join(', ');
  return `${interviews.toLocaleString('en')} interviews, ${openings} openings; ${types}`;
}

function quantiles(values: number[], only?: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  if (only !== undefined) return `${q(only).toFixed(0)} ms`;
  return `p50 ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${q(1).toFixed(0)} ms`;
}

const ms = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[ingest] ${line}`);
