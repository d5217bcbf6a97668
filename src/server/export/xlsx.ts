import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { drained, endOf, untilGone } from './output.js';
import type { ExportWriter } from './writer.js';
import { SHEET_COLUMNS, sheetCells, totalsLines } from './xlsx-layout.js';
import type { TotalsLine } from './xlsx-sheet.mjs';

/** Messages to the worker and from it (xlsx-worker.mjs). */
type ToWorker = { cells: (string | number)[] } | { totals: TotalsLine[] };
type FromWorker = Uint8Array | { took: true } | { done: true };

/** The worker thread: its module beside this one, or the bundle's entry beside the bundle (dist/server). */
const WORKER = new URL(
  import.meta.url.endsWith('.js') ? './xlsx-worker.js' : './xlsx-worker.mjs',
  import.meta.url,
);
/**
 * The worker's young generation is kept small: its garbage is each batch's rows, dead once written,
 * and V8's default lets it grow to ~48 MiB first. At 8 MiB the worker's heap stayed at ~31 MiB
 * through an export of 1M rows, against ~44 MiB; at 4 MiB the server's peak was ~8 MiB lower
 * again (185-188 MiB against 193-196), at the same rows/s within the run's noise.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };
export const startXlsxWorker = () =>
  new Worker(WORKER, { workerData: SHEET_COLUMNS, resourceLimits: WORKER_LIMITS });

/**
 * .xlsx (see xlsx-sheet.mjs for the file), written by ExcelJS in a worker thread: building the
 * sheet's XML is most of an export's time, and in the worker it runs while this thread reads and
 * shapes the next batch, rather than after it. Backpressure end to end: a batch is sent only once
 * the worker has taken the one before it (written it, and its compressor has room) and `out` has
 * drained, so at most two batches and the bytes of one are held. The worker's failure is the
 * export's; the worker is ended by close(), whether the export finished, failed or was aborted.
 */
export function xlsxWriter(out: Writable, signal?: AbortSignal, start = startXlsxWorker): ExportWriter {
  const thread = start();
  const gone = untilGone(out, signal);
  gone.catch(() => {});
  let failure: Error | undefined;
  let sent = 0;
  let taken = 0;
  let done = false;
  let wake: (() => void) | undefined;
  const settle = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  thread.on('message', (message: FromWorker) => {
    if (ArrayBuffer.isView(message)) {
      if (!out.destroyed) out.write(message);
      return;
    }
    if ('took' in message) taken++;
    else done = true;
    settle();
  });
  thread.on('error', (err) => {
    failure = err;
    settle();
  });
  thread.on('exit', (code) => {
    if (!done)
      failure ??= new Error(`The .xlsx worker stopped before the file was complete (exit code ${code}).`);
    settle();
  });
  const send = (message: ToWorker) => thread.postMessage(message);
  /** Resolves once `ready()` holds; rejects when the worker fails or `out` goes away first. */
  const until = async (ready: () => boolean) => {
    while (!failure && !ready()) {
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), gone]);
    }
    if (failure) throw failure;
  };

  return {
    writeRows(rows) {
      const cells = sheetCells(rows);
      if (cells.length > 0) {
        send({ cells });
        sent++;
      }
      return rows.splice(0).length;
    },
    async drained() {
      // One batch may be in the worker while this thread fetches and shapes the next.
      await until(() => sent - taken <= 1);
      await drained(out, signal);
    },
    async finish(summary) {
      send({ totals: totalsLines(summary) });
      await until(() => done);
      await Promise.race([endOf(out), gone]);
    },
    async close() {
      await thread.terminate();
    },
  };
}
