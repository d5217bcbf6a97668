import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { planExport, runExport } from '../../server/export/export.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/contract/export.js';
import { tagFilterParam } from '../../shared/filters.js';
import { type CliContext, tenantBySlug } from '../context.js';

interface Options {
  tenant: string;
  from?: string;
  to?: string;
  format: ExportFormat;
  out: string;
  recruiterId?: string;
  department?: string;
  location?: string;
  tag: string[];
}

/** `--tag key=value`, as often as wanted: each is the API's `tag.<key>=<value>` filter. */
function collectTag(value: string, previous: string[]): string[] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('Expected key=value.');
  return [...previous, value];
}

/** The export's query as the API takes it: the range, the format and the filters (docs/product.md, Filters). */
function queryOf(opts: Options): Record<string, string | undefined> {
  const tags = Object.fromEntries(
    opts.tag.map((t) => [tagFilterParam(t.slice(0, t.indexOf('='))), t.slice(t.indexOf('=') + 1)]),
  );
  const { from, to, format, recruiterId, department, location } = opts;
  return { from, to, format, recruiterId, department, location, ...tags };
}

/** `export`: the console's usage export (same rows, totals, checks and audit) written to a file. */
export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      "Write a tenant's usage per date and opening to a CSV or .xlsx file, as the console's Export does (audited)",
    )
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .option(
      '--from <date>',
      'first local date, YYYY-MM-DD (with --to; both absent: the current billing period)',
    )
    .option('--to <date>', 'last local date, included')
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).default('csv'))
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .option('--recruiter-id <id>', "only usage of this recruiter's interviews")
    .option('--department <name>', 'only usage of this department')
    .option('--location <name>', 'only usage of this location')
    .option(
      '--tag <key=value>',
      'only usage with this tag (repeat for several, all must match)',
      collectTag,
      [],
    )
    .addHelpText(
      'after',
      '\nExamples:\n  npm run cli -- export --tenant acme --from 2026-01-01 --to 2026-03-31 --format xlsx --out q1.xlsx\n' +
        '  npm run cli -- export --tenant acme --department Sales --tag region=emea --out sales-emea.csv',
    )
    .action(async (opts: Options) => {
      await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        const now = ctx.now();
        const plan = await planExport(db, tenant.id, queryOf(opts), now);
        // Written beside the target and renamed at the end, so a failed export leaves no half file.
        const partial = `${opts.out}.part`;
        try {
          const { rows } = await runExport(db, plan, createWriteStream(partial), { actor: 'cli', now });
          renameSync(partial, opts.out);
          ctx.io.out(`Wrote ${rows} row(s) for ${plan.range.from} to ${plan.range.to} to ${opts.out}`);
        } catch (err) {
          rmSync(partial, { force: true });
          throw err;
        }
      });
    });
}
