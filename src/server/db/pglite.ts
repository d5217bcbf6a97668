import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  type Database,
  type Queryable,
  quoteIdent,
  type Row,
  runAccounted,
  setTenant,
  type TenantQueryable,
} from './database.js';

export class DatabaseInUseError extends Error {
  readonly code = 'database_in_use';
}

function wrap(q: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async exec(sql: string) {
      await q.exec(sql);
    },
    async query<T extends Row>(sql: string, params?: unknown[]) {
      const result = await q.query<T>(sql, params);
      return result.rows;
    },
  };
}

/**
 * insertRows by COPY from the query's blob, which PGlite reads several times faster than the rows
 * of an INSERT. COPY FROM a file needs the superuser, and refuses a table under row-level security
 * to anyone else: so the statement runs as the session's superuser (the tenant id it stores is the
 * transaction's, put in here), and the role in force before it is restored after it, all in one
 * message so that no other statement runs between them.
 */
function withInsertRows(tx: Transaction, tenantId: string): TenantQueryable {
  return {
    ...wrap(tx),
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      const tenant = csvValue(tenantId);
      const csv = rows.map((r) => `${tenant},${columns.map((c) => csvValue(r[c])).join(',')}`).join('\n');
      await tx.exec(
        `select set_config('meterline.role_before_copy', current_user, true);
         set local role none;
         copy ${quoteIdent(table)} (tenant_id, ${columns.map(quoteIdent).join(', ')}) from '/dev/blob' with (format csv);
         select set_config('role', current_setting('meterline.role_before_copy'), true);`,
        { blob: new Blob([csv]) },
      );
    },
  };
}

/** Characters that make a CSV value need quotes. */
const CSV_SPECIAL = /[",\r\n]/;

/**
 * A value as COPY's CSV reads it: NULL is an empty field, and a value is quoted only when it must
 * be (empty, or holding a quote, comma or line break), which keeps the text short to build and read.
 */
function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text === '' || CSV_SPECIAL.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * PGlite is one PostgreSQL in this process; a second process opening the same folder would
 * corrupt it. A pid file beside the folder makes the second opener fail clearly instead.
 * It is written by hand because the rule is small: one live pid owns the folder.
 */
function lockFolder(dataDir: string): () => void {
  const lockPath = resolve(dirname(dataDir), `${basename(dataDir)}.pid`);
  // Within this process the pid file cannot tell two openers apart, so they are counted here.
  if (openHere.has(lockPath)) {
    throw new DatabaseInUseError(`The embedded database in ${dataDir} is already open in this process.`);
  }
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      openHere.add(lockPath);
      return () => {
        openHere.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DatabaseInUseError(
          `The embedded database in ${dataDir} is in use by process ${pid} (probably a running server). ` +
            'Stop it first, or point DATABASE_URL at a PostgreSQL server that both can share.',
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseInUseError(`Could not lock the embedded database in ${dataDir}`);
}

const openHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PgliteOptions {
  /** A folder to keep the data in; in memory when absent. */
  dataDir?: string;
  /** A data directory dump to start from (tests start from a migrated template). */
  loadDataDir?: Blob | File;
  /** A closed database folder a new `dataDir` starts as a copy of, when it exists (pglite-template.ts). */
  templateDir?: string;
}

export interface OpenedPglite {
  db: Database;
  isNew: boolean;
  /** A copy of the whole data directory (tests start each file from a migrated one). */
  dump(): Promise<Blob>;
}

/** A new folder as a copy of the template when there is one; should that fail to open, from scratch. */
async function createPglite(
  dataDir: string | undefined,
  isNew: boolean,
  options: PgliteOptions,
): Promise<PGlite> {
  const { loadDataDir, templateDir } = options;
  // Imported here, not at the top: the server's bundle inlines this module, and a static import
  // would load PGlite into every server, those on PostgreSQL too (see connect.ts).
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dataDir || !isNew || loadDataDir || !templateDir || !existsSync(join(templateDir, 'PG_VERSION'))) {
    return PGlite.create({ dataDir, loadDataDir });
  }
  try {
    cpSync(templateDir, dataDir, { recursive: true });
    return await PGlite.create({ dataDir });
  } catch {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    return PGlite.create({ dataDir });
  }
}

export async function openPglite(options: PgliteOptions): Promise<OpenedPglite> {
  const { dataDir } = options;
  const unlock = dataDir ? lockFolder(dataDir) : () => {};
  const isNew = dataDir ? !existsSync(join(dataDir, 'PG_VERSION')) : true;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  try {
    const pg = await createPglite(dataDir, isNew, options);
    const db: Database = {
      kind: 'pglite',
      ...wrap(pg),
      transaction: (fn) => pg.transaction((tx) => runAccounted(wrap(tx), fn)),
      withTenant: (tenantId, fn) =>
        pg.transaction((tx) =>
          runAccounted(withInsertRows(tx, tenantId), async (q) => {
            await setTenant(q, tenantId);
            return fn(q);
          }),
        ),
      async close() {
        await pg.close();
        unlock();
      },
    };
    return { db, isNew, dump: () => pg.dumpDataDir('none') };
  } catch (err) {
    unlock();
    throw err;
  }
}
