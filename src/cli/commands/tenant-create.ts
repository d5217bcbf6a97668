import { type Command, Option } from 'commander';
import { DEFAULT_PURCHASE_LIMIT_MILLI } from '../../server/ledger/purchases.js';
import { createTenant, DEFAULT_PLAN, type PlanInput } from '../../server/tenants/create.js';
import { isValidTimeZone, localDate, startOfMonth } from '../../shared/calendar.js';
import {
  OVERAGE_MODES,
  type OverageMode,
  PERIOD_UNITS,
  type PeriodUnit,
  ROLLOVER_MODES,
  type RolloverMode,
} from '../../shared/contract/credits.js';
import { milliToCredits } from '../../shared/credits.js';
import { type CliContext, CliError, parseCreditsMilli, parseWholeNumber } from '../context.js';

interface Options {
  slug: string;
  name: string;
  timeZone: string;
  anchor?: string;
  allotment?: number;
  period: PeriodUnit;
  rollover?: RolloverMode;
  rolloverCapPercent?: number;
  rolloverExpiresAfter?: number;
  overage?: OverageMode;
  overageLimit?: number;
  priceCents?: number;
  purchaseLimit?: number;
  planName?: string;
}

/** `tenant create`: a tenant with its plan; its first billing period opens at once. */
export function registerTenantCreate(tenant: Command, ctx: CliContext): void {
  tenant
    .command('create')
    .description('Create a tenant with its plan and open its first billing period; prints the tenant id')
    .requiredOption('--slug <slug>', 'short unique name: 2-63 lowercase letters, digits or dashes')
    .requiredOption('--name <name>', 'the company name')
    .option('--time-zone <tz>', "IANA time zone all the tenant's days and months are in", 'UTC')
    .option('--anchor <YYYY-MM-DD>', 'billing anchor date (default: the 1st of the current month)')
    .option(
      '--allotment <credits>',
      `credits granted each period (default ${milliToCredits(DEFAULT_PLAN.allotmentMilli)})`,
      parseCreditsMilli,
    )
    .addOption(
      new Option('--period <unit>', 'billing period length').choices([...PERIOD_UNITS]).default('month'),
    )
    .addOption(
      new Option(
        '--rollover <mode>',
        `unused credits at period end (default ${DEFAULT_PLAN.rolloverMode})`,
      ).choices([...ROLLOVER_MODES]),
    )
    .option(
      '--rollover-cap-percent <n>',
      'with --rollover capped: at most this % of the allotment rolls over (default 25)',
      parseWholeNumber(0, 100),
    )
    .option(
      '--rollover-expires-after <periods>',
      'rolled-over credits expire after this many periods (default 1; 0: no limit)',
      parseWholeNumber(0, 1000),
    )
    .addOption(
      new Option(
        '--overage <mode>',
        `at zero balance: allow (to a limit) or block (default ${DEFAULT_PLAN.overageMode})`,
      ).choices([...OVERAGE_MODES]),
    )
    .option(
      '--overage-limit <credits>',
      'with --overage allow: how far below zero the balance may go',
      parseCreditsMilli,
    )
    .option(
      '--price-cents <n>',
      `price of one extra credit in cents (default ${DEFAULT_PLAN.creditPriceCents})`,
      parseWholeNumber(0, 100_000_000),
    )
    .option(
      '--purchase-limit <credits>',
      `the most credits one purchase may buy (default ${milliToCredits(DEFAULT_PURCHASE_LIMIT_MILLI).toLocaleString('en-US')})`,
      parseCreditsMilli,
    )
    .option('--plan-name <name>', 'the plan name shown to the tenant')
    .action(async (opts: Options) => {
      if (!isValidTimeZone(opts.timeZone)) throw new CliError(`Unknown time zone '${opts.timeZone}'.`);
      const plan = planFrom(opts);
      const now = ctx.now();
      const billingAnchor = opts.anchor ?? startOfMonth(localDate(now, opts.timeZone));
      const { id, slug } = await ctx.withDatabase((db) =>
        createTenant(
          db,
          { slug: opts.slug, name: opts.name, timeZone: opts.timeZone, billingAnchor, plan },
          { now, actor: 'cli' },
        ),
      );
      ctx.io.out(
        `Created tenant ${slug} (${opts.name}), ${opts.timeZone}, anchored ${billingAnchor}: ` +
          `${milliToCredits(plan.allotmentMilli)} credits a ${plan.periodUnit}, rollover ${plan.rolloverMode}, overage ${plan.overageMode}, ` +
          `at most ${milliToCredits(plan.purchaseLimitMilli ?? DEFAULT_PURCHASE_LIMIT_MILLI)} credits a purchase.`,
      );
      ctx.io.out(id);
    });
}

function planFrom(opts: Options): PlanInput {
  const rolloverMode = opts.rollover ?? DEFAULT_PLAN.rolloverMode;
  const overageMode = opts.overage ?? DEFAULT_PLAN.overageMode;
  if (opts.rolloverCapPercent !== undefined && rolloverMode !== 'capped') {
    throw new CliError('--rollover-cap-percent goes with --rollover capped.');
  }
  if (opts.rolloverExpiresAfter !== undefined && rolloverMode === 'none') {
    throw new CliError('--rollover-expires-after needs --rollover all or capped.');
  }
  if (opts.overageLimit !== undefined && overageMode !== 'allow') {
    throw new CliError('--overage-limit goes with --overage allow.');
  }
  const allotmentMilli = opts.allotment ?? DEFAULT_PLAN.allotmentMilli;
  const expiresAfter = opts.rolloverExpiresAfter ?? DEFAULT_PLAN.rolloverExpiresAfterPeriods ?? null;
  return {
    name:
      opts.planName ??
      `${milliToCredits(allotmentMilli)} credits ${opts.period === 'year' ? 'yearly' : 'monthly'}`,
    periodUnit: opts.period,
    allotmentMilli,
    rolloverMode,
    rolloverCapPercent: rolloverMode === 'capped' ? (opts.rolloverCapPercent ?? 25) : null,
    rolloverExpiresAfterPeriods: rolloverMode === 'none' || expiresAfter === 0 ? null : expiresAfter,
    overageMode,
    overageLimitMilli: overageMode === 'allow' ? (opts.overageLimit ?? 0) : 0,
    creditPriceCents: opts.priceCents ?? DEFAULT_PLAN.creditPriceCents,
    ...(opts.purchaseLimit !== undefined ? { purchaseLimitMilli: opts.purchaseLimit } : {}),
  };
}
