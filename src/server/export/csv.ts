import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { EXPORT_COLUMNS } from './columns.js';
import { neutraliseCell } from './neutralise.js';
import { drained, endOf, untilGone } from './output.js';
import type { ExportRow } from './rows.js';
import type { ExportWriter } from './writer.js';

function cells(row: ExportRow): string[] {
  return EXPORT_COLUMNS.map((c) => {
    const v = c.value(row);
    return typeof v === 'number' ? String(v) : c.kind === 'text' ? neutraliseCell(v) : v;
  });
}

/**
 * CSV: one header row, then one record per row; a batch is stringified at once (csv-stringify's
 * sync API, faster than a record at a time through its stream) and written with backpressure.
 */
export function csvWriter(out: Writable, signal?: AbortSignal): ExportWriter {
  let started = false;
  const write = async (records: string[][]) => {
    const text = stringify(records, {
      // RFC 4180: CRLF line ends; fields with commas, quotes or line breaks quoted, quotes doubled.
      record_delimiter: 'windows',
      // A byte-order mark first, so Excel reads the file as UTF-8 (job titles in any script stay intact).
      bom: !started,
    });
    started = true;
    out.write(text);
    await drained(out, signal);
  };
  return {
    async writeRows(rows) {
      const records = rows.map(cells);
      if (!started) records.unshift(EXPORT_COLUMNS.map((c) => c.header));
      await write(records);
    },
    async finish() {
      if (!started) await write([EXPORT_COLUMNS.map((c) => c.header)]);
      await Promise.race([endOf(out), untilGone(out, signal)]);
    },
  };
}
