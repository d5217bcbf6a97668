import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { startPeriodic } from '../periodic.js';
import { closeAllDuePeriods } from './close.js';

/**
 * Closes due billing periods at start (catching up on any the server slept through) and then
 * every `intervalSeconds`. Closing is idempotent, so several servers may run this at once.
 */
export function startPeriodScheduler(
  db: Database,
  opts: { intervalSeconds: number; now: () => Date; log: FastifyBaseLogger },
): { stop(): Promise<void> } {
  return startPeriodic(async () => {
    try {
      const results = await closeAllDuePeriods(db, opts.now());
      for (const [slug, r] of results) {
        if ('error' in r)
          opts.log.error({ tenant: slug, err: r.error }, 'period close failed; it will be retried');
        else if (r.closed + r.opened + r.expiredLots > 0) {
          opts.log.info({ tenant: slug, ...r }, 'billing periods closed');
        }
      }
    } catch (err) {
      opts.log.error({ err }, 'period close failed; it will be retried');
    }
  }, opts.intervalSeconds);
}
