import type { Command } from 'commander';
import { closeAllDuePeriods } from '../../server/ledger/close.js';
import { type CliContext, EXIT, parseInstant } from '../context.js';

/** `periods close`: closes every tenant's due billing periods (what the server's scheduler does). */
export function registerPeriodsClose(periods: Command, ctx: CliContext): void {
  periods
    .command('close')
    .description(
      "Close every tenant's billing periods that have ended (expire, roll over, grant); safe to repeat",
    )
    .option('--now <time>', 'close as of this ISO 8601 time instead of the current time', parseInstant)
    .action(async (opts: { now?: Date }) => {
      const now = opts.now ?? ctx.now();
      const results = await ctx.withDatabase((db) => closeAllDuePeriods(db, now));
      if (results.size === 0) ctx.io.out('No tenants.');
      let failed = false;
      for (const [slug, r] of results) {
        if ('error' in r) {
          failed = true;
          ctx.io.err(`${slug}: FAILED: ${r.error.message}`);
          continue;
        }
        const changed = r.closed + r.opened + r.expiredLots > 0;
        ctx.io.out(
          changed
            ? `${slug}: closed ${r.closed} period(s), opened ${r.opened}, expired ${r.expiredLots} lot(s)`
            : `${slug}: nothing due`,
        );
      }
      if (failed) ctx.exitCode = EXIT.problems;
    });
}
