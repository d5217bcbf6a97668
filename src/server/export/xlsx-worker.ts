import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import type { ExportSummary } from './writer.js';
import { openBook } from './xlsx-book.js';

/**
 * The .xlsx export's worker thread (see xlsx.ts): builds the workbook from the rows it is sent and
 * posts the file's bytes back. Messages in: `{ cells }` (a batch of rows), then `{ summary }`.
 * Out: the bytes (each chunk's buffer transferred), `{ took }` once a batch is written and the
 * zip's compressor has room for the next, `{ done }` once the file is complete.
 */
export type ToWorker = { cells: (string | number)[] } | { summary: ExportSummary };
export type FromWorker = Uint8Array | { took: true } | { done: true };

const port = parentPort;
if (!port) throw new Error('xlsx-worker.ts runs as a worker thread');
const post = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

const book = openBook(
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      // A copy of its own to transfer: the chunk may be a view of a buffer shared with others.
      const bytes = new Uint8Array(chunk);
      post(bytes, [bytes.buffer]);
      done();
    },
  }),
);

// One message at a time, in order: a batch's rows are all written before the next batch's.
let queue = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(async () => {
    if ('cells' in message) {
      book.addRows(message.cells);
      await book.drained();
      post({ took: true });
    } else {
      await book.finish(message.summary);
      post({ done: true });
    }
  });
  // Thrown out of the promise so that it ends the thread: the export's side sees the worker's 'error'.
  queue = queue.catch((err: unknown) =>
    process.nextTick(() => {
      throw err;
    }),
  );
});
