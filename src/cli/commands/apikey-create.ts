import { type Command, InvalidArgumentError } from 'commander';
import { createApiKey, parseScopes } from '../../server/auth/api-keys.js';
import { DomainError } from '../../server/errors.js';
import { API_KEY_SCOPES, type ApiKeyScope, DEFAULT_API_KEY_SCOPES } from '../../shared/api-key-scopes.js';
import { type CliContext, tenantBySlug } from '../context.js';

/** `--scope`, repeatable and comma-separated; each name is checked as the API checks it. */
export function collectScopes(value: string, previous: ApiKeyScope[] = []): ApiKeyScope[] {
  try {
    return parseScopes([...previous, ...value.split(',').map((s) => s.trim())]);
  } catch (err) {
    if (err instanceof DomainError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

/** `apikey create`: a tenant API key with its scopes; the key alone is the last line. */
export function registerApiKeyCreate(apikey: Command, ctx: CliContext): void {
  apikey
    .command('create')
    .description('Create an API key for a tenant; the key is printed once, alone on the last line')
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .option('--name <name>', 'what the key is for', 'Interview engine')
    .option(
      '--scope <scopes>',
      `what the key may do, repeatable or comma-separated: ${API_KEY_SCOPES.join(', ')} ` +
        `(default ${DEFAULT_API_KEY_SCOPES.join(', ')}, the interview engine's)`,
      collectScopes,
    )
    .action(async (opts: { tenant: string; name: string; scope?: ApiKeyScope[] }) => {
      const created = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return createApiKey(
          db,
          tenant.id,
          { name: opts.name, scopes: opts.scope ?? DEFAULT_API_KEY_SCOPES },
          { actor: 'cli', at: ctx.now() },
        );
      });
      ctx.io.out(
        `API key '${created.name}' (${created.prefix}…) for tenant ${opts.tenant} with scopes ` +
          `${created.scopes.join(', ')}; send it as "Authorization: Bearer <key>". ` +
          'It is shown only now; store it safely:',
      );
      ctx.io.out(created.key);
    });
}
