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

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** A transaction with no tenant set: only the SECURITY DEFINER lookups see anything. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A transaction in which row-level security shows and accepts only `tenantId`'s rows. */
  withTenant<T>(tenantId: string, fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function setTenant(tx: Queryable, tenantId: string): Promise<void> {
  await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
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
