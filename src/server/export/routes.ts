import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, authOf, requireUser } from '../auth/guard.js';
import { errorResponses } from '../http/schemas.js';
import { EXPORT_FORMATS } from './columns.js';
import { CONTENT_TYPES, planExport, runExport } from './export.js';
import { ExportAborted } from './output.js';

export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/consumption/export',
    {
      onRequest: requireUser('account_admin'),
      schema: {
        tags: ['consumption'],
        summary:
          'Usage per date and opening as a CSV or Excel file (a download), streamed; the .xlsx has a totals sheet',
        querystring: z.object({
          from: z
            .string()
            .optional()
            .describe('First local date (YYYY-MM-DD); with to, else the current billing period'),
          to: z.string().optional().describe('Last local date, included'),
          // A string checked by the handler, so an unknown format gets its own code (invalid_format).
          format: z
            .string()
            .optional()
            .describe(`${EXPORT_FORMATS.join(' or ')}; csv when absent`),
        }),
        response: {
          200: z.unknown().describe('The file: text/csv, or an .xlsx workbook'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const now = app.deps.now();
      const plan = await planExport(app.deps.db, auth.tenantId, request.query, now);
      const body = new PassThrough();
      const reader = new AbortController();
      // The download closed early (or finished): stop reading rows. After a finished export this does nothing.
      reply.raw.on('close', () => reader.abort());
      runExport(app.deps.db, plan, body, { actor: actorOf(auth), now, signal: reader.signal }).catch(
        (err) => {
          if (!(err instanceof ExportAborted) && !reader.signal.aborted)
            request.log.error({ err }, 'export failed');
          // The status and headers are sent: a cut-off body is the one way left to say it failed.
          body.destroy(err);
        },
      );
      return reply
        .header('content-type', CONTENT_TYPES[plan.format])
        .header('content-disposition', `attachment; filename="${plan.fileName}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
};
