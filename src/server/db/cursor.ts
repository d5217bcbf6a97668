import type { Queryable, Row } from './database.js';

let cursorCount = 0;

/**
 * The rows of `sql` in batches of `batchSize`, read through a server-side cursor (DECLARE …
 * FETCH), so a result of millions of rows never sits in this process at once. Plain SQL rather
 * than pg-cursor: it runs the same on PGlite and PostgreSQL through the one Queryable interface.
 * Must be called inside a transaction (withTenant); the cursor closes when the generator ends,
 * and with the transaction should the caller stop early or fail.
 */
export async function* cursorRows<T extends Row = Row>(
  tx: Queryable,
  sql: string,
  params: unknown[],
  batchSize = 500,
): AsyncGenerator<T[]> {
  const name = `meterline_cursor_${++cursorCount}`;
  // A cursor's plan is by default chosen to give its first tenth of rows fast, which for a large
  // join can be a plan thousands of times slower in total (a merge join on half its key). Every
  // row is read here, so plan for the whole.
  await tx.query('set local cursor_tuple_fraction = 1');
  await tx.query(`declare ${name} no scroll cursor for ${sql}`, params);
  try {
    while (true) {
      const rows = await tx.query<T>(`fetch forward ${batchSize} from ${name}`);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) return;
    }
  } finally {
    // After a failed statement the transaction is aborted and the cursor gone with it: nothing to close.
    await tx.query(`close ${name}`).catch(() => {});
  }
}
