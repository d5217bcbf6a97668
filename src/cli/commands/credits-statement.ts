import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { statementDownload } from '../../server/statements/documents.js';
import { type CliContext, tenantBySlug } from '../context.js';

interface Options {
  tenant: string;
  period: string;
  out: string;
}

/** `credits statement`: a billing period's statement as the console's Download PDF writes it (audited). */
export function registerCreditsStatement(credits: Command, ctx: CliContext): void {
  credits
    .command('statement')
    .description(
      "Write a billing period's credit statement to a PDF file, as the console's Download PDF does (audited)",
    )
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .requiredOption(
      '--period <date>',
      "the period's first local date, YYYY-MM-DD (a closed period or the current one)",
    )
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .addHelpText(
      'after',
      '\nExample:\n  npm run cli -- credits statement --tenant acme --period 2026-01-01 --out statement.pdf',
    )
    .action(async (opts: Options) => {
      await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        const { doc } = await statementDownload(db, tenant.id, opts.period, { actor: 'cli', now: ctx.now() });
        // Written beside the target and renamed at the end, so a failure leaves no half file.
        const partial = `${opts.out}.part`;
        try {
          await pipeline(doc, createWriteStream(partial));
          renameSync(partial, opts.out);
        } catch (err) {
          rmSync(partial, { force: true });
          throw err;
        }
        ctx.io.out(`Wrote the statement of the period starting ${opts.period} to ${opts.out}`);
      });
    });
}
