import { type Command, InvalidArgumentError } from 'commander';
import { revokeApiKey } from '../../server/auth/api-keys.js';
import { type CliContext, tenantBySlug } from '../context.js';

function parseKeyId(value: string): string {
  const id = value.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw new InvalidArgumentError('Expected a key id as `apikey list` shows it (a UUID).');
  }
  return id;
}

/** `apikey revoke`: the key stops working with its next request. */
export function registerApiKeyRevoke(apikey: Command, ctx: CliContext): void {
  apikey
    .command('revoke')
    .description('Revoke an API key of a tenant at once (its id from `apikey list`)')
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .requiredOption('--id <keyId>', 'the key id', parseKeyId)
    .action(async (opts: { tenant: string; id: string }) => {
      const changed = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return revokeApiKey(db, tenant.id, opts.id, { actor: 'cli', at: ctx.now() });
      });
      ctx.io.out(
        changed
          ? `Revoked API key ${opts.id} of tenant ${opts.tenant}; it is refused from its next request.`
          : `API key ${opts.id} of tenant ${opts.tenant} was revoked already; nothing changed.`,
      );
    });
}
