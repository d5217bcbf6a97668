import { withUnsafeReplaced } from '../../shared/text.js';
import {
  CANDIDATE_COUNT_DEFINITION,
  type ColumnKind,
  DAY_DEFINITION,
  EXPORT_COLUMNS,
  ROW_GRAIN_DEFINITION,
  totalsTable,
} from './columns.js';
import { excelDate } from './excel-date.mjs';
import { neutraliseCell } from './neutralise.js';
import type { ExportRow } from './rows.js';
import type { ExportSummary } from './writer.js';
import type { SheetColumn, TotalsLine } from './xlsx-sheet.mjs';

const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  date: 'yyyy-mm-dd',
  text: undefined,
  count: undefined,
  credits: '#,##0.0##',
};

/**
 * Text from users as a cell: neutralised, and with each character XML cannot hold (stored before
 * the API refused them: src/shared/text.ts) as U+FFFD, since one would make the sheet's XML
 * unreadable to Excel and ExcelJS alike.
 */
const cellText = (s: string) => neutraliseCell(withUnsafeReplaced(s));

/** The Usage sheet's columns: the export's, typed. */
export const SHEET_COLUMNS: SheetColumn[] = EXPORT_COLUMNS.map((c) => {
  const numFmt = NUMBER_FORMATS[c.kind];
  return {
    header: c.header,
    width: c.width,
    ...(numFmt ? { numFmt } : {}),
    ...(c.kind === 'date' ? { date: true } : {}),
  };
});

/**
 * Rows as the Usage sheet's cells, one row after another (the worker's `{ cells }`): the export's
 * columns, text as cellText makes it, dates left as YYYY-MM-DD for the worker to type.
 */
export function sheetCells(rows: readonly ExportRow[]): (string | number)[] {
  const cells: (string | number)[] = [];
  for (const row of rows) {
    for (const c of EXPORT_COLUMNS) {
      const v = c.value(row);
      cells.push(typeof v === 'string' && c.kind !== 'date' ? cellText(v) : v);
    }
  }
  return cells;
}

/** The Totals sheet: what the export is, the range's totals (the console's own query) and what each figure means. */
export function totalsLines(summary: ExportSummary): TotalsLine[] {
  const filters = Object.entries(summary.filter);
  return [
    { values: ['Usage export'], bold: true },
    { values: ['Tenant', cellText(summary.tenantName)] },
    { values: ['From', excelDate(summary.range.from)], numFmt: 'yyyy-mm-dd' },
    { values: ['To (included)', excelDate(summary.range.to)], numFmt: 'yyyy-mm-dd' },
    { values: ['Time zone', summary.timeZone] },
    {
      values: [
        'Filters',
        filters.length === 0 ? 'None' : cellText(filters.map(([k, v]) => `${k} = ${v}`).join('; ')),
      ],
    },
    { values: ['Rows', summary.rows] },
    { values: ['Generated at (UTC)', summary.generatedAt.toISOString()] },
    { values: [] },
    { values: ['Figure', 'Total of the range', 'Definition'], bold: true },
    ...totalsTable(summary.totals).map((t) => ({
      values: [t.figure, t.value, t.definition],
      numFmt: t.figure === 'Credits used' ? '#,##0.0##' : '#,##0',
    })),
    { values: [] },
    { values: ['Notes'], bold: true },
    { values: ['Dates', '', DAY_DEFINITION] },
    { values: ['Row grain', '', ROW_GRAIN_DEFINITION] },
    { values: ['Candidate count', '', CANDIDATE_COUNT_DEFINITION] },
    {
      values: [
        'Same as the console',
        '',
        'These totals are computed by the same query as the Consumption console’s summary for this range and filters; the columns of the Usage sheet add up to them.',
      ],
    },
  ];
}
