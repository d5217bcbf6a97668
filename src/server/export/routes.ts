import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { actorOf, authOf } from '../auth/guard.js';
import { EXPORT_STALL_SECONDS_DEFAULT, MAX_CONCURRENT_EXPORTS_DEFAULT } from '../config.js';
import { DomainError } from '../errors.js';
import { readsFor } from '../http/reads.js';
import { routeOf } from '../http/route.js';
import { planExport, runExport } from './export.js';
import { endedByReader } from './output.js';
import { ExportSlots } from './slots.js';
import { watchStall } from './stall.js';

/** Seconds a refused export is asked to wait: about as long as a large export streams. */
export const EXPORT_RETRY_AFTER_SECONDS = 10;

export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  // An export runs on after its handler returns (it writes the body, then its audit entry); the
  // server's close waits for those running, so a shutdown loses no download's audit entry.
  const running = new Set<Promise<void>>();
  const slots = new ExportSlots(
    app.deps.config.METERLINE_MAX_CONCURRENT_EXPORTS ?? MAX_CONCURRENT_EXPORTS_DEFAULT,
  );
  const stallMs = (app.deps.config.METERLINE_EXPORT_STALL_SECONDS ?? EXPORT_STALL_SECONDS_DEFAULT) * 1000;
  app.addHook('onClose', async () => {
    await Promise.allSettled(running);
  });
  app.route({
    ...routeOf(contract.exportUsage),
    handler: async (request, reply) => {
      const auth = authOf(request);
      const now = app.deps.now();
      const reads = readsFor(request).db;
      const plan = await planExport(reads, auth.tenantId, request.query, now);
      const slot = slots.take(auth.tenantId);
      if ('full' in slot) {
        throw new DomainError(
          'exports_busy',
          slot.full === 'tenant'
            ? `This account already has ${slots.tenantShare} export(s) running; download again once one has finished.`
            : 'The server is running as many exports as it can at once; download again in a few seconds.',
          { retryAfterSeconds: EXPORT_RETRY_AFTER_SECONDS },
        );
      }
      const body = new PassThrough();
      const reader = new AbortController();
      // The download closed early (or finished): stop reading rows. After a finished export this does nothing.
      reply.raw.on('close', () => reader.abort());
      const unwatch = watchStall(body, stallMs, () => {
        request.log.warn({ tenantId: auth.tenantId, stallMs }, 'export stopped: its reader took nothing');
        reader.abort();
        reply.raw.destroy();
      });
      const metrics = app.deps.metrics;
      metrics?.exportsRunning.inc({ format: plan.format });
      const run = runExport(app.deps.db, plan, body, {
        actor: actorOf(auth),
        now,
        signal: reader.signal,
        readFrom: reads,
      }).then(
        () => metrics?.exports.inc({ format: plan.format, status: 'completed' }),
        (err) => {
          const aborted = endedByReader(err, reader.signal);
          if (!aborted) request.log.error({ err }, 'export failed');
          metrics?.exports.inc({ format: plan.format, status: aborted ? 'aborted' : 'failed' });
          // The status and headers are sent: a cut-off body is the one way left to say it failed.
          body.destroy(err);
        },
      );
      running.add(run);
      run.finally(() => {
        running.delete(run);
        slot.release();
        unwatch();
        metrics?.exportsRunning.dec({ format: plan.format });
      });
      return reply
        .header('content-type', contract.CONTENT_TYPES[plan.format])
        .header('content-disposition', `attachment; filename="${plan.fileName}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  });
};
