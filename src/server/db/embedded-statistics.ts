import type { FastifyBaseLogger } from 'fastify';
import { startPeriodic } from '../periodic.js';
import type { Database } from './database.js';

/**
 * The embedded database's planner statistics. PGlite runs no autovacuum, so no table is ever
 * analyzed by itself: without statistics the planner takes every table for a row or two and picks
 * nested loops that, on the demo, made a five-year export take 49 s instead of 0.3 s. Its activity
 * counters do not outlive a restart either, so a table is judged by what persists: never analyzed,
 * or grown or shrunk by more than a tenth (and 8 pages) since it last was, as autovacuum would.
 */
const STALE_TABLES = `
  select c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r'
     and (c.reltuples < 0
          or abs(pg_relation_size(c.oid) / current_setting('block_size')::int - c.relpages) > 8 + c.relpages / 10)`;

/** Analyzes the embedded database's tables whose statistics are missing or stale; their names. */
export async function analyzeStaleTables(db: Database): Promise<string[]> {
  if (db.kind !== 'pglite') return [];
  return db.transaction(async (tx) => {
    // ANALYZE needs the tables' owner: the session's own superuser, for this transaction only.
    await tx.query('set local role none');
    const stale = await tx.query<{ name: string }>(STALE_TABLES);
    for (const { name } of stale) await tx.query(`analyze "${name}"`);
    return stale.map((t) => t.name);
  });
}

/** Every `intervalSeconds`, and at once: analyzeStaleTables, logged when it analyzed anything. */
export function startEmbeddedStatistics(
  db: Database,
  opts: { intervalSeconds: number; log: FastifyBaseLogger },
): { stop(): Promise<void> } {
  return startPeriodic(async () => {
    try {
      const started = Date.now();
      const tables = await analyzeStaleTables(db);
      if (tables.length > 0)
        opts.log.info({ tables, ms: Date.now() - started }, 'embedded database analyzed');
    } catch (err) {
      opts.log.error({ err }, 'analyzing the embedded database failed; it will be retried');
    }
  }, opts.intervalSeconds);
}
