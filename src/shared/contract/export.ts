import { z } from 'zod';
import { endpoint, RangeQuery } from './common.js';
import { FILTER_DESCRIPTION, FILTER_FIELDS } from './consumption.js';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type of each format's file. */
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const ExportQuery = RangeQuery.extend({
  // A string checked by the handler, so an unknown format gets its own code (invalid_format).
  format: z
    .string()
    .optional()
    .describe(`${EXPORT_FORMATS.join(' or ')}; csv when absent`),
  ...FILTER_FIELDS,
}).loose();

export const exportUsage = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/export',
  operationId: 'exportUsage',
  tag: 'export',
  summary: 'Usage per date, opening and attribution as a CSV or Excel file (a download), streamed',
  description:
    'One row per local date, opening, recruiter, department and location with activity (interviews without them on one row per date and opening); the .xlsx has a second sheet with the totals. ' +
    `The file is named in Content-Disposition. Every export is audited. ${FILTER_DESCRIPTION}`,
  access: { session: ['account_admin'] },
  query: ExportQuery,
  responses: {
    200: {
      description: 'The file, as an attachment',
      // Streamed by the server, so typed as unknown there; documented as the text or bytes it is.
      content: {
        [CONTENT_TYPES.csv]: {
          schema: z
            .unknown()
            .meta({ type: 'string', description: 'RFC 4180 CSV, UTF-8 with a byte-order mark' }),
        },
        [CONTENT_TYPES.xlsx]: {
          schema: z.unknown().meta({ type: 'string', format: 'binary', description: 'An Excel workbook' }),
        },
      },
    },
  },
  errors: [
    'invalid_format',
    'invalid_range',
    'invalid_date',
    'range_too_long',
    'invalid_filter',
    'exports_busy',
  ],
});
