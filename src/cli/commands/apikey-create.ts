import type { Command } from 'commander';
import { createApiKey } from '../../server/auth/api-keys.js';
import { type CliContext, tenantBySlug } from '../context.js';

/** `apikey create`: a tenant API key for the interview engine; the key alone is the last line. */
export function registerApiKeyCreate(apikey: Command, ctx: CliContext): void {
  apikey
    .command('create')
    .description('Create an API key for a tenant; the key is printed once, alone on the last line')
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .option('--name <name>', 'what the key is for', 'Interview engine')
    .action(async (opts: { tenant: string; name: string }) => {
      const created = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return createApiKey(db, tenant.id, opts.name, { actor: 'cli', at: ctx.now() });
      });
      ctx.io.out(
        `API key '${created.name}' (${created.prefix}…) for tenant ${opts.tenant}; send it as ` +
          `"Authorization: Bearer <key>". It is shown only now; store it safely:`,
      );
      ctx.io.out(created.key);
    });
}
