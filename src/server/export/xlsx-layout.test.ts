import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ExportRow } from './rows.js';
import { SHEET_COLUMNS, sheetCells, totalsLines } from './xlsx-layout.js';
import { openBook } from './xlsx-sheet.mjs';

/** Every character XML 1.0 cannot hold that PostgreSQL can store (src/shared/text.ts). */
const UNSTORABLE_IN_XML = [
  ...Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).filter((c) => !'\u0000\t\n\r'.includes(c)),
  '\ufffe',
  '\uffff',
];

const row = (text: string): ExportRow => ({
  day: '2026-03-10',
  openingId: `op-${text}`,
  jobTitle: `Nurse ${text}`,
  recruiterId: `rec-${text}`,
  recruiterName: `Ann ${text}`,
  department: `Care ${text}`,
  location: `Paris ${text}`,
  candidates: 1,
  counts: {
    invited: 1,
    started: 1,
    completed: 1,
    partiallyCompleted: 0,
    expired: 0,
    cancelled: 0,
    simulations: 0,
    creditsMilli: 1000,
  },
});

describe('the .xlsx written from stored text', () => {
  it('opens in ExcelJS whatever characters were stored, each XML cannot hold shown as U+FFFD', async () => {
    const out = new PassThrough();
    const file = buffer(out);
    const book = openBook(out, SHEET_COLUMNS);
    await book.addRows(sheetCells(UNSTORABLE_IN_XML.map(row)));
    await book.finish(
      totalsLines({
        tenantName: 'Acme \uffff',
        timeZone: 'Europe/Paris',
        range: { from: '2026-03-01', to: '2026-03-31' },
        filter: { department: 'Care \ufffe', 'tag.team': '\u0001a' },
        totals: row('').counts,
        rows: UNSTORABLE_IN_XML.length,
        generatedAt: new Date('2026-03-20T12:00:00Z'),
      }),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await file) as unknown as ArrayBuffer);
    const usage = wb.getWorksheet('Usage');
    expect(usage?.rowCount).toBe(UNSTORABLE_IN_XML.length + 1);
    const texts = (n: number) => [2, 3, 4, 5, 6, 7].map((c) => usage?.getRow(n).getCell(c).value);
    for (let n = 2; n <= UNSTORABLE_IN_XML.length + 1; n++) {
      expect(texts(n)).toEqual([
        'op-\ufffd',
        'Nurse \ufffd',
        'rec-\ufffd',
        'Ann \ufffd',
        'Care \ufffd',
        'Paris \ufffd',
      ]);
    }
    const totals = new Map<unknown, unknown>();
    wb.getWorksheet('Totals')?.eachRow((r) => {
      totals.set(r.getCell(1).value, r.getCell(2).value);
    });
    expect(totals.get('Tenant')).toBe('Acme \ufffd');
    expect(totals.get('Filters')).toBe('department = Care \ufffd; tag.team = \ufffda');
  });
});
