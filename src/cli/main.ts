import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { DatabaseInUseError } from '../server/db/pglite.js';
import { DomainError } from '../server/errors.js';
import { registerApiKeyCreate } from './commands/apikey-create.js';
import { registerApiKeyList } from './commands/apikey-list.js';
import { registerApiKeyRevoke } from './commands/apikey-revoke.js';
import { registerBudgets } from './commands/budgets.js';
import { registerCreditsAutoTopUp } from './commands/credits-auto-top-up.js';
import { registerCreditsStatement } from './commands/credits-statement.js';
import { registerDemoLoad } from './commands/demo-load.js';
import { registerExport } from './commands/export.js';
import { registerLedgerVerify } from './commands/ledger-verify.js';
import { registerPeriodsClose } from './commands/periods-close.js';
import { registerSsoSet } from './commands/sso-set.js';
import { registerTenantCreate } from './commands/tenant-create.js';
import { registerUserAdd } from './commands/user-add.js';
import { CliContext, CliError, type CliOptions, EXIT } from './context.js';

function buildProgram(ctx: CliContext): Command {
  const program = new Command('meterline')
    .description(
      "Meterline operators' tool. It uses the server's configuration: DATABASE_URL (PostgreSQL) or else " +
        'the embedded database in METERLINE_DATA_DIR, which a running server must not hold at the same time.',
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npm run cli -- tenant create --slug acme2 --name "Acme Two" --time-zone America/New_York --allotment 1200',
        '  npm run cli -- user add --tenant acme2 --email ops@acme2.test --name "Ops" --role account_admin',
        '  npm run cli -- apikey create --tenant acme2',
        '  npm run cli -- apikey create --tenant acme2 --name "Finance reports" --scope usage:read',
        '  npm run cli -- sso set --tenant acme2 --issuer https://login.acme2.test --client-id meterline \\',
        '      --client-secret … --map meterline-admins=account_admin --map everyone=viewer --domain acme2.test',
        '  npm run cli -- budgets create --tenant acme2 --opening op-7 --credits 20 --window month --on-exhausted block',
        '  npm run cli -- ledger verify',
        '  npm run cli -- export --tenant acme2 --from 2026-01-01 --to 2026-03-31 --format xlsx --out q1.xlsx',
        '  npm run cli -- credits statement --tenant acme2 --period 2026-01-01 --out statement.pdf',
        '  npm run cli -- credits auto-top-up --tenant acme2 --below 100 --buy 500 --cap 1500',
        '',
        'Exit codes: 0 done; 1 ledger verify found disagreements (or an unexpected error);',
        '            2 bad arguments or a refused operation; 3 the embedded database is held by a running server.',
      ].join('\n'),
    )
    .usage('<command> [options]')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')),
    });
  const group = (name: string, description: string) =>
    program.command(name).description(description).usage('<command> [options]');
  registerTenantCreate(group('tenant', 'Manage tenants'), ctx);
  registerUserAdd(group('user', "Manage a tenant's users"), ctx);
  const apikey = group('apikey', "Manage a tenant's API keys");
  registerApiKeyCreate(apikey, ctx);
  registerApiKeyList(apikey, ctx);
  registerApiKeyRevoke(apikey, ctx);
  registerBudgets(group('budgets', "Manage a tenant's budgets"), ctx);
  registerSsoSet(group('sso', "A tenant's single sign-on"), ctx);
  registerDemoLoad(group('demo', 'Demo data'), ctx);
  registerPeriodsClose(group('periods', 'Billing periods'), ctx);
  registerLedgerVerify(group('ledger', 'The credit ledger'), ctx);
  const credits = group('credits', 'Credit statements and auto top-up');
  registerCreditsStatement(credits, ctx);
  registerCreditsAutoTopUp(credits, ctx);
  registerExport(program, ctx);
  return program;
}

/**
 * Runs one CLI command and returns its exit code: 0 done, 1 `ledger verify` found disagreements,
 * 2 bad arguments or a refused operation, 3 the embedded database is held by another process.
 * Tests pass an open database and collect the output.
 */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<number> {
  const ctx = new CliContext(options);
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    // Commander has printed its message (or the help) already.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof DatabaseInUseError) {
      ctx.io.err(`error: ${err.message}`);
      ctx.io.err('Nothing was changed.');
      return EXIT.databaseInUse;
    }
    // A refusal of the domain (a bad value, a conflict): its message says what to change.
    if (err instanceof DomainError || err instanceof CliError) {
      ctx.io.err(`error: ${err.message}`);
      return err instanceof CliError ? err.exitCode : EXIT.usage;
    }
    ctx.io.err(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.problems;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
