import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';

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

export function zipInputOf(
  sheet: ExcelJS.Worksheet,
): (EventEmitter & { _writableState?: { needDrain?: boolean } }) | undefined;

export function excelDate(day: string): Date;

export function openBook(
  stream: Writable,
  columns: SheetColumn[],
): {
  /** Adds rows to the Usage sheet: `cells` holds their values one row after another, dates as YYYY-MM-DD. */
  addRows(cells: (string | number)[]): void;
  /** Resolves once the zip's input has room again (at once when it has). */
  drained(): Promise<void>;
  /** Writes the Totals sheet and the end of the zip; resolves once `stream` has it all. */
  finish(totals: TotalsLine[]): Promise<void>;
};
