import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { addDays } from '../src/shared/calendar.js';
import type { Limit } from './lib/export-limits.js';

/**
 * The export of 1,000,000 date × opening rows to CSV and to .xlsx through the real route: the
 * server runs in a child process (bench/lib/export-server.ts, which seeds the data) and this
 * process downloads each file over HTTP as a browser would, reading the stream to its end.
 * rows/s is rows over the whole download (query, writing, compressing, sending); peak RSS is
 * the server process's (a fresh one per format), sampled every 20 ms during the download.
 * PostgreSQL when DATABASE_URL is set, else PGlite (whose database lives inside the server
 * process and counts in its RSS).
 * After each download, in the same process, the same rows by the format's fastest writer
 * (`limitRowsPerSecond`; `ratio` is the export's rows/s over it): PostgreSQL's own COPY to CSV,
 * and ExcelJS's streaming writer fed from memory (bench/lib/export-limits.ts).
 */
const GOALS = { csv: 100_000, xlsx: 50_000, peakRssBytes: 200 * 1024 * 1024 };
/** The export's rows/s over its format's limit (bench/lib/export-limits.ts), measured in the same run. */
const RATIO_GOALS = { csv: 0.5, xlsx: 0.8 };

interface Ready {
  port: number;
  cookie: string;
  database: string;
  rows: number;
  from: string;
  days: number;
  seedSeconds: number;
}

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
}

function ask<T>(child: ChildProcess, type: string, answer: string, extra: object = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== answer) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`The export server exited (${code})`));
    child.on('message', onMessage);
    child.on('exit', onExit);
    if (type) child.send({ type, ...extra });
  });
}

async function download(ready: Ready, format: 'csv' | 'xlsx', child: ChildProcess): Promise<FormatFigures> {
  const to = addDays(ready.from, ready.days - 1);
  const url = `http://127.0.0.1:${ready.port}/api/v1/consumption/export?from=${ready.from}&to=${to}&format=${format}`;
  await ask(child, 'start', 'started');
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie: ready.cookie } });
  if (res.status !== 200 || !res.body) throw new Error(`${format}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  let firstByte = 0;
  for await (const chunk of res.body) {
    if (bytes === 0) firstByte = performance.now();
    bytes += (chunk as Uint8Array).byteLength;
  }
  const seconds = (performance.now() - t0) / 1000;
  // The audit row is written just after the last byte.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const stopped = await ask<{ peakRssBytes: number; baselineRssBytes: number; rows: number }>(
    child,
    'stop',
    'stopped',
  );
  if (stopped.rows !== ready.rows)
    throw new Error(`${format}: exported ${stopped.rows} of ${ready.rows} rows`);
  const figures = {
    limitRowsPerSecond: null,
    ratio: null,
    rows: stopped.rows,
    rowsPerSecond: Math.round(stopped.rows / seconds),
    peakRssBytes: stopped.peakRssBytes,
    baselineRssBytes: stopped.baselineRssBytes,
    seconds: Math.round(seconds * 100) / 100,
    /** Until the first byte: the query's start. */
    firstByteSeconds: Math.round(firstByte - t0) / 1000,
    bytes,
  };
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  console.log(
    `${format}: ${figures.rows.toLocaleString('en')} rows in ${figures.seconds} s = ${figures.rowsPerSecond.toLocaleString('en')} rows/s, first byte after ${figures.firstByteSeconds} s ` +
      `(goal ${GOALS[format].toLocaleString('en')}); ${mib(bytes)} file; server RSS ${mib(figures.baselineRssBytes)} → peak ${mib(figures.peakRssBytes)} (goal < 200 MiB)`,
  );
  return figures;
}

/**
 * Each format in a server process of its own, seeded afresh: a process's RSS does not shrink
 * after an export, so a second export in the same process would start from the first one's peak.
 */
async function exportIn(format: 'csv' | 'xlsx'): Promise<{ figures: FormatFigures; database: string }> {
  const child = fork(join(import.meta.dirname, 'lib', 'export-server.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: 'inherit',
  });
  try {
    console.log(`Seeding the tenant (in the ${format} server's process)…`);
    const ready = await ask<Ready>(child, '', 'ready');
    console.log(
      `${ready.rows.toLocaleString('en')} rows on ${ready.database}, seeded in ${ready.seedSeconds.toFixed(1)} s`,
    );
    const figures = await download(ready, format, child);
    const { limit } = await ask<{ limit: Limit | null }>(child, 'limit', 'limited', { format });
    if (limit && limit.rows !== figures.rows) {
      throw new Error(`${format} limit: wrote ${limit.rows} of ${figures.rows} rows`);
    }
    const ratio = limit ? Math.round((figures.rowsPerSecond / limit.rowsPerSecond) * 1000) / 1000 : null;
    console.log(
      limit
        ? `${format} limit (${format === 'csv' ? "PostgreSQL's COPY … TO STDOUT (FORMAT csv)" : "ExcelJS's streaming writer, rows from memory"}): ` +
            `${limit.rowsPerSecond.toLocaleString('en')} rows/s (${limit.seconds} s); the export's ratio ${ratio} (goal ≥ ${RATIO_GOALS[format]})`
        : `${format} limit: n/a on ${ready.database}`,
    );
    return {
      figures: { ...figures, limitRowsPerSecond: limit?.rowsPerSecond ?? null, ratio },
      database: ready.database,
    };
  } finally {
    if (child.exitCode === null) {
      child.send({ type: 'close' });
      await once(child, 'exit');
    }
  }
}

export async function run() {
  const csv = await exportIn('csv');
  const xlsx = await exportIn('xlsx');
  const met = (f: FormatFigures, format: 'csv' | 'xlsx') =>
    f.rowsPerSecond >= GOALS[format] &&
    f.peakRssBytes < GOALS.peakRssBytes &&
    (f.ratio === null || f.ratio >= RATIO_GOALS[format]);
  return {
    csv: csv.figures,
    xlsx: xlsx.figures,
    database: csv.database,
    goalsMet: { csv: met(csv.figures, 'csv'), xlsx: met(xlsx.figures, 'xlsx') },
  };
}
