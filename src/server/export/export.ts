import type { Writable } from 'node:stream';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/contract/export.js';
import { filterParams, isFiltered, type UsageFilter } from '../../shared/filters.js';
import { writeAudit } from '../auth/audit.js';
import { filterOfQuery } from '../consumption/filters.js';
import { usageTotals } from '../consumption/queries.js';
import { type DateRange, resolveRange } from '../consumption/range.js';
import { cancelOnAbort } from '../db/cancel.js';
import { type Database, one } from '../db/database.js';
import { DomainError } from '../errors.js';
import { loadBillingContext } from '../ledger/plans.js';
import { isExportFormat } from './columns.js';
import { csvWriter } from './csv.js';
import { ExportAborted, endedByReader } from './output.js';
import { openExportRows } from './rows.js';
import { xlsxWriter } from './xlsx.js';

/** An export checked and ready to stream: the tenant, the range and the file's name. */
export interface ExportPlan {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  timeZone: string;
  range: DateRange;
  /** Only the interviews the filter selects (docs/product.md, Filters). */
  filter: UsageFilter;
  format: ExportFormat;
  fileName: string;
}

/** Says the tenant and the range; slugs are [a-z0-9-] and dates digits, so it is safe in a header as is. */
export const exportFileName = (slug: string, range: DateRange, format: ExportFormat) =>
  `meterline-usage-${slug}-${range.from}-to-${range.to}.${format}`;

/**
 * Checks an export request before anything is sent: the format (csv when absent) and the range
 * by the console's own rule (both dates or neither for the current billing period; valid dates,
 * from not after to, at most five years) and the filters. Throws a DomainError with a stable code.
 */
export async function planExport(
  db: Database,
  tenantId: string,
  query: { from?: string; to?: string; format?: string },
  now: Date,
): Promise<ExportPlan> {
  const filter = filterOfQuery(query);
  const format = query.format ?? 'csv';
  if (!isExportFormat(format)) {
    throw new DomainError(
      'invalid_format',
      `format must be one of ${EXPORT_FORMATS.join(', ')}, got ${format}.`,
    );
  }
  return db.withTenant(tenantId, async (tx) => {
    const ctx = await loadBillingContext(tx, tenantId);
    const range = resolveRange(query, ctx, now);
    const tenant = await one<{ slug: string; name: string }>(
      tx,
      'select slug, name from tenants where id = $1',
      [tenantId],
    );
    return {
      tenantId,
      tenantSlug: tenant.slug,
      tenantName: tenant.name,
      timeZone: ctx.timeZone,
      range,
      filter,
      format,
      fileName: exportFileName(tenant.slug, range, format),
    };
  });
}

export interface ExportOptions {
  /** Who asked, for the audit log: 'user:<email>' or 'cli'. */
  actor: string;
  now: Date;
  /** Aborted when the reader goes away: no further rows are read. */
  signal?: AbortSignal;
  /** Rows per fetch from the database. */
  batchSize?: number;
  /** Where the rows are read (the read replica); `db`, which the audit log is written to, by default. */
  readFrom?: Database;
}

export type ExportStatus = 'completed' | 'aborted' | 'failed';

/**
 * Streams the export into `out` and ends it: rows through a database cursor, a batch at a time,
 * each written only once `out` has taken the one before. When `signal` aborts, no further rows
 * are fetched and, on PostgreSQL, the statement running is cancelled. The totals (the .xlsx's
 * second sheet) are the console's usageTotals for the range and filters. Every export, finished or not, is
 * written to the audit log with who, range, format, rows and how it ended.
 */
export async function runExport(
  db: Database,
  plan: ExportPlan,
  out: Writable,
  opts: ExportOptions,
): Promise<{ rows: number }> {
  const { tenantId, range, filter, format, timeZone } = plan;
  const source = opts.readFrom ?? db;
  let rows = 0;
  let status: ExportStatus = 'failed';
  try {
    await source.withTenant(tenantId, async (tx) => {
      const running = await cancelOnAbort(source, tx, opts.signal);
      try {
        const totals = await usageTotals(tx, tenantId, range, filter);
        const writer = format === 'csv' ? csvWriter(out, opts.signal) : xlsxWriter(out, opts.signal);
        try {
          const batches = await openExportRows(tx, tenantId, range, filter, opts.batchSize);
          try {
            for (;;) {
              if (opts.signal?.aborted) throw new ExportAborted();
              // Each batch goes straight to the writer, so nothing holds it while `out` drains (cursor.ts).
              const written = writer.writeRows(await batches.next());
              if (written === 0) break;
              rows += written;
              await writer.drained();
            }
          } finally {
            await batches.close();
          }
          await writer.finish({
            tenantName: plan.tenantName,
            timeZone,
            range,
            filter: filterParams(filter),
            totals,
            rows,
            generatedAt: opts.now,
          });
        } finally {
          await writer.close();
        }
      } finally {
        await running.release();
      }
    });
    status = 'completed';
    return { rows };
  } catch (err) {
    if (endedByReader(err, opts.signal)) status = 'aborted';
    throw err;
  } finally {
    await db.withTenant(tenantId, (tx) =>
      writeAudit(tx, tenantId, { actor: opts.actor, at: opts.now }, 'usage.exported', {
        from: range.from,
        to: range.to,
        ...(isFiltered(filter) ? { filter: filterParams(filter) } : {}),
        format,
        rows,
        status,
        fileName: plan.fileName,
      }),
    );
  }
}
