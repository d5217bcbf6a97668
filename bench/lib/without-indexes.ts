import type { Database } from '../../src/server/db/database.js';

export interface DroppedIndex {
  table: string;
  name: string;
  /** The statement that puts it back, from PostgreSQL's own rendering of it. */
  create: string;
  kind: 'index' | 'key' | 'foreign key';
}

/**
 * Drops the tables' keys and indexes before a bulk load: primary, unique and foreign keys (their
 * own, and other tables' pointing at them) and every other index, returning what puts each back
 * as PostgreSQL renders it (pg_get_indexdef, pg_get_constraintdef), so the schema stays the
 * migrations'. Kept while loading, an index takes every row at a random place for keys such as an
 * interview's md5 id, and at 10,000,000 rows it no longer fits in memory: each insert then waits
 * on reads and dirties a page of its own. Built after, each is one sort, and a foreign key is
 * checked by one join rather than by a trigger per row.
 */
export async function dropIndexes(owner: Database, tables: string[]): Promise<DroppedIndex[]> {
  const found = await owner.query<DroppedIndex & Record<string, unknown>>(
    `select c.conrelid::regclass::text as table, c.conname as name,
            format('alter table %s add constraint %I %s', c.conrelid::regclass, c.conname,
                   pg_get_constraintdef(c.oid)) as create,
            case c.contype when 'f' then 'foreign key' else 'key' end as kind
       from pg_constraint c
      where (c.conrelid = any($1::regclass[]) and c.contype in ('p', 'u', 'f'))
         or (c.confrelid = any($1::regclass[]) and c.contype = 'f')
     union all
     select i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), 'index'
       from pg_index i
      where i.indrelid = any($1::regclass[])
        and not exists (select 1 from pg_constraint c where c.conrelid = i.indrelid and c.conindid = i.indexrelid)`,
    [tables],
  );
  // Foreign keys first: a key cannot be dropped while one points at it.
  const dropped = [...found].sort(
    (a, b) => Number(b.kind === 'foreign key') - Number(a.kind === 'foreign key'),
  );
  for (const d of dropped) {
    await owner.query(
      d.kind === 'index' ? `drop index ${d.name}` : `alter table ${d.table} drop constraint "${d.name}"`,
    );
  }
  return dropped;
}

/** Puts back what dropIndexes dropped, keys before the foreign keys that point at them. */
export async function restoreIndexes(owner: Database, dropped: DroppedIndex[]): Promise<void> {
  await owner.transaction(async (tx) => {
    // Each index is one sort of the whole table: in memory rather than in temporary files (PGlite
    // keeps its default: its memory is the WebAssembly heap's).
    if (owner.kind === 'postgres') await tx.query(`set local maintenance_work_mem = '1GB'`);
    for (const d of [...dropped].reverse()) await tx.query(d.create);
  });
}
