import { randomBytes } from 'node:crypto';
import { APP_ROLE, connect } from '../../src/server/db/connect.js';
import type { Database, DatabaseKind } from '../../src/server/db/database.js';
import { openPostgres } from '../../src/server/db/postgres.js';

export interface BenchDatabase {
  kind: DatabaseKind;
  /** The application's connection (migrated, row-level security on), as the server opens it. */
  db: Database;
  /**
   * Connections as the schema owner, outside row-level security, for scratch tables. On PGlite
   * (one connection) it steps out of the application role: call it after the app's work.
   */
  owner(): Promise<Database>;
  /**
   * Runs `fn` as the schema owner and returns to the application's role after (on PGlite, its
   * one session steps out and back), so owner work can come before or between the app's work.
   */
  asOwner<T>(fn: (owner: Database) => Promise<T>): Promise<T>;
  /** Closes everything; on PostgreSQL also drops the scratch database. */
  close(): Promise<void>;
  /** On PostgreSQL, the scratch database's URL (as the schema owner), for a client of a bench's own. */
  url?: string;
}

/**
 * A fresh database for one benchmark: PGlite in memory (the user's embedded folder is never
 * touched), or in `pgliteDir` for a server process to open after this one closes it; or, when
 * DATABASE_URL is set, a scratch database `meterline_bench_<random>` on that server, migrated
 * through `connect()` and dropped at close (also on Ctrl-C).
 */
export async function openBenchDatabase(pgliteDir?: string): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { db } = await connect(
      { DATABASE_URL: undefined, METERLINE_DATA_DIR: pgliteDir ?? '' },
      { inMemory: pgliteDir === undefined },
    );
    return {
      kind: 'pglite',
      db,
      async owner() {
        await db.query('reset role');
        return db;
      },
      async asOwner(fn) {
        await db.query('reset role');
        try {
          return await fn(db);
        } finally {
          await db.query(`set role ${APP_ROLE}`);
        }
      },
      close: () => db.close(),
    };
  }

  const name = `meterline_bench_${randomBytes(5).toString('hex')}`;
  const admin = openPostgres({ url: serverUrl, max: 1 });
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let db: Database | undefined;
  let owner: Database | undefined;
  let closed: Promise<void> | undefined;
  const dropScratch = () => admin.query(`drop database if exists ${name} with (force)`);
  const close = () => {
    closed ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await db?.close().catch(() => {});
      await owner?.close().catch(() => {});
      await dropScratch();
      await admin.close();
    })();
    return closed;
  };
  // Interrupted: drop the database at once (`with (force)` ends our own sessions too), then leave.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // The signal may come twice (the terminal, then tsx passing it on): act once.
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: dropping the scratch database ${name}`);
    // Our own sessions are cut off by the drop; their errors are expected now.
    process.on('uncaughtException', () => {});
    dropScratch()
      .catch((err) => console.error(`Could not drop ${name}: ${err}`))
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    db = (await connect({ DATABASE_URL: url.toString(), METERLINE_DATA_DIR: '' })).db;
  } catch (err) {
    await close();
    throw err;
  }
  async function ownerDb(): Promise<Database> {
    // Enough connections for the concurrent streams of a scenario (each takes its own).
    owner ??= openPostgres({ url: url.toString(), max: 4 });
    return owner;
  }
  return {
    kind: 'postgres',
    db,
    owner: ownerDb,
    asOwner: async (fn) => fn(await ownerDb()),
    close,
    url: url.toString(),
  };
}
