import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  CANDIDATE_COUNT_DEFINITION,
  type ColumnKind,
  DAY_DEFINITION,
  EXPORT_COLUMNS,
  ROW_GRAIN_DEFINITION,
  totalsTable,
} from './columns.js';
import { neutraliseCell } from './neutralise.js';
import type { ExportSummary } from './writer.js';

const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  date: 'yyyy-mm-dd',
  text: undefined,
  count: undefined,
  credits: '#,##0.0##',
};

/**
 * One style object per column, given to every cell of the column. ExcelJS finds a style it has
 * seen by object identity and otherwise serialises it to look it up, which, with a fresh style
 * object per cell, was a third of the time per row.
 */
const COLUMN_STYLES: Partial<ExcelJS.Style>[] = EXPORT_COLUMNS.map((c) => {
  const numFmt = NUMBER_FORMATS[c.kind];
  return numFmt ? { numFmt } : {};
});
const DATE_COLUMNS = EXPORT_COLUMNS.flatMap((c, i) => (c.kind === 'date' ? [i] : []));

/**
 * The stream a sheet's XML is piped into on its way to the zip's compressor. ExcelJS pushes into
 * it without waiting, and compressing is slower than writing rows, so it grows without end
 * (40 MB per 100,000 rows) unless the writer waits for it to drain. It is an internal of ExcelJS
 * 4.4.0 (pinned): the sheet's `stream` (a StreamBuf) and the first of its `pipes`. Should a
 * version not have it, only this bound is lost.
 */
interface Pending extends EventEmitter {
  _writableState?: { needDrain?: boolean };
}
export function zipInputOf(sheet: ExcelJS.Worksheet): Pending | undefined {
  const pipes = (sheet as unknown as { stream?: { pipes?: Pending[] } }).stream?.pipes;
  return pipes?.[0];
}

/** A local date as the Date ExcelJS turns into that day's serial number (it counts in UTC). */
export function excelDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/**
 * The workbook, written into `stream` by ExcelJS's streaming writer: each row is committed
 * (serialised and zipped) as it comes, with inline strings instead of a shared-strings table that
 * would grow with the rows. Sheet 1 "Usage": typed cells, a frozen header, an autofilter; sheet 2
 * "Totals": the range's totals (from the console's own query) and what each figure means.
 */
export function openBook(stream: Writable) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Meterline';
  const usage = workbook.addWorksheet('Usage', { views: [{ state: 'frozen', ySplit: 1 }] });
  usage.columns = EXPORT_COLUMNS.map((c) => ({ width: c.width }));
  const header = usage.addRow(EXPORT_COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  let rows = 0;
  const width = EXPORT_COLUMNS.length;

  return {
    /** Adds rows to the Usage sheet: `cells` holds their values one row after another, dates as YYYY-MM-DD. */
    addRows(cells: (string | number)[]) {
      for (let at = 0; at < cells.length; at += width) {
        const values: (string | number | Date)[] = cells.slice(at, at + width);
        for (const i of DATE_COLUMNS) values[i] = excelDate(String(values[i]));
        const added = usage.addRow(values);
        for (let i = 0; i < width; i++) added.getCell(i + 1).style = COLUMN_STYLES[i] ?? {};
        added.commit();
        rows++;
      }
    },
    /** Resolves once the zip's input has room again (at once when it has). */
    async drained() {
      const zipInput = zipInputOf(usage);
      if (zipInput?._writableState?.needDrain) {
        await new Promise((resolve) => zipInput.once('drain', resolve));
      }
    },
    /** Writes the Totals sheet and the end of the zip; resolves once `stream` has it all. */
    async finish(summary: ExportSummary) {
      usage.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows + 1, column: width } };
      usage.commit();

      const totals = workbook.addWorksheet('Totals');
      totals.columns = [
        { width: 24 },
        { width: 16 },
        { width: 110, style: { alignment: { wrapText: true } } },
      ];
      const line = (values: (string | number | Date)[], bold = false) => {
        const r = totals.addRow(values);
        if (bold) r.font = { bold: true };
        return r;
      };
      line(['Usage export'], true);
      line(['Tenant', neutraliseCell(summary.tenantName)]);
      line(['From', excelDate(summary.range.from)]).getCell(2).numFmt = 'yyyy-mm-dd';
      line(['To (included)', excelDate(summary.range.to)]).getCell(2).numFmt = 'yyyy-mm-dd';
      line(['Time zone', summary.timeZone]);
      const filters = Object.entries(summary.filter);
      line([
        'Filters',
        filters.length === 0 ? 'None' : neutraliseCell(filters.map(([k, v]) => `${k} = ${v}`).join('; ')),
      ]);
      line(['Rows', summary.rows]);
      line(['Generated at (UTC)', summary.generatedAt.toISOString()]);
      line([]);
      line(['Figure', 'Total of the range', 'Definition'], true);
      for (const t of totalsTable(summary.totals)) {
        const r = line([t.figure, t.value, t.definition]);
        r.getCell(2).numFmt = t.figure === 'Credits used' ? '#,##0.0##' : '#,##0';
      }
      line([]);
      line(['Notes'], true);
      line(['Dates', '', DAY_DEFINITION]);
      line(['Row grain', '', ROW_GRAIN_DEFINITION]);
      line(['Candidate count', '', CANDIDATE_COUNT_DEFINITION]);
      line([
        'Same as the console',
        '',
        'These totals are computed by the same query as the Consumption console’s summary for this range and filters; the columns of the Usage sheet add up to them.',
      ]);
      totals.commit();
      await workbook.commit();
    },
  };
}
