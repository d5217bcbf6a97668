import type { Command } from 'commander';
import { type Disagreement, verifyAll, verifyTenant } from '../../server/ledger/verify.js';
import { type CliContext, EXIT, tenantBySlug } from '../context.js';

/**
 * `ledger verify`: proves the ledger's and the audit log's hash chains, balances, lots, charges and
 * rollups; exits 1 naming what disagrees (for a chain, the first entry or audit row that does not match).
 */
export function registerLedgerVerify(ledger: Command, ctx: CliContext): void {
  ledger
    .command('verify')
    .description(
      'Check, per tenant, that the ledger and audit log are unbroken hash chains, that balance, lots and ledger entries agree and that rollups equal their interviews; exits 1 on any disagreement, naming the first entry that does not match',
    )
    .option('--tenant <slug>', 'check one tenant only')
    .action(async (opts: { tenant?: string }) => {
      const results = await ctx.withDatabase(async (db): Promise<Map<string, Disagreement[]>> => {
        if (!opts.tenant) return verifyAll(db);
        const tenant = await tenantBySlug(db, opts.tenant);
        return new Map([[tenant.slug, await verifyTenant(db, tenant.id)]]);
      });
      if (results.size === 0) ctx.io.out('No tenants.');
      let failed = 0;
      for (const [slug, problems] of results) {
        if (problems.length === 0) {
          ctx.io.out(`ok ${slug}`);
          continue;
        }
        failed++;
        for (const p of problems) ctx.io.out(`FAIL ${slug} ${p.check}: ${p.message}`);
      }
      if (failed > 0) {
        ctx.io.err(`ledger verify: ${failed} of ${results.size} tenant(s) disagree.`);
        ctx.exitCode = EXIT.problems;
      }
    });
}
