import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchDatabase, openBenchDatabase } from './lib/database.js';
import { copyCsvLimit, type Limit, xlsxLimit } from './lib/export-limits.js';
import { EXPORT_LOGIN, type ExportSeed, exportedRows, seedExportTenant } from './lib/export-seed.js';
import { type StartedServer, startServer } from './lib/started-server.js';
import type { BenchOptions } from './main.js';

/**
 * The export of 1,000,000 date × opening rows to CSV and to .xlsx through the real route, from the
 * server as `npm start` runs it (src/server/start.mjs: the bundle, in a process of its own, a fresh
 * one per format: a process's RSS does not shrink after an export). This process seeds the tenant
 * (bench/lib/export-seed.ts) and downloads each file over HTTP as a browser would, reading the
 * stream to its end. rows/s is rows over the whole download (query, writing, compressing, sending);
 * peak RSS is the server's highest resident memory during the download (Linux's VmHWM, reset just
 * before it), beside its resident memory at rest, before it. PostgreSQL when DATABASE_URL is set,
 * else PGlite (its folder seeded here, then opened by the server; the database lives inside the
 * server's process and counts in its RSS).
 * Each format's download and its limit, the same rows by the format's fastest writer
 * (`limitRowsPerSecond`; `ratio` is the export's rows/s over it), are taken `--rounds` times (3) in turn
 * and the best of each kept, so that a moment's noise on the machine moves neither: PostgreSQL's
 * own COPY to CSV, and the export's own workbook code fed from memory (bench/lib/export-limits.ts).
 */
/**
 * The goals: the export's rows/s over its format's limit (bench/lib/export-limits.ts), measured in
 * the same run, so that they hold on any machine; and the server's peak RSS for 1M rows.
 */
const RATIO_GOALS = { csv: 0.5, xlsx: 0.8 };
const PEAK_RSS_GOAL_BYTES = 200 * 1024 * 1024;
const FORMATS = ['csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];

interface FormatFigures {
  rows: number;
  rowsPerSecond: number;
  peakRssBytes: number;
  baselineRssBytes: number;
  seconds: number;
  firstByteSeconds: number;
  bytes: number;
  /** The same rows by the format's fastest writer: PostgreSQL's COPY for CSV, ExcelJS alone for .xlsx. */
  limitRowsPerSecond: number | null;
  ratio: number | null;
  /** Every round's rows/s, the export's and its limit's: the spread the best figures came from. */
  rounds: { rowsPerSecond: number; limitRowsPerSecond: number | null }[];
}

type Download = Omit<FormatFigures, 'limitRowsPerSecond' | 'ratio' | 'rounds'>;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

/** A figure of /proc/<pid>/status in bytes: VmRSS (resident now) or VmHWM (its peak). */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  )?.[1];
  if (kib === undefined) throw new Error(`No ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(EXPORT_LOGIN),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('meterline_session='))
    ?.split(';')[0];
  if (!cookie) throw new Error(`The bench's login failed: ${res.status} ${await res.text()}`);
  return cookie;
}

