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
  // The backend's start too: should `db` reach another server than `tx` (a read that fell back from
  // the replica to the primary, src/server/db/replica.ts), a backend there with the same pid is
  // not cancelled.
  // As text: a Date would drop its microseconds.
  const [row] = await tx.query<{ pid: number; started: string }>(
    'select pid, backend_start::text as started from pg_stat_activity where pid = pg_backend_pid()',
  );
  let sent: Promise<unknown> | undefined;
  const cancel = () => {
    sent = db
      .query(
        'select pg_cancel_backend(pid) from pg_stat_activity where pid = $1 and backend_start = $2::timestamptz',
        [row?.pid, row?.started],
      )
      .catch(() => {});
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
