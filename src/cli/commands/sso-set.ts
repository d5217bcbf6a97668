import { type Command, InvalidArgumentError } from 'commander';
import { saveSsoSettings } from '../../server/auth/sso.js';
import { isRole } from '../../server/auth/users.js';
import { setSsoSettings } from '../../shared/contract/sso.js';
import type { Role } from '../../shared/contract/users.js';
import { type CliContext, CliError, tenantBySlug } from '../context.js';

interface Options {
  tenant: string;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  roleClaim: string;
  map: { value: string; role: Role }[];
  domain: string[];
  passwordLogin: boolean;
}

/** `--map <value>=<role>`, repeatable: one claim value and the role it gives. */
export function collectMapping(entry: string, previous: Options['map'] = []): Options['map'] {
  const at = entry.lastIndexOf('=');
  const value = entry.slice(0, at).trim();
  const role = entry.slice(at + 1).trim();
  if (at < 1 || !value || !isRole(role)) {
    throw new InvalidArgumentError('Expected <claim value>=<account_admin|recruiter|viewer>.');
  }
  return [...previous, { value, role }];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `sso set`: the tenant's OpenID Connect provider, as Settings → Sign-in sets it. */
export function registerSsoSet(sso: Command, ctx: CliContext): void {
  sso
    .command('set')
    .description(
      "Set a tenant's single sign-on provider (OpenID Connect); register <console URL>/api/v1/auth/sso/callback there as the redirect URI",
    )
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .requiredOption('--issuer <url>', "the provider's issuer URL (https)")
    .requiredOption('--client-id <id>', 'the client id the provider issued')
    .option('--client-secret <secret>', 'the client secret; kept when left out (required the first time)')
    .option('--role-claim <claim>', 'the ID token claim that carries the role', 'groups')
    .requiredOption(
      '--map <value=role>',
      'a claim value and the role it gives; repeat for each',
      collectMapping,
    )
    .requiredOption(
      '--domain <domain>',
      'an email domain that signs in through this provider; repeat for each',
      collect,
    )
    .option('--no-password-login', "refuse password sign-in for the tenant's users")
    .action(async (opts: Options) => {
      const parsed = setSsoSettings.body.safeParse({
        issuer: opts.issuer,
        clientId: opts.clientId,
        ...(opts.clientSecret !== undefined ? { clientSecret: opts.clientSecret } : {}),
        roleClaim: opts.roleClaim,
        roleMapping: opts.map,
        emailDomains: opts.domain,
        passwordLogin: opts.passwordLogin,
      });
      if (!parsed.success) {
        throw new CliError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      }
      const saved = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return saveSsoSettings(
          db,
          tenant.id,
          parsed.data,
          { actor: 'cli', at: ctx.now() },
          { allowPrivate: ctx.config().METERLINE_SSO_ALLOW_PRIVATE },
        );
      });
      ctx.io.out(`Single sign-on for ${opts.tenant}: ${saved.issuer} (client ${saved.clientId}).`);
      ctx.io.out(`Domains: ${saved.emailDomains.join(', ')}; role claim ${saved.roleClaim}:`);
      for (const m of saved.roleMapping) ctx.io.out(`  ${m.value} → ${m.role}`);
      ctx.io.out(`Password sign-in: ${saved.passwordLogin ? 'allowed' : 'refused'}.`);
    });
}
