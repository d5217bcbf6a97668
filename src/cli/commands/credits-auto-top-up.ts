import { type Command, InvalidArgumentError } from 'commander';
import { autoTopUpView, changeAutoTopUp } from '../../server/ledger/auto-top-up-settings.js';
import { loadBillingContext } from '../../server/ledger/plans.js';
import type { AutoTopUp } from '../../shared/contract/index.js';
import { formatCredits } from '../../shared/display.js';
import { type CliContext, CliError, tenantBySlug } from '../context.js';

interface Options {
  tenant: string;
  below?: number;
  buy?: number;
  cap?: number;
  off?: boolean;
}

function parseCredits(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError('Expected a number of credits.');
  return n;
}

function describe(v: AutoTopUp): string[] {
  if (!v.configured) return ['Auto top-up is not set.'];
  return [
    `Auto top-up is ${v.enabled ? 'on' : 'off'}: below ${formatCredits(v.belowCredits ?? 0)} credits, ` +
      `buy ${formatCredits(v.buyCredits ?? 0)}, at most ${formatCredits(v.monthlyCapCredits ?? 0)} a month.`,
    `This month (from ${v.month.start}): ${v.month.topUps} top-ups, ${formatCredits(v.month.boughtCredits)} credits` +
      (v.month.cappedAt ? `; the cap stopped a top-up at ${v.month.cappedAt.toISOString()}.` : '.'),
  ];
}

/**
 * `credits auto-top-up` (docs/product.md, Auto top-up): shows a tenant's settings, or sets them with
 * --below, --buy and --cap (all three) or --off; audited as the command line ('cli').
 */
export function registerCreditsAutoTopUp(credits: Command, ctx: CliContext): void {
  credits
    .command('auto-top-up')
    .description("Show a tenant's auto top-up, or set it (--below, --buy, --cap) or turn it off (--off)")
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .option('--below <credits>', 'buy when a charge takes the balance below this', parseCredits)
    .option('--buy <credits>', 'credits each top-up buys', parseCredits)
    .option('--cap <credits>', 'the most credits bought automatically in a calendar month', parseCredits)
    .option('--off', 'turn auto top-up off, keeping its amounts')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run cli -- credits auto-top-up --tenant acme --below 100 --buy 500 --cap 1500\n' +
        '  npm run cli -- credits auto-top-up --tenant acme --off',
    )
    .action(async (opts: Options) => {
      const given = [opts.below, opts.buy, opts.cap].filter((v) => v !== undefined).length;
      if (given !== 0 && given !== 3) throw new CliError('Give --below, --buy and --cap together.');
      const view = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return db.withTenant(tenant.id, async (tx) => {
          const now = ctx.now();
          const current = await autoTopUpView(tx, await loadBillingContext(tx, tenant.id), now);
          if (given === 0 && !opts.off) return current;
          const below = opts.below ?? current.belowCredits;
          const buy = opts.buy ?? current.buyCredits;
          const cap = opts.cap ?? current.monthlyCapCredits;
          if (below === null || buy === null || cap === null) {
            throw new CliError('Auto top-up is not set: give --below, --buy and --cap.');
          }
          const input = { enabled: !opts.off, belowCredits: below, buyCredits: buy, monthlyCapCredits: cap };
          return changeAutoTopUp(tx, tenant.id, input, { actor: 'cli', at: now });
        });
      });
      for (const line of describe(view)) ctx.io.out(line);
    });
}
