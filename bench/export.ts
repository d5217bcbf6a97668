import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { addDays } from '../src/shared/calendar.js';

/**
 * The export of 1,000,000 date × opening rows to CSV and to .xlsx through the real route: the
 * server runs in a child process (bench/lib/export-server.ts, which seeds the data) and this
 * process downloads each file over HTTP as a browser would, reading the stream to its end.
 * rows/s is rows over the whole download (query, writing, compressing, sending); peak RSS is
 * the server process's (a fresh one per format), sampled every 20 ms during the download.
 * PostgreSQL when DATABASE_URL is set, else PGlite (whose database lives inside the server
 * process and counts in its RSS).
 */
const GOALS = { csv: 100_000, xlsx: 50_000, peakRssBytes: 200 * 1024 * 1024 };

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
}

function ask<T>(child: ChildProcess, type: string, answer: string): Promise<T> {
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
    if (type) child.send({ type });
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
    return { figures: await download(ready, format, child), database: ready.database };
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
  const met = (f: FormatFigures, goal: number) =>
    f.rowsPerSecond >= goal && f.peakRssBytes < GOALS.peakRssBytes;
  return {
    csv: csv.figures,
    xlsx: xlsx.figures,
    database: csv.database,
    goalsMet: { csv: met(csv.figures, GOALS.csv), xlsx: met(xlsx.figures, GOALS.xlsx) },
  };
}
