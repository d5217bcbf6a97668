import type { Database, Queryable } from './database.js';

/**
 * On PostgreSQL, cancels the statement running in transaction `tx` when `signal` aborts: a long
 * statement (the first FETCH of a large export computes its whole aggregate) would otherwise
 * run to its end after the reader has gone. The cancel goes over another pooled connection as
 * pg_cancel_backend, which the application role may send to its own sessions. On PGlite, which
 * runs statements in this thread, there is nothing to interrupt: the caller stops between them.
 *
 * Call `release()` before the transaction ends: it waits for a cancel in flight, so the signal
 * can never reach the connection after it went back to the pool for another request's use.
 */
export async function cancelOnAbort(
  db: Database,
  tx: Queryable,
  signal: AbortSignal | undefined,
): Promise<{ release(): Promise<void> }> {
  if (db.kind !== 'postgres' || !signal) return { release: async () => {} };
  const [row] = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
  let sent: Promise<unknown> | undefined;
  const cancel = () => {
    sent = db.query('select pg_cancel_backend($1)', [row?.pid]).catch(() => {});
  };
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  return {
    async release() {
      signal.removeEventListener('abort', cancel);
      await sent;
    },
  };
}
