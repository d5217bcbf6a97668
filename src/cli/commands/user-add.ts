import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import { addUser } from '../../server/auth/users.js';
import { ROLES, type Role } from '../../shared/contract/users.js';
import { type CliContext, tenantBySlug } from '../context.js';

interface Options {
  tenant: string;
  email: string;
  name: string;
  role: Role;
  password?: string;
}

/** 24 characters from 144 random bits: strong, and safe to paste anywhere. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** `user add`: a user of a tenant; without --password one is generated and printed once. */
export function registerUserAdd(user: Command, ctx: CliContext): void {
  user
    .command('add')
    .description('Add a user to a tenant (prints a generated password when --password is not given)')
    .requiredOption('--tenant <slug>', "the tenant's slug")
    .requiredOption('--email <email>', 'login email, unique across all tenants')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'what the user may do').choices([...ROLES]).makeOptionMandatory())
    .option('--password <password>', 'the password (10-256 characters); generated when left out')
    .action(async (opts: Options) => {
      const password = opts.password ?? generatePassword();
      const added = await ctx.withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return addUser(
          db,
          tenant.id,
          { email: opts.email, name: opts.name, role: opts.role, password },
          { actor: 'cli', at: ctx.now() },
        );
      });
      ctx.io.out(`Added ${added.email} (${added.name}) to tenant ${opts.tenant} as ${added.role}.`);
      if (!opts.password) ctx.io.out(`Generated password (shown once): ${password}`);
    });
}
