import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ExportAborted } from './output.js';
import type { ExportRow } from './rows.js';
import { startXlsxWorker, xlsxWriter } from './xlsx.js';

const row = (): ExportRow => ({
  day: '2026-03-10',
  openingId: 'op-1',
  jobTitle: 'Nurse',
  recruiterId: null,
  recruiterName: null,
  department: null,
  location: null,
  candidates: 2,
  counts: {
    invited: 2,
    started: 2,
    completed: 1,
    partiallyCompleted: 1,
    expired: 0,
    cancelled: 0,
    simulations: 0,
    creditsMilli: 1500,
  },
});
const batch = (n: number) => Array.from({ length: n }, row);
const exited = (w: Worker) => new Promise((resolve) => w.once('exit', resolve));

describe('xlsxWriter', () => {
  it('fails the export with the worker’s error, and close() ends the worker', async () => {
    let worker: Worker | undefined;
    const writer = xlsxWriter(new PassThrough().resume(), undefined, () => {
      worker = new Worker(
        `require('node:worker_threads').parentPort.once('message', () => { throw new Error('the worker broke'); });`,
        { eval: true },
      );
      return worker;
    });
    writer.writeRows(batch(10));
    writer.writeRows(batch(10));
    await expect(writer.drained()).rejects.toThrow('the worker broke');
    await writer.close();
    expect(worker?.threadId).toBe(-1);
  });

  it('stops at the next batch when the reader goes away mid-file, and close() ends the worker', async () => {
    let worker: Worker | undefined;
    // Never read: the file backs up as a download nobody reads would.
    const out = new PassThrough();
    const reader = new AbortController();
    const writer = xlsxWriter(out, reader.signal, () => {
      worker = startXlsxWorker();
      return worker;
    });
    const gone = exited(worker as Worker);
    let written = 0;
    const run = (async () => {
      for (;;) {
        written += writer.writeRows(batch(500));
        await writer.drained();
      }
    })();
    await expect.poll(() => out.readableLength, { timeout: 20_000 }).toBeGreaterThan(0);
    reader.abort();
    await expect(run).rejects.toBeInstanceOf(ExportAborted);
    await writer.close();
    await gone;
    expect(worker?.threadId).toBe(-1);
    expect(written).toBeLessThan(1_000_000);
  });
});
