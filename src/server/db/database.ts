/**
 * The one database interface the application uses, over PGlite or PostgreSQL alike.
 * Every tenant-owned row is read and written inside `withTenant`, which sets the tenant
 * that PostgreSQL's row-level security policies compare against.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A transaction's connection inside `withTenant`. */
export interface TenantQueryable extends Queryable {
  /**
   * Inserts new rows into a tenant-owned table, each with the transaction's tenant as `tenant_id`;
   * a key already stored fails the whole call. For bulk loads into a new tenant (the demo), which
   * PGlite takes several times faster by COPY than by INSERT. Each row holds a value per column
   * (undefined and null are NULL; objects are stored as JSON).
   */
  insertRows(
    table: string,
    columns: readonly string[],
    rows: readonly Record<string, unknown>[],
  ): Promise<void>;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** A transaction with no tenant set: only the SECURITY DEFINER lookups see anything. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A transaction in which row-level security shows and accepts only `tenantId`'s rows. */
  withTenant<T>(tenantId: string, fn: (tx: TenantQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** A connection pool's state now (PostgreSQL; the embedded database has one connection and no pool). */
  poolStats?(): PoolStats;
}

export interface PoolStats {
  /** Connections open, idle among them, requests waiting for one, and the most the pool opens. */
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export async function setTenant(tx: Queryable, tenantId: string): Promise<void> {
  await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
}

/** A table or column name as an SQL identifier (quoted, so any name is taken as it is). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function one<T extends Row>(q: Queryable, sql: string, params?: unknown[]): Promise<T> {
  const rows = await q.query<T>(sql, params);
  const row = rows[0];
  if (!row) throw new Error(`Expected one row from: ${sql.slice(0, 80)}`);
  return row;
}

export async function maybeOne<T extends Row>(
  q: Queryable,
  sql: string,
  params?: unknown[],
): Promise<T | undefined> {
  const rows = await q.query<T>(sql, params);
  return rows[0];
}

/**
 * Runs `fn` in a transaction's connection `q`, accounting for every statement it sends. A statement
 * sent ahead (see settleAll) whose caller then threw before awaiting it would otherwise be a
 * rejection nobody handles, which ends the Node process for every tenant; and a failed statement
 * whose error was swallowed would let the commit go ahead, which PostgreSQL silently turns into a
 * rollback. So each statement is handled here, all are waited for before `fn`'s outcome counts, and
 * when one failed the transaction is probed: still usable (the failure was rolled back to a
 * savepoint) it goes on to commit; aborted, the first failure is thrown.
 */
export async function runAccounted<Q extends Queryable, T>(q: Q, fn: (tx: Q) => Promise<T>): Promise<T> {
  const pending = new Set<Promise<unknown>>();
  let failure: { err: unknown } | undefined;
  const track = <R>(statement: Promise<R>): Promise<R> => {
    pending.add(statement);
    statement.then(
      () => pending.delete(statement),
      (err: unknown) => {
        pending.delete(statement);
        failure ??= { err };
      },
    );
    return statement;
  };
  const settle = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  const tx = {
    ...q,
    query: (sql, params) => track(q.query(sql, params)),
    exec: (sql) => track(q.exec(sql)),
  } as Q;
  if (isTenantQueryable(q)) {
    (tx as Q & TenantQueryable).insertRows = (table, columns, rows) =>
      track(q.insertRows(table, columns, rows));
  }
  try {
    const result = await fn(tx);
    await settle();
    if (failure) {
      const { err } = failure;
      await q.query('select 1').catch(() => {
        throw err;
      });
    }
    return result;
  } catch (err) {
    await settle();
    throw err;
  }
}

function isTenantQueryable(q: Queryable): q is TenantQueryable {
  return 'insertRows' in q;
}

/**
 * Waits for statements already sent on one connection, which runs them in the order they were
 * sent: sending the next before the answer to the last saves a round trip each, and lets the
 * server work while the caller computes. Every one is waited for before the first failure is
 * thrown, so the transaction is never ended under a statement still queued.
 */
export async function settleAll<T extends readonly unknown[]>(
  statements: [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const results = await Promise.allSettled(statements);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
