import { type Command, InvalidArgumentError, Option } from 'commander';
import { checkBudget } from '../../server/budgets/input.js';
import { createBudget, deleteBudget } from '../../server/budgets/store.js';
import { listBudgetViews } from '../../server/budgets/view.js';
import {
  BUDGET_ACTIONS,
  BUDGET_WINDOW_LABELS,
  BUDGET_WINDOWS,
  type BudgetAction,
  type BudgetScopeKind,
  type BudgetWindow,
} from '../../shared/budgets.js';
import { type CliContext, CliError, tenantBySlug } from '../context.js';

const COLUMNS = [
  'id',
  'scope',
  'credits',
  'window',
  'on exhausted',
  'used',
  'remaining',
  'runs out',
] as const;

function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('Expected a number.');
  return n;
}

function parseThresholds(value: string): number[] {
  return value.split(',').map((t) => parseNumber(t));
}

function parseBudgetId(value: string): string {
  const id = value.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw new InvalidArgumentError('Expected a budget id as `budgets list` shows it (a UUID).');
  }
  return id;
}

/** `budgets list|create|delete` (docs/product.md, Budgets), audited as the command line ('cli'). */
export function registerBudgets(budgets: Command, ctx: CliContext): void {
  budgets
    .command('list')
    .description("List a tenant's budgets with what each used in its current window")
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .action(async (opts: { tenant: string }) => {
      const items = await ctx.withDatabase(async (db) =>
        listBudgetViews(db, (await tenantBySlug(db, opts.tenant)).id, ctx.now()),
      );
      if (items.length === 0) {
        ctx.io.out(`Tenant ${opts.tenant} has no budgets.`);
        return;
      }
      const rows = items.map((b) => [
        b.budgetId,
        `${b.scope.kind} ${b.scope.value}`,
        String(b.credits),
        b.window,
        b.onExhausted,
        String(b.used),
        String(b.remaining),
        b.exhausted ? 'used up' : (b.projectedExhaustion ?? '-'),
      ]);
      const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]?.length ?? 0)));
      const line = (cells: readonly string[]) =>
        cells
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      ctx.io.out(line(COLUMNS));
      for (const row of rows) ctx.io.out(line(row));
    });

  budgets
    .command('create')
    .description('Set a budget on one opening, department or recruiter of a tenant')
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .option('--opening <id>', "the opening's id")
    .option('--department <name>', 'the department')
    .option('--recruiter <id>', "the recruiter's id")
    .requiredOption('--credits <n>', 'the credits the scope may use in each window', parseNumber)
    .addOption(
      new Option('--window <window>', 'over which days usage counts')
        .choices(BUDGET_WINDOWS)
        .default('billing_period'),
    )
    .addOption(
      new Option('--on-exhausted <action>', 'alert only, or also block new interviews when used up')
        .choices(BUDGET_ACTIONS)
        .default('alert'),
    )
    .option(
      '--thresholds <percents>',
      'comma-separated percentages that raise alerts (default 80,100)',
      parseThresholds,
    )
    .action(
      async (opts: {
        tenant: string;
        opening?: string;
        department?: string;
        recruiter?: string;
        credits: number;
        window: BudgetWindow;
        onExhausted: BudgetAction;
        thresholds?: number[];
      }) => {
        const scopes = (['opening', 'department', 'recruiter'] as const).flatMap(
          (
            kind,
          ): {
            kind: BudgetScopeKind;
            value: string;
          }[] => (opts[kind] === undefined ? [] : [{ kind, value: opts[kind] }]),
        );
        const [scope] = scopes;
        if (scopes.length !== 1 || !scope) {
          throw new CliError('Give exactly one of --opening, --department or --recruiter.');
        }
        const settings = checkBudget({
          scope,
          credits: opts.credits,
          window: opts.window,
          onExhausted: opts.onExhausted,
          thresholds: opts.thresholds,
        });
        const created = await ctx.withDatabase(async (db) => {
          const tenant = await tenantBySlug(db, opts.tenant);
          return createBudget(db, tenant.id, settings, { actor: 'cli', at: ctx.now() });
        });
        ctx.io.out(
          `Budget ${created.id}: ${opts.credits} credits ${BUDGET_WINDOW_LABELS[created.window]} for ` +
            `${scope.kind} ${created.scope.value} of tenant ${opts.tenant}; when used up it ` +
            `${created.onExhausted === 'block' ? 'blocks new interviews' : 'alerts'} ` +
            `(thresholds ${created.thresholds.join(', ') || 'none'} %).`,
        );
      },
    );

  budgets
    .command('delete')
    .description('Remove a budget of a tenant (its id from `budgets list`)')
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .requiredOption('--id <budgetId>', 'the budget id', parseBudgetId)
    .action(async (opts: { tenant: string; id: string }) => {
      const removed = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return deleteBudget(db, tenant.id, opts.id, { actor: 'cli', at: ctx.now() });
      });
      ctx.io.out(
        `Removed budget ${removed.id} for ${removed.scope.kind} ${removed.scope.value} of tenant ${opts.tenant}.`,
      );
    });
}
