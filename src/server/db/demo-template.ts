import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newestMtime } from '../../newest-mtime.mjs';
import { localDate } from '../../shared/calendar.js';
import { loadDemo } from '../demo/load.js';
import { DEMO_TENANTS } from '../demo/tenants.js';
import { ROOT } from '../paths.js';
import { connect } from './connect.js';

/**
 * A new embedded database with the demo loaded, written at install time (`npm install`, after the
 * empty template): a first start on the same day starts as a copy of it instead of loading the demo,
 * which takes most of the first start. The demo is a function of the moment it is loaded (`now`):
 * so the copy is taken only while that moment's date is still today in every demo tenant's time
 * zone and no source of the server (the rules that loaded it) is newer; otherwise the first start
 * loads the demo itself, as it always did.
 */
export const DEMO_TEMPLATE_DIR = join(ROOT, 'dist/pglite-demo');
/** The code the demo was loaded by: a newer file here may load it otherwise. */
const SOURCES = ['src/server', 'src/shared', 'package-lock.json'].map((p) => join(ROOT, p));

interface Stamp {
  /** The `now` the demo was loaded at (ISO). */
  loadedAt: string;
  scale: number;
}

const stampOf = (dir: string) => `${dir}.json`;

export async function writeDemoTemplate(
  dir = DEMO_TEMPLATE_DIR,
  opts: { now: Date; scale?: number; log?: (msg: string) => void },
): Promise<void> {
  // Renamed into place once closed, and stamped last: a run interrupted anywhere leaves no template
  // that usableDemoTemplate would take.
  const partial = join(dirname(dir), `.${dir.split(/[\\/]/).pop()}-${process.pid}`);
  rmSync(stampOf(dir), { force: true });
  rmSync(partial, { recursive: true, force: true });
  const { db } = await connect({ DATABASE_URL: undefined, METERLINE_DATA_DIR: partial });
  try {
    await loadDemo(db, opts);
  } finally {
    await db.close();
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  const stamp: Stamp = { loadedAt: opts.now.toISOString(), scale: opts.scale ?? 1 };
  writeFileSync(stampOf(dir), `${JSON.stringify(stamp)}\n`);
}

/**
 * The demo template's folder when a first start at `now` may start as a copy of it (the demo at
 * `scale`, loaded today by today's sources), else undefined.
 */
export function usableDemoTemplate(
  now: Date,
  { dir = DEMO_TEMPLATE_DIR, sources = SOURCES, scale = 1 } = {},
): string | undefined {
  const stampPath = stampOf(dir);
  if (!existsSync(stampPath) || !existsSync(join(dir, 'PG_VERSION'))) return undefined;
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
  const loadedAt = new Date(stamp.loadedAt);
  if (stamp.scale !== scale || Number.isNaN(loadedAt.getTime()) || loadedAt > now) return undefined;
  const today = DEMO_TENANTS.every((t) => localDate(loadedAt, t.timeZone) === localDate(now, t.timeZone));
  // A source as new as the stamp counts as newer: the file system's clock ticks coarsely, so a
  // source saved in the same tick as the stamp may well be the later one.
  if (!today || statSync(stampPath).mtimeMs <= newestMtime(sources)) return undefined;
  return dir;
}
