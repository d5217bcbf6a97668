import type { Writable } from 'node:stream';

/** A column of the Usage sheet: its header, width in characters, number format, and whether it holds dates. */
export interface SheetColumn {
  header: string;
  width: number;
  numFmt?: string;
  date?: boolean;
}

/** A line of the Totals sheet; `numFmt` is that of its second cell. */
export interface TotalsLine {
  values: (string | number | Date)[];
  bold?: boolean;
  numFmt?: string;
}

export function openBook(
  stream: Writable,
  columns: SheetColumn[],
): {
  /**
   * Adds rows to the Usage sheet: `cells` holds their values one row after another, dates as
   * YYYY-MM-DD. Resolves once they are written and the zip's compressor has room for more.
   */
  addRows(cells: (string | number)[]): Promise<void>;
  /** Writes the Totals sheet and the end of the zip; resolves once `stream` has it all. */
  finish(totals: TotalsLine[]): Promise<void>;
};
