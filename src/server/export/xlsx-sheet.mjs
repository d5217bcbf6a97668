// Plain JavaScript, imported by the .xlsx worker thread (xlsx-worker.mjs): a worker started from
// the TypeScript sources would need tsx's loader, which Node 20 runs in a thread of its own per
// worker (~50 MiB more, and seconds to start). Typed in xlsx-sheet.d.mts.
import ExcelJS from 'exceljs';

/**
 * The stream a sheet's XML is piped into on its way to the zip's compressor. ExcelJS pushes into
 * it without waiting, and compressing is slower than writing rows, so it grows without end
 * (40 MB per 100,000 rows) unless the writer waits for it to drain. It is an internal of ExcelJS
 * 4.4.0 (pinned): the sheet's `stream` (a StreamBuf) and the first of its `pipes`. Should a
 * version not have it, only this bound is lost.
 */
export function zipInputOf(sheet) {
  return sheet.stream?.pipes?.[0];
}

/** A local date (YYYY-MM-DD) as the Date ExcelJS turns into that day's serial number (it counts in UTC). */
export function excelDate(day) {
  return new Date(`${day}T00:00:00Z`);
}

/**
 * The workbook, written into `stream` by ExcelJS's streaming writer: each row is committed
 * (serialised and zipped) as it comes, with inline strings instead of a shared-strings table that
 * would grow with the rows. Sheet 1 "Usage" with `columns`: typed cells, a frozen header, an
 * autofilter; sheet 2 "Totals": the lines it is given at the end.
 */
export function openBook(stream, columns) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
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

  return {
    addRows(cells) {
      for (let at = 0; at < cells.length; at += width) {
        const values = cells.slice(at, at + width);
        for (const i of dates) values[i] = excelDate(values[i]);
        const added = usage.addRow(values);
        for (let i = 0; i < width; i++) added.getCell(i + 1).style = styles[i];
        added.commit();
        rows++;
      }
    },
    async drained() {
      const zipInput = zipInputOf(usage);
      if (zipInput?._writableState?.needDrain)
        await new Promise((resolve) => zipInput.once('drain', resolve));
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
