// The .xlsx export's worker thread (see xlsx.ts), plain JavaScript for the reason given in
// xlsx-sheet.mjs: builds the workbook from the rows it is sent and posts the file's bytes back.
// workerData: the Usage sheet's columns. Messages in: `{ cells }` (a batch of rows), then
// `{ totals }` (the Totals sheet's lines). Out: the bytes (each chunk's buffer transferred),
// `{ took: true }` once a batch is written and the zip's compressor has room for the next,
// `{ done: true }` once the file is complete.
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { openBook } from './xlsx-sheet.mjs';

const book = openBook(
  new Writable({
    write(chunk, _encoding, done) {
      // A copy of its own to transfer: the chunk may be a view of a buffer shared with others.
      const bytes = new Uint8Array(chunk);
      parentPort.postMessage(bytes, [bytes.buffer]);
      done();
    },
  }),
  workerData,
);

// One message at a time, in order: a batch's rows are all written before the next batch's.
let queue = Promise.resolve();
parentPort.on('message', (message) => {
  queue = queue
    .then(async () => {
      if (message.cells) {
        await book.addRows(message.cells);
        parentPort.postMessage({ took: true });
      } else {
        await book.finish(message.totals);
        parentPort.postMessage({ done: true });
      }
    })
    // Thrown out of the promise so that it ends the thread: the export's side sees the worker's 'error'.
    .catch((err) =>
      process.nextTick(() => {
        throw err;
      }),
    );
});
