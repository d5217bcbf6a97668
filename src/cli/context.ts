import { InvalidArgumentError } from 'commander';
import { type Config, loadConfig } from '../server/config.js';
import { connect } from '../server/db/connect.js';
import type { Database } from '../server/db/database.js';
import { creditsToMilli } from '../shared/credits.js';

/** Where the CLI writes: one call per line, without the newline. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliOptions extends Partial<CliIo> {
  /** An open database to use (tests); otherwise the configured one is opened and closed per command. */
  db?: Database;
  /** The environment the configuration is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The clock (default: the system's). */
  now?: () => Date;
}

/** An error the operator can fix: its message is printed, and the CLI exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Exit codes: 0 ok, 1 a check found problems, 2 bad arguments or refused, 3 database held by a server. */
export const EXIT = { ok: 0, problems: 1, usage: 2, databaseInUse: 3 } as const;

export class CliContext {
  readonly io: CliIo;
  readonly now: () => Date;
  /** What the command run wants the process to exit with (commands that find problems set 1). */
  exitCode: number = EXIT.ok;

  /** The server's configuration, from the environment; a bad one is the operator's to fix. */
  config(): Config {
    try {
      return loadConfig(this.options.env ?? process.env);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }

  constructor(private readonly options: CliOptions = {}) {
    this.io = {
      out: options.out ?? ((line) => process.stdout.write(`${line}\n`)),
      err: options.err ?? ((line) => process.stderr.write(`${line}\n`)),
    };
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Runs `fn` on the database: the one given, or the configured one (PGlite or PostgreSQL, as
   * the server would open it), which is always closed afterwards.
   */
  async withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    if (this.options.db) return fn(this.options.db);
    const { db } = await connect(this.config());
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }
}

/** The tenant with this slug, found outside any tenant (system_tenants()). */
export async function tenantBySlug(db: Database, slug: string): Promise<{ id: string; slug: string }> {
  const rows = await db.query<{ id: string; slug: string }>(
    'select id, slug from system_tenants() where slug = $1',
    [slug],
  );
  const tenant = rows[0];
  if (!tenant) throw new CliError(`No tenant with slug '${slug}'.`);
  return { id: String(tenant.id), slug: tenant.slug };
}

// Option parsers: each throws InvalidArgumentError, which commander reports against the option.

/** Credits as a decimal with at most three places, returned in thousandths. */
export function parseCreditsMilli(value: string): number {
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(value.trim())) {
    throw new InvalidArgumentError('Expected credits as a non-negative number with at most 3 decimals.');
  }
  return creditsToMilli(Number(value.trim()));
}

export function parseWholeNumber(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

export function parseInstant(value: string): Date {
  // A date alone is midnight UTC; a date and time needs its offset, so nothing depends on the machine's zone.
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value.trim());
  const at = new Date(value.trim());
  if (!ok || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError('Expected an ISO 8601 time with its offset, e.g. 2026-03-01T00:00:00Z.');
  }
  return at;
}
