import type { UsageCounts } from '../../shared/metrics.js';
import type { DateRange } from '../consumption/range.js';
import type { ExportRow } from './rows.js';

/** What a file's second part (the .xlsx totals sheet) says about the export. */
export interface ExportSummary {
  tenantName: string;
  timeZone: string;
  range: DateRange;
  totals: UsageCounts;
  rows: number;
  generatedAt: Date;
}

/** A file format's writer: rows in batches, then the end of the file. */
export interface ExportWriter {
  writeRows(rows: ExportRow[]): Promise<void>;
  finish(summary: ExportSummary): Promise<void>;
}
