import { renameSync, rmSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../paths.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';

/**
 * Creating an embedded database costs several seconds (PGlite runs initdb in WebAssembly); copying a
 * folder costs a fraction of one. So the install step (and `npm start` when it is missing or older
 * than the lock file, see template-if-stale.mjs) creates a migrated empty database here, a build
 * output like dist/web that nothing opens in place, and a new data folder starts as a copy of it;
 * connect() then applies any migration added since.
 */
export const TEMPLATE_DIR = join(ROOT, 'dist/pglite-template');

export async function writeTemplate(dir = TEMPLATE_DIR): Promise<void> {
  // Renamed into place once closed, so an interrupted run never leaves a torn template to copy.
  const partial = join(dirname(dir), `.pglite-template-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  const opened = await openPglite({ dataDir: partial });
  try {
    await migrate(opened.db);
  } finally {
    await opened.db.close();
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  // Dated now for template-if-stale.mjs (PGlite gives the files inside its package's dates).
  const now = new Date();
  utimesSync(dir, now, now);
}
