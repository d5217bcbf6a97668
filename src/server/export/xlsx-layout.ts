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
import { excelDate, type SheetColumn, type TotalsLine } from './xlsx-sheet.mjs';

const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  date: 'yyyy-mm-dd',
  text: undefined,
  count: undefined,
  credits: '#,##0.0##',
};

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

/** The Totals sheet: what the export is, the range's totals (the console's own query) and what each figure means. */
export function totalsLines(summary: ExportSummary): TotalsLine[] {
  const filters = Object.entries(summary.filter);
  return [
    { values: ['Usage export'], bold: true },
    { values: ['Tenant', neutraliseCell(summary.tenantName)] },
    { values: ['From', excelDate(summary.range.from)], numFmt: 'yyyy-mm-dd' },
    { values: ['To (included)', excelDate(summary.range.to)], numFmt: 'yyyy-mm-dd' },
    { values: ['Time zone', summary.timeZone] },
    {
      values: [
        'Filters',
        filters.length === 0 ? 'None' : neutraliseCell(filters.map(([k, v]) => `${k} = ${v}`).join('; ')),
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