async function download(server: StartedServer, seed: ExportSeed, format: Format): Promise<Download> {
  const cookie = await login(server.url);
  const url = `${server.url}/api/v1/consumption/export?from=${seed.range.from}&to=${seed.range.to}&format=${format}`;
  const baselineRssBytes = memoryOf(server.pid, 'VmRSS');
  // Linux: 5 into clear_refs sets the peak (VmHWM) back to the resident memory of now.
  writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  if (res.status !== 200 || !res.body) throw new Error(`${format}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  let firstByte = 0;
  for await (const chunk of res.body) {
    if (bytes === 0) firstByte = performance.now();
    bytes += (chunk as Uint8Array).byteLength;
  }
  const seconds = (performance.now() - t0) / 1000;
  const peakRssBytes = memoryOf(server.pid, 'VmHWM');
  return {
    rows: seed.rows,
    rowsPerSecond: Math.round(seed.rows / seconds),
    peakRssBytes,
    baselineRssBytes,
    seconds: Math.round(seconds * 100) / 100,
    /** Until the first byte: the query's start. */
    firstByteSeconds: Math.round(firstByte - t0) / 1000,
    bytes,
  };
}

/** One round of a format: a fresh server's download, then (the server stopped) the format's limit. */
async function round(
  format: Format,
  seed: ExportSeed,
  bench: { open(): Promise<BenchDatabase>; serverEnv: Record<string, string> },
): Promise<{ download: Download; limit: Limit | null }> {
  const server = await startServer(['node', 'src/server/start.mjs'], {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    METERLINE_DEMO: 'false',
    ...bench.serverEnv,
  });
  let figures: Download;
  try {
    figures = await download(server, seed, format);
  } finally {
    await server.stop();
  }
  const db = await bench.open();
  try {
    const rows = await exportedRows(db, seed.tenantId);
    if (rows !== seed.rows) throw new Error(`${format}: exported ${rows} of ${seed.rows} rows`);
    const limit =
      format === 'xlsx'
        ? await xlsxLimit(db.db, seed.tenantId, seed.range)
        : db.url
          ? await copyCsvLimit(db.url, seed.tenantId, seed.range)
          : null;
    if (limit && limit.rows !== seed.rows)
      throw new Error(`${format} limit: wrote ${limit.rows} of ${seed.rows} rows`);
    console.log(
      `  ${format}: ${figures.rowsPerSecond.toLocaleString('en')} rows/s in ${figures.seconds} s (first byte after ${figures.firstByteSeconds} s, ${mib(figures.bytes)}); ` +
        `server RSS ${mib(figures.baselineRssBytes)} at rest → peak ${mib(figures.peakRssBytes)}; ` +
        (limit
          ? `limit ${limit.rowsPerSecond.toLocaleString('en')} rows/s (${limit.seconds} s)`
          : 'no limit on PGlite'),
    );
    return { download: figures, limit };
  } finally {
    // PGlite's folder is the server's again next round; PostgreSQL's scratch database stays open.
    if (db.kind === 'pglite') await db.close();
  }
}

async function exportIn(format: Format, seed: ExportSeed, bench: Parameters<typeof round>[2], count: number) {
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  for (let i = 0; i < count; i++) rounds.push(await round(format, seed, bench));
  const best = rounds.reduce((a, b) => (b.download.rowsPerSecond > a.download.rowsPerSecond ? b : a));
  const limits = rounds.flatMap((r) => (r.limit ? [r.limit.rowsPerSecond] : []));
  const limitRowsPerSecond = limits.length > 0 ? Math.max(...limits) : null;
  const ratio = limitRowsPerSecond
    ? Math.round((best.download.rowsPerSecond / limitRowsPerSecond) * 1000) / 1000
    : null;
  const figures: FormatFigures = {
    ...best.download,
    // The highest peak of any round: memory is a ceiling, not a best case.
    peakRssBytes: Math.max(...rounds.map((r) => r.download.peakRssBytes)),
    limitRowsPerSecond,
    ratio,
    rounds: rounds.map((r) => ({
      rowsPerSecond: r.download.rowsPerSecond,
      limitRowsPerSecond: r.limit?.rowsPerSecond ?? null,
    })),
  };
  console.log(
    `${format}: best ${figures.rowsPerSecond.toLocaleString('en')} rows/s, ` +
      `peak RSS ${mib(figures.peakRssBytes)} (goal < ${PEAK_RSS_GOAL_BYTES / 1024 / 1024} MiB); ` +
      (ratio === null
        ? 'limit n/a on PGlite'
        : `limit (${format === 'csv' ? "PostgreSQL's COPY … TO STDOUT (FORMAT csv)" : "the export's workbook code, rows from memory"}) ` +
          `best ${limitRowsPerSecond?.toLocaleString('en')} rows/s; the export's ratio ${ratio} (goal ≥ ${RATIO_GOALS[format]})`),
  );
  return figures;
}

/** Options: `--formats csv,xlsx` (both by default), `--rounds 3`. */
export async function run(options: BenchOptions) {
  const formats = (options.formats ?? FORMATS.join(',')).split(',') as Format[];
  const unknown = formats.filter((f) => !FORMATS.includes(f));
  if (unknown.length > 0)
    throw new Error(`--formats: ${unknown.join(', ')} is not one of ${FORMATS.join(', ')}`);
  const rounds = Number(options.rounds ?? 3);
  const pgliteDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'meterline-export-'));
  const folder = pgliteDir && join(pgliteDir, 'pglite');
  const bench = await openBenchDatabase(folder);
  try {
    console.log(`Seeding the tenant on ${bench.kind}…`);
    const seed = await seedExportTenant(bench);
    console.log(`${seed.rows.toLocaleString('en')} rows seeded in ${seed.seedSeconds.toFixed(1)} s`);
    const database = bench.kind;
    const url = bench.url;
    if (folder) await bench.close();
    const serverEnv: Record<string, string> = url
      ? { DATABASE_URL: url }
      : { DATABASE_URL: '', METERLINE_DATA_DIR: folder ?? '' };
    const sides = { open: async () => (folder ? openBenchDatabase(folder) : bench), serverEnv };
    const figures: Partial<Record<Format, FormatFigures>> = {};
    for (const format of formats) figures[format] = await exportIn(format, seed, sides, rounds);
    const met = (f: FormatFigures, format: Format) =>
      f.peakRssBytes < PEAK_RSS_GOAL_BYTES && (f.ratio === null || f.ratio >= RATIO_GOALS[format]);
    const goalsMet = Object.fromEntries(
      Object.entries(figures).map(([format, f]) => [format, met(f, format as Format)]),
    );
    return { ...figures, database, goalsMet };
  } finally {
    if (!folder) await bench.close();
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  }
}
