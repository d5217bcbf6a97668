// Plain JavaScript, shared by the .xlsx worker thread (xlsx-sheet.mjs) and the Totals sheet's
// lines made on the export's own thread (xlsx-layout.ts), which thereby never loads ExcelJS.

/** A local date (YYYY-MM-DD) as the Date ExcelJS turns into that day's serial number (it counts in UTC). */
export function excelDate(day) {
  return new Date(`${day}T00:00:00Z`);
}
