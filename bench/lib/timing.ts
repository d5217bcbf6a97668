import type { Database, Queryable } from '../../src/server/db/database.js';

/** Time spent per kind of statement: `insert interviews`, `select credit_accounts`, … */
export class QueryTimes {
  readonly byStatement = new Map<string, { calls: number; ms: number }>();

  add(sql: string, ms: number): void {
    const key = statementLabel(sql);
    const t = this.byStatement.get(key) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += ms;
    this.byStatement.set(key, t);
  }

  get totalMs(): number {
    let sum = 0;
    for (const t of this.byStatement.values()) sum += t.ms;
    return sum;
  }

  /** Rows of a table, slowest first, each with its share of `wallMs`. */
  table(wallMs: number): string {
    const rows = [...this.byStatement].sort((a, b) => b[1].ms - a[1].ms);
    const lines = rows.map(
      ([key, t]) =>
        `  ${key.padEnd(34)} ${String(t.calls).padStart(6)} calls ${t.ms.toFixed(0).padStart(8)} ms ` +
        `${((t.ms / t.calls) * 1000).toFixed(0).padStart(7)} µs/call ${pct(t.ms, wallMs)}`,
    );
    const other = wallMs - this.totalMs;
    lines.push(
      `  ${'no statement at work (JS, begin, commit)'.padEnd(34)} ${''.padStart(12)} ${other.toFixed(0).padStart(8)} ms ${''.padStart(15)} ${pct(other, wallMs)}`,
    );
    return lines.join('\n');
  }
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)} %`;

function statementLabel(sql: string): string {
  const s = sql.trim().replace(/\s+/g, ' ').toLowerCase();
  const write = /^(?:with \w+ as \( ?)?(insert into|update|delete from) (\w+)/.exec(s);
  if (write) return `${(write[1] as string).split(' ')[0]} ${write[2]}`;
  // The table read, not the list of keys it is probed with (`from unnest($2) … join lateral (… from t …)`).
  const read = /^select .*? from (?!unnest\b|json_to_recordset\b|json_array_elements_text\b)(\w+)/.exec(s);
  if (read) return `select ${read[1]}`;
  return s.slice(0, 34);
}

/**
 * Times each statement of one transaction. Statements may be sent before the last is answered
 * (pipelined); the connection runs them in order, so a statement's own time starts when it was sent
 * or when the one before it was answered, whichever is later, and ends with its answer.
 */
function timed<Q extends Queryable>(q: Q, times: QueryTimes, explain: boolean): Q {
  let lastAnswerAt = 0;
  // While explaining, statements run one at a time, each after its plan.
  let chain: Promise<unknown> = Promise.resolve();
  const run = async (sql: string, params?: unknown[]) => {
    const t0 = performance.now();
    try {
      return await q.query(sql, params);
    } finally {
      const now = performance.now();
      times.add(sql, now - Math.max(t0, lastAnswerAt));
      lastAnswerAt = now;
    }
  };
  return {
    ...q,
    async query(sql, params) {
      if (!explain || /^\s*select set_config/i.test(sql)) return run(sql, params);
      const result = chain.then(async () => {
        await explainAnalyze(q, sql, params);
        return run(sql, params);
      });
      chain = result.catch(() => {});
      return result;
    },
    exec: (sql) => q.exec(sql),
  } as Q;
}

/** Prints the plan and timings of a statement, run and rolled back in a savepoint. */
async function explainAnalyze(q: Queryable, sql: string, params?: unknown[]): Promise<void> {
  await q.query('savepoint bench_explain');
  try {
    const rows = await q.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${sql}`, params);
    console.log(`\n--- ${statementLabel(sql)}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  } finally {
    await q.query('rollback to savepoint bench_explain');
  }
}

/**
 * The same database, timing every statement run inside its transactions; while `explain()`
 * says so, each statement's plan is printed first (EXPLAIN ANALYZE in a rolled-back savepoint).
 */
export function timedDatabase(
  db: Database,
  times: QueryTimes,
  explain: () => boolean = () => false,
): Database {
  return {
    kind: db.kind,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    transaction: (fn) => db.transaction((tx) => fn(timed(tx, times, explain()))),
    withTenant: (tenantId, fn) => db.withTenant(tenantId, (tx) => fn(timed(tx, times, explain()))),
    close: () => db.close(),
  };
}
