import type { Command } from 'commander';
import { listApiKeys } from '../../server/auth/api-keys.js';
import { type CliContext, tenantBySlug } from '../context.js';

const COLUMNS = ['id', 'name', 'prefix', 'scopes', 'created', 'last used', 'revoked'] as const;

/** `apikey list`: a tenant's keys, newest first, revoked ones included; never a key itself. */
export function registerApiKeyList(apikey: Command, ctx: CliContext): void {
  apikey
    .command('list')
    .description("List a tenant's API keys: id, name, prefix, scopes, created, last used, revoked")
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .action(async (opts: { tenant: string }) => {
      const keys = await ctx.withDatabase(async (db) =>
        listApiKeys(db, (await tenantBySlug(db, opts.tenant)).id),
      );
      if (keys.length === 0) {
        ctx.io.out(`Tenant ${opts.tenant} has no API keys.`);
        return;
      }
      const rows = keys.map((k) => [
        k.id,
        k.name,
        k.prefix,
        k.scopes.join(','),
        k.createdAt,
        k.lastUsedAt ?? 'never',
        k.revokedAt ?? '-',
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
}
