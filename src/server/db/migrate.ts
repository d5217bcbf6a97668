import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths.js';
import type { Database } from './database.js';

const migrationsDir = join(ROOT, 'src/server/db/migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(join(migrationsDir, f), 'utf8'),
    }));
}

/**
 * Applies the forward-only migrations not yet applied, in one transaction, holding an
 * advisory lock so two servers starting together do not both migrate.
 * Must run as the schema owner, before the connection drops to the application role.
 * `through`: stop after that version (a test writes rows as an older schema did, then migrates on).
 */
export async function migrate(db: Database, opts: { through?: number } = {}): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('meterline.migrate'))`);
    await tx.query(`create table if not exists schema_migrations (
      version int primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const m of listMigrations()) {
      if (done.has(m.version)) continue;
      if (opts.through !== undefined && m.version > opts.through) break;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
