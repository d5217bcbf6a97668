import type { Config } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

/** The role the application runs as: it cannot bypass row-level security. */
export const APP_ROLE = 'meterline_app';
const DROP_TO_APP_ROLE = `set role ${APP_ROLE}`;

export interface Connected {
  db: Database;
  /** True when the embedded database was created just now (the demo is loaded into it). */
  isNew: boolean;
}

/** Opens the configured database, applies migrations as the owner, then drops to the app role. */
export async function connect(
  config: Pick<Config, 'DATABASE_URL' | 'METERLINE_DATA_DIR'>,
  options: { inMemory?: boolean; loadDataDir?: Blob } = {},
): Promise<Connected> {
  if (config.DATABASE_URL) {
    const owner = openPostgres({ url: config.DATABASE_URL, max: 1 });
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
    return { db: openPostgres({ url: config.DATABASE_URL, role: APP_ROLE }), isNew: false };
  }
  const opened = await openPglite({
    dataDir: options.inMemory ? undefined : config.METERLINE_DATA_DIR,
    loadDataDir: options.loadDataDir,
  });
  try {
    await migrate(opened.db);
    await opened.db.query(DROP_TO_APP_ROLE);
  } catch (err) {
    await opened.db.close();
    throw err;
  }
  return { db: opened.db, isNew: opened.isNew };
}
