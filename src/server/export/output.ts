import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';

/** Thrown when the export's reader went away (a closed download, an aborted signal). */
export class ExportAborted extends Error {
  constructor() {
    super('The export was stopped: its reader went away.');
  }
}

/**
 * Whether an export that failed with `err` was stopped by its reader (gone, or `signal` aborted):
 * once the reader has gone, whatever broke next (a closed stream) is that, not a failure.
 */
export function endedByReader(err: unknown, signal?: AbortSignal): boolean {
  return err instanceof ExportAborted || signal?.aborted === true;
}

/**
 * Resolves once `out` can take more (at once when its buffer is below the high-water mark);
 * rejects with its error when it fails, with ExportAborted when it is closed first or `signal` aborts.
 * This is the writers' backpressure: nothing reads the next rows while the reader lags.
 */
export function drained(out: Writable, signal?: AbortSignal): Promise<void> {
  if (out.errored) return Promise.reject(out.errored);
  if (out.destroyed || out.writableEnded || signal?.aborted) return Promise.reject(new ExportAborted());
  if (!out.writableNeedDrain) return Promise.resolve();
  return drainOf(out, out, signal);
}

/**
 * Resolves at the next 'drain' of `stream` (a stream between the writer and `out`); rejects as
 * drained() does when `out` fails or closes, or `signal` aborts, in the meantime.
 */
export function drainOf(stream: EventEmitter, out: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      out.off('close', onGone);
      out.off('error', onGone);
      signal?.removeEventListener('abort', onGone);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onGone = () => done(out.errored ?? new ExportAborted());
    stream.on('drain', onDrain);
    out.on('close', onGone);
    out.on('error', onGone);
    signal?.addEventListener('abort', onGone);
  });
}

/** Ends `out` and resolves once everything written has been flushed. */
export function endOf(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    out.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** Rejects when `out` fails (its error) or is closed before it finished, or `signal` aborts (ExportAborted). */
export function untilGone(out: Writable, signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const gone = () => {
      if (!out.writableFinished) reject(out.errored ?? new ExportAborted());
    };
    if (out.destroyed || signal?.aborted) gone();
    out.once('close', gone);
    out.once('error', gone);
    signal?.addEventListener('abort', gone, { once: true });
  });
}
