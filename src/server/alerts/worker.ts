import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { startPeriodic } from '../periodic.js';
import { deliverDueWebhooks } from './delivery.js';

/** Sends due webhooks every `intervalSeconds`, and at start for any a restart left behind. */
export function startWebhookWorker(
  db: Database,
  opts: { intervalSeconds: number; allowPrivate: boolean; now: () => Date; log: FastifyBaseLogger },
): { stop(): Promise<void> } {
  return startPeriodic(async () => {
    try {
      const r = await deliverDueWebhooks(db, opts.now, { allowPrivate: opts.allowPrivate });
      if (r.delivered + r.failed > 0) opts.log.info(r, 'webhooks sent');
      if (r.abandoned > 0) opts.log.warn(r, 'webhooks abandoned after every retry');
    } catch (err) {
      opts.log.error({ err }, 'webhook delivery failed; it will be retried');
    }
  }, opts.intervalSeconds);
}
