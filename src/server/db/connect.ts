import type { Config } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPostgres } from './postgres.js';
import { primaryOnly, type ReadRouting, type ReplicaLog, replicaRouting } from './replica.js';

/** The role the application runs as: it cannot bypass row-level security. */
export const APP_ROLE = 'meterline_app';
const DROP_TO_APP_ROLE = `set role ${APP_ROLE}`;

export interface Connected {
  db: Database;
  /** True when the embedded database was created just now (the demo is loaded into it). */
  isNew: boolean;
  /** Things the operator should know about the connection (logged at start). */
  warnings: string[];
}

/** Opens the configured database, applies migrations as the owner, then drops to the app role. */
export async function connect(
  config: Pick<Config, 'DATABASE_URL' | 'METERLINE_DATA_DIR'> &
    Partial<Pick<Config, 'METERLINE_APP_DATABASE_URL'>>,
  /** templateDir: the folder a new embedded database starts as a copy of (the migrated empty one by default). */
  options: { inMemory?: boolean; loadDataDir?: Blob; templateDir?: string } = {},
): Promise<Connected> {
  if (config.DATABASE_URL) {
    const owner = openPostgres({ url: config.DATABASE_URL, max: 1 });
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
    return { ...(await openAppPool(config.DATABASE_URL, config.METERLINE_APP_DATABASE_URL)), isNew: false };
  }
  // Loaded only here: the PGlite module alone adds ~50 MB to the process, which a server on
  // PostgreSQL never needs.
  const { openPglite } = await import('./pglite.js');
  const { TEMPLATE_DIR } = await import('./pglite-template.js');
  const opened = await openPglite({
    dataDir: options.inMemory ? undefined : config.METERLINE_DATA_DIR,
    loadDataDir: options.loadDataDir,
    templateDir: options.templateDir ?? TEMPLATE_DIR,
  });
  try {
    await migrate(opened.db);
    await opened.db.query(DROP_TO_APP_ROLE);
  } catch (err) {
    await opened.db.close();
    throw err;
  }
  // PGlite has one session, of a superuser: the app role is a net under the application's own
  // tenant filters, not a boundary against SQL injected into that session.
  return { db: opened.db, isNew: opened.isNew, warnings: [] };
}

/** A new replica connection that takes longer than this fails, and the reads go to the primary. */
const REPLICA_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Where reads go: the read replica of METERLINE_READ_DATABASE_URL when one is configured for a
 * PostgreSQL primary, checked once before this returns (so the first requests already use it, or
 * the log already says why not); else the primary. A replica that is down does not stop the start.
 */
export async function openReads(
  config: Pick<Config, 'METERLINE_READ_DATABASE_URL' | 'METERLINE_MAX_REPLICA_LAG_SECONDS'>,
  primary: Database,
  log: ReplicaLog,
): Promise<ReadRouting> {
  const url = config.METERLINE_READ_DATABASE_URL;
  if (!url) return primaryOnly(primary);
  if (primary.kind !== 'postgres') {
    log.warn({}, 'METERLINE_READ_DATABASE_URL is ignored: the embedded database has no replica');
    return primaryOnly(primary);
  }
  const reads = replicaRouting({
    primary,
    // The app's role from the start, as on the primary: row-level security applies to every read.
    replica: openPostgres({ url, role: APP_ROLE, connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS }),
    maxLagSeconds: config.METERLINE_MAX_REPLICA_LAG_SECONDS,
    log,
  });
  await reads.poll();
  return reads;
}

const AUTH_FAILED = new Set(['28P01', '28000']);

/**
 * The app's pool logs in as meterline_app itself, so no statement can take back the owner's
 * rights. Where that login is refused (a password is required and none was configured), the
 * pool logs in as the owner and takes the role at start-up, with a warning.
 */
async function openAppPool(ownerUrl: string, appUrl: string | undefined) {
  const url = appUrl ?? withUser(ownerUrl, APP_ROLE);
  const db = openPostgres({ url });
  try {
    await db.query('select 1');
    return { db, warnings: [] };
  } catch (err) {
    await db.close();
    if (appUrl || !AUTH_FAILED.has((err as { code?: string }).code ?? '')) throw err;
    return {
      db: openPostgres({ url: ownerUrl, role: APP_ROLE }),
      warnings: [
        `Could not log in as ${APP_ROLE} (${(err as Error).message}); running as the owner with role ${APP_ROLE}. ` +
          'Set METERLINE_APP_DATABASE_URL to a login for that role so the application cannot leave it.',
      ],
    };
  }
}

function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}
