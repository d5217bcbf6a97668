// Plain JavaScript, imported by the .xlsx worker thread (xlsx-worker.mjs): a worker started from
// the TypeScript sources would need tsx's loader, which Node 20 runs in a thread of its own per
// worker (~50 MiB more, and seconds to start). Typed in xlsx-sheet.d.mts.
// The streaming writer alone: the package's entry also loads its reader and its in-memory workbook,
// ~9 MiB more in every export's worker for code the export never runs.
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import { excelDate } from './excel-date.mjs';

/**
 * Rows written between two turns of the event loop. The zip's compressor (zlib) works in libuv's
 * pool but needs this thread to hand it each next chunk, so a long run of rows starves it. Measured
 * here, ExcelJS alone wrote 54–71k rows/s in runs of 500 rows and 72–79k in runs of 100.
 */
const ROWS_PER_TURN = 100;

/**
 * The XML a sheet may have waiting for the compressor before its writer waits. ExcelJS pushes into
 * the compressor without waiting, and compressing can fall behind, so the queue would grow without
 * end (40 MB per 100,000 rows). A MiB lets the compressor work through what the last rows made
 * while the next are built, and holds little: waiting at the compressor's own mark (16 KiB, a
 * quarter of one write) made them take turns, and 4 MiB held ~10 MiB more at no gain in rows/s.
 */
const ZIP_QUEUE_BYTES = 1024 * 1024;

/**
 * Resolves once the sheet's zip input holds at most ZIP_QUEUE_BYTES (at once when it does). The
 * input is an internal of ExcelJS 4.4.0 (pinned): the sheet's `stream` (a StreamBuf) and the first
 * of its `pipes`. Should a version not have it, only this bound is lost.
 */
async function zipRoom(sheet) {
  const zipInput = sheet.stream?.pipes?.[0];
  const state = zipInput?._writableState;
  // Past its own mark the stream has `needDrain` set, so 'drain' comes once its queue is empty.
  if (state && state.length > ZIP_QUEUE_BYTES && state.needDrain)
    await new Promise((resolve) => zipInput.once('drain', resolve));
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The workbook, written into `stream` by ExcelJS's streaming writer: each row is committed
 * (serialised and zipped) as it comes, with inline strings instead of a shared-strings table that
 * would grow with the rows. Sheet 1 "Usage" with `columns`: typed cells, a frozen header, an
 * autofilter; sheet 2 "Totals": the lines it is given at the end.
 */
export function openBook(stream, columns) {
  const workbook = new WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Meterline';
  const usage = workbook.addWorksheet('Usage', { views: [{ state: 'frozen', ySplit: 1 }] });
  usage.columns = columns.map((c) => ({ width: c.width }));
  const header = usage.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  // One style object per column, given to every cell of the column. ExcelJS finds a style it has
  // seen by object identity and otherwise serialises it to look it up, which, with a fresh style
  // object per cell, was a third of the time per row.
  const styles = columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {}));
  const dates = columns.flatMap((c, i) => (c.date ? [i] : []));
  const width = columns.length;
  let rows = 0;

  // Rows come by day: one Date per day rather than one per row.
  let day = '';
  let date;
  const dateOf = (d) => {
    if (d !== day) {
      day = d;
      date = excelDate(d);
    }
    return date;
  };

  return {
    async addRows(cells) {
      for (let at = 0; at < cells.length; at += width) {
        const values = cells.slice(at, at + width);
        for (const i of dates) values[i] = dateOf(values[i]);
        const added = usage.addRow(values);
        for (let i = 0; i < width; i++) added.getCell(i + 1).style = styles[i];
        added.commit();
        rows++;
        if (rows % ROWS_PER_TURN === 0) await nextTurn();
      }
      await zipRoom(usage);
    },
    async finish(lines) {
      usage.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows + 1, column: width } };
      usage.commit();
      const totals = workbook.addWorksheet('Totals');
      totals.columns = [
        { width: 24 },
        { width: 16 },
        { width: 110, style: { alignment: { wrapText: true } } },
      ];
      for (const line of lines) {
        const r = totals.addRow(line.values);
        if (line.bold) r.font = { bold: true };
        if (line.numFmt) r.getCell(2).numFmt = line.numFmt;
      }
      totals.commit();
      await workbook.commit();
    },
  };
}
