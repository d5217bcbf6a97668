import type { UsageCounts } from '../../shared/metrics.js';
import type { DateRange } from '../consumption/range.js';
import type { ExportRow } from './rows.js';

/** What a file's second part (the .xlsx totals sheet) says about the export. */
export interface ExportSummary {
  tenantName: string;
  timeZone: string;
  range: DateRange;
  /** The filters as query parameters (`department=Nursing`), empty when none. */
  filter: Record<string, string>;
  totals: UsageCounts;
  rows: number;
  generatedAt: Date;
}

/**
 * A file format's writer: rows in batches, then the end of the file. A batch is written
 * synchronously and taken: its array is emptied. A reference the caller's suspended async frame
 * may still hold while it waits in drained() then keeps nothing alive; batches kept alive across
 * those waits were moved to the old generation by the garbage collector, whose heap grew by
 * ~100 MB per million rows before a full collection.
 */
export interface ExportWriter {
  /** Writes the rows and empties `rows`; returns how many were written. */
  writeRows(rows: ExportRow[]): number;
  /** Resolves once the output can take the next batch (the writers' backpressure). */
  drained(): Promise<void>;
  finish(summary: ExportSummary): Promise<void>;
  /** Frees what the writer holds (the .xlsx's worker thread), whether the export finished or not. */
  close(): Promise<void>;
}
