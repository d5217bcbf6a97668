import type { Queryable, Row } from './database.js';

let cursorCount = 0;

/** A server-side cursor's rows, a batch at a time. */
export interface Cursor<T> {
  /** The next batch of up to `batchSize` rows; empty once none is left. */
  next(): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Reads `sql` through a server-side cursor (DECLARE … FETCH), so a result of millions of rows
 * never sits in this process at once. Plain SQL rather than pg-cursor: it runs the same on PGlite
 * and PostgreSQL through the one Queryable interface (and pg-cursor cannot share a pipelined
 * connection). Must be opened inside a transaction (withTenant), which closes it too should the
 * caller fail before close().
 * Batches are returned rather than yielded by a generator, whose suspended frame would keep the
 * last batch alive while the caller waits on its reader (see ExportWriter on why that matters).
 */
export async function openCursor<T extends Row = Row>(
  tx: Queryable,
  sql: string,
  params: unknown[],
  batchSize = 500,
): Promise<Cursor<T>> {
  const name = `meterline_cursor_${++cursorCount}`;
  // A cursor's plan is by default chosen to give its first tenth of rows fast, which for a large
  // join can be a plan thousands of times slower in total (a merge join on half its key). Every
  // row is read here, so plan for the whole.
  await tx.query('set local cursor_tuple_fraction = 1');
  await tx.query(`declare ${name} no scroll cursor for ${sql}`, params);
  let done = false;
  const fetch = () => tx.query<T>(`fetch forward ${batchSize} from ${name}`);
  // One batch is always asked for ahead: the server makes it while the caller writes this one,
  // instead of each waiting on the other (a third faster for the export's CSV). A failure of the
  // batch ahead is reported by the next() that takes it.
  let ahead: Promise<T[]> | undefined;
  const fetchAhead = () => {
    ahead = fetch();
    ahead.catch(() => {});
  };
  return {
    async next() {
      if (done) return [];
      const rows = await (ahead ?? fetch());
      ahead = undefined;
      done = rows.length < batchSize;
      if (!done) fetchAhead();
      return rows;
    },
    async close() {
      done = true;
      await ahead?.catch(() => {});
      // After a failed statement the transaction is aborted and the cursor gone with it: nothing to close.
      await tx.query(`close ${name}`).catch(() => {});
    },
  };
}
