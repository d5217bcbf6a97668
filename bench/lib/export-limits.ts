import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { binder } from '../../src/server/consumption/filters.js';
import type { DateRange } from '../../src/server/consumption/range.js';
import { APP_ROLE } from '../../src/server/db/connect.js';
import type { Database } from '../../src/server/db/database.js';
import { EXPORT_COLUMNS } from '../../src/server/export/columns.js';
import { exportRowsSql, openExportRows } from '../../src/server/export/rows.js';
import { zipInputOf } from '../../src/server/export/xlsx-sheet.mjs';
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
 * .xlsx at ExcelJS's own pace: the same rows read into memory first (untimed), each as the cells
 * the export writes (typed values, one shared style per column), then only ExcelJS's streaming
 * writer timed, with the export's options (inline strings, styles) and its wait for the zip,
 * into a counting sink.
 */
export async function xlsxLimit(db: Database, tenantId: string, range: DateRange): Promise<Limit> {
  const styles: Partial<ExcelJS.Style>[] = EXPORT_COLUMNS.map((c) =>
    c.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : c.kind === 'credits' ? { numFmt: '#,##0.0##' } : {},
  );
  const cells: (string | number | Date)[][] = [];
  await db.withTenant(tenantId, async (tx) => {
    const cursor = await openExportRows(tx, tenantId, range, NO_FILTER, 5000);
    for (let batch = await cursor.next(); batch.length > 0; batch = await cursor.next()) {
      for (const row of batch) {
        cells.push(
          EXPORT_COLUMNS.map((c) =>
            c.kind === 'date' ? new Date(`${c.value(row)}T00:00:00Z`) : c.value(row),
          ),
        );
      }
    }
    await cursor.close();
  });
  const t0 = performance.now();
  let bytes = 0;
  const sink = counter((chunk) => {
    bytes += chunk.length;
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Usage');
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ width: c.width }));
  sheet.addRow(EXPORT_COLUMNS.map((c) => c.header)).commit();
  for (const [n, values] of cells.entries()) {
    const row = sheet.addRow(values);
    for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i] ?? {};
    row.commit();
    // Every 500 rows (the export's batch), wait for the zip's input as the export does (xlsx.ts):
    // unbounded, its buffer grows by 40 MB per 100,000 rows and the collector's work with it.
    if (n % 500 === 499) {
      const zipInput = zipInputOf(sheet);
      if (zipInput?._writableState?.needDrain) await once(zipInput, 'drain');
    }
  }
  sheet.commit();
  await workbook.commit();
  if (bytes === 0) throw new Error('ExcelJS wrote nothing');
  return limitOf(cells.length, t0);
}
