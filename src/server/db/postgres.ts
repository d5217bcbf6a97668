import pg from 'pg';
import { withTimeLimit } from '../time-limit.js';
import {
  type Database,
  type Queryable,
  quoteIdent,
  type Row,
  runAccounted,
  setTenant,
  settleAll,
  type TenantQueryable,
} from './database.js';

// bigint (count, sum of milli-credits) as a JS number, as PGlite returns it; milli-credit
// totals stay far below 2^53.
pg.types.setTypeParser(20, Number);
// numeric too: sums of bigint columns are numeric in PostgreSQL.
pg.types.setTypeParser(1700, Number);

export interface PostgresOptions {
  url: string;
  /** The role every connection takes at start-up (the app's row-level-security role). */
  role?: string;
  max?: number;
  /** How long a new connection may take before the query fails (none by default). */
  connectionTimeoutMillis?: number;
}

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async exec(sql: string) {
      await client.query(sql);
    },
    async query<T extends Row>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
  };
}

/** Rows a statement of insertRows carries: a few MB of JSON. */
const INSERT_CHUNK = 5000;

/**
 * insertRows as INSERTs of JSON records typed by the table's own row type, sent together (the
 * connection pipelines them); row-level security checks each row as for any insert.
 */
function withInsertRows(q: Queryable, tenantId: string | undefined): TenantQueryable {
  return {
    ...q,
    async insertRows(table, columns, rows) {
      if (tenantId === undefined)
        throw new Error("insertRows writes a tenant's rows: call it inside withTenant.");
      const cols = columns.map(quoteIdent).join(', ');
      const statements: Promise<unknown>[] = [];
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows
          .slice(i, i + INSERT_CHUNK)
          .map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
        statements.push(
          q.query(
            `insert into ${quoteIdent(table)} (tenant_id, ${cols})
             select $1, ${cols} from json_populate_recordset(null::${quoteIdent(table)}, $2::json)`,
            [tenantId, JSON.stringify(chunk)],
          ),
        );
      }
      await settleAll(statements);
    },
  };
}

export function openPostgres(options: PostgresOptions): Database {
  const max = options.max ?? 10;
  const pool = new pg.Pool({
    connectionString: options.url,
    max,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    // Statements sent before the last is answered go out at once (the protocol's pipelining), so a
    // transaction that sends its independent statements together pays one round trip, not one each
    // (settleAll). Cursor-based streams (pg-cursor, pg-query-stream) cannot share such a connection.
    pipeline: true,
    // A start-up parameter, so no connection is ever handed out before it holds the role.
    options: options.role ? `-c role=${options.role}` : undefined,
  });
  // An idle connection that the server ends (a restart, a dropped database) must not crash the
  // process; the pool replaces it on the next query.
  pool.on('error', (err) => {
    process.emitWarning(`PostgreSQL connection lost: ${err.message}`);
  });
  async function transaction<T>(fn: (tx: TenantQueryable) => Promise<T>, tenantId?: string): Promise<T> {
    const client = await pool.connect();
    // A connection that breaks while checked out (the server restarts, an administrator ends the
    // backend) reports it as an 'error' event too, which would end the process unheard: the
    // statement in flight fails by itself, and the connection is thrown away below.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      return await runAccounted(withInsertRows(wrap(client), tenantId), async (tx) => {
        await settleAll([tx.query('begin'), tenantId ? setTenant(tx, tenantId) : Promise.resolve()]);
        const result = await fn(tx);
        await tx.query('commit');
        return result;
      });
    } catch (err) {
      if (!broken) await client.query('rollback').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
  return {
    kind: 'postgres',
    ...wrap(pool),
    transaction: (fn) => transaction(fn),
    withTenant: (tenantId, fn) => transaction(fn, tenantId),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    async close() {
      // pool.end() resolves once its clients are told to end, not once they have: wait for each
      // to be gone, so that nothing (a dropped database, a stopped server) finds one still open.
      const open = pool.totalCount;
      let removed = 0;
      const gone = new Promise<void>((resolve) => {
        if (open === 0) resolve();
        pool.on('remove', () => {
          if (++removed >= open) resolve();
        });
      });
      await pool.end();
      // Bounded: a client that never reports its end must not hold up a shutdown.
      await withTimeLimit(gone, 5_000).catch(() => {});
    },
  };
}
