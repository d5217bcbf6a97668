import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { DEMO_LOGINS, DEMO_PASSWORD, loadDemo, MAX_SCALE } from '../../server/demo/load.js';
import type { CliContext } from '../context.js';

function parseScale(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || !(n > 0 && n <= MAX_SCALE)) {
    throw new InvalidArgumentError(`Expected a number above 0 and at most ${MAX_SCALE}.`);
  }
  return n;
}

/** `demo load`: the demo tenants, through the real ingestion; progress goes to stderr. */
export function registerDemoLoad(demo: Command, ctx: CliContext): void {
  demo
    .command('load')
    .description('Load the demo tenants Acme Talent and Globex Hiring (once per database)')
    .option('--scale <n>', 'multiply the demo volume (1: tens of thousands of interviews)', parseScale, 1)
    .action(async (opts: { scale: number }) => {
      const started = Date.now();
      const result = await ctx.withDatabase((db) =>
        loadDemo(db, { now: ctx.now(), scale: opts.scale, log: (msg) => ctx.io.err(msg) }),
      );
      for (const t of result.tenants) {
        ctx.io.out(
          `${t.slug}: ${t.interviews} interviews, ${t.simulations} simulations, ${t.events} events ` +
            `(${t.duplicates} duplicates), balance ${t.balanceCredits} credits`,
        );
      }
      ctx.io.out(
        `Loaded in ${((Date.now() - started) / 1000).toFixed(1)} s. Demo logins (password: ${DEMO_PASSWORD}):`,
      );
      for (const l of DEMO_LOGINS) ctx.io.out(`  ${l.email.padEnd(22)} ${l.role} of ${l.tenant}`);
    });
}
