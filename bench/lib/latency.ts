import type { Database, Queryable } from '../../src/server/db/database.js';

export interface Quantiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank quantiles, in the samples' unit, to 0.01. */
export function quantiles(samples: number[]): Quantiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => {
    const v = sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
    return Math.round(v * 100) / 100;
  };
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

export interface Statement {
  sql: string;
  params: unknown[] | undefined;
  ms: number;
}

/** What one request spent in the database: every top-level call's wall time, and each statement. */
export interface DbSpend {
  ms: number;
  statements: Statement[];
}

/**
 * Wraps the app's database to measure, per request, the time spent waiting on it: each
 * top-level call (a lookup, a whole tenant transaction with its begin/set_config/commit) adds its
 * wall time; each statement is kept with its own time, to see which to explain. Requests are sent
 * one at a time, so `take()` after a response holds exactly that request's spend.
 */
export class DbClock {
  private spend: DbSpend = { ms: 0, statements: [] };

  take(): DbSpend {
    const s = this.spend;
    this.spend = { ms: 0, statements: [] };
    return s;
  }

  wrap(db: Database): Database {
    const timeTop = async <T>(fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        this.spend.ms += performance.now() - t0;
      }
    };
    const note = (sql: string, params: unknown[] | undefined, ms: number) => {
      this.spend.statements.push({ sql, params, ms });
    };
    const inner = <Q extends Queryable>(tx: Q): Q =>
      ({
        ...tx,
        async query(sql, params) {
          const t0 = performance.now();
          try {
            return await tx.query(sql, params);
          } finally {
            note(sql, params, performance.now() - t0);
          }
        },
        exec: (sql) => tx.exec(sql),
      }) as Q;
    return {
      kind: db.kind,
      query: (sql, params) =>
        timeTop(async () => {
          const t0 = performance.now();
          try {
            return await db.query(sql, params);
          } finally {
            note(sql, params, performance.now() - t0);
          }
        }),
      exec: (sql) => db.exec(sql),
      transaction: (fn) => timeTop(() => db.transaction((tx) => fn(inner(tx)))),
      withTenant: (tenantId, fn) => timeTop(() => db.withTenant(tenantId, (tx) => fn(inner(tx)))),
      close: () => db.close(),
    };
  }
}
