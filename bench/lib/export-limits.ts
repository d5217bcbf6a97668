import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { binder } from '../../src/server/consumption/filters.js';
import type { DateRange } from '../../src/server/consumption/range.js';
import { APP_ROLE } from '../../src/server/db/connect.js';
import type { Database } from '../../src/server/db/database.js';
import { exportRowsSql, openExportRows } from '../../src/server/export/rows.js';
import { SHEET_COLUMNS, sheetCells } from '../../src/server/export/xlsx-layout.js';
import { openBook } from '../../src/server/export/xlsx-sheet.mjs';
import { NO_FILTER } from '../../src/shared/filters.js';

/**
 * What the export's two formats could do at best on this machine, to set its rows/s beside
 * (bench/export.ts): the same rows written by the fastest thing that can write them.
 */
export interface Limit {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const limitOf = (rows: number, since: number): Limit => {
  const seconds = (performance.now() - since) / 1000;
  return { rows, seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(rows / seconds) };
};

/** A sink that counts what it is given: the limit is the writer's, not a disk's or a socket's. */
function counter(onChunk: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      onChunk(chunk);
      done();
    },
  });
}

/**
 * CSV at PostgreSQL's own pace: the export's query (exportRowsSql, the same rows in the same
 * order) under `COPY (…) TO STDOUT (FORMAT csv)`, read to its end through pg-copy-streams, as the
 * application's role in the tenant (row-level security on, as the export runs). COPY takes no
 * parameters, so they are written into the text as literals (a uuid and two dates).
 */
export async function copyCsvLimit(url: string, tenantId: string, range: DateRange): Promise<Limit> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const params: unknown[] = [tenantId, range.from, range.to];
    const sql = exportRowsSql(NO_FILTER, binder(params)).replace(
      /\$(\d+)/g,
      (_, n: string) => `'${String(params[Number(n) - 1]).replaceAll("'", "''")}'`,
    );
    // As the export's transaction: no JIT (rows.ts), the app's role, the tenant set.
    await client.query(`set jit = off; set role ${APP_ROLE}`);
    await client.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
    const t0 = performance.now();
    let rows = 0;
    await pipeline(
      client.query(copyTo(`copy (${sql}) to stdout (format csv)`)),
      counter((chunk) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      }),
    );
    return limitOf(rows, t0);
  } finally {
    await client.end();
  }
}

/**
 * .xlsx at ExcelJS's own pace: the same rows read into memory first (untimed), in the export's
 * batches and shaped as the export sends them to its worker (sheetCells), then only the export's
 * own workbook code (openBook: ExcelJS's streaming writer, its options, its turns and its wait for
 * the zip) timed on this thread, into a counting sink: the export less the database, the worker's
 * messages and HTTP.
 */
export async function xlsxLimit(db: Database, tenantId: string, range: DateRange): Promise<Limit> {
  const batches: (string | number)[][] = [];
  let rows = 0;
  await db.withTenant(tenantId, async (tx) => {
    const cursor = await openExportRows(tx, tenantId, range, NO_FILTER);
    for (let batch = await cursor.next(); batch.length > 0; batch = await cursor.next()) {
      rows += batch.length;
      batches.push(sheetCells(batch));
    }
    await cursor.close();
  });
  const t0 = performance.now();
  let bytes = 0;
  const book = openBook(
    counter((chunk) => {
      bytes += chunk.length;
    }),
    SHEET_COLUMNS,
  );
  for (const cells of batches) await book.addRows(cells);
  await book.finish([]);
  if (bytes === 0) throw new Error('ExcelJS wrote nothing');
  return limitOf(rows, t0);
}
