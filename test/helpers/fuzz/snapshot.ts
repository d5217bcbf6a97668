import type { TestDatabase } from '../db.js';

/**
 * Audit rows written after the answer, which may land while a later request is checked: a failed
 * sign-in and the throttle it may set off (a refused request that is recorded by design), and an
 * export, recorded once its download has ended (only a download that began writes one).
 */
const WRITTEN_AFTER_ANSWER = ['auth.login_failed', 'auth.throttled', 'usage.exported'];

/**
 * The values a request could change without adding or removing a row: balances, what is left of
 * each lot, charges and reversals, opening status, users' roles and activity, keys' revocation
 * and scopes, alert settings and closed periods. (A key's last use is not among them: using a key
 * is not a change made by the request.)
 */
const FINGERPRINTS: Record<string, string> = {
  balance: `select coalesce(sum(balance_milli), 0) || '/' || coalesce(sum(overage_milli), 0) from credit_accounts`,
  lots: 'select coalesce(sum(remaining_milli), 0) from credit_lots',
  charges: `select coalesce(sum(charged_milli), 0) || '/' || count(reversed_at) || '/' || md5(coalesce(string_agg(state, ',' order by tenant_id, id), '')) from interviews`,
  openings: `select md5(coalesce(string_agg(id || status, ',' order by tenant_id, id), '')) from openings`,
  users: `select md5(coalesce(string_agg(id || role || active, ',' order by tenant_id, id), '')) from users`,
  apiKeys: `select md5(coalesce(string_agg(id || coalesce(revoked_at::text, '') || scopes::text, ',' order by tenant_id, id), '')) from api_keys`,
  alertSettings: `select md5(coalesce(string_agg(a::text, ',' order by tenant_id), '')) from alert_settings a`,
  closedPeriods: 'select count(closed_at) from billing_periods',
};

export type Snapshot = Record<string, string>;

/** The database's rows as counted and fingerprinted, and the WAL position they were read at. */
export interface DatabaseState {
  wal: string;
  rows: Snapshot;
}

export interface StateReader {
  /** The state now. */
  read(): Promise<DatabaseState>;
  /** The state now; `before` itself when nothing was written since (the WAL has not moved). */
  since(before: DatabaseState): Promise<DatabaseState>;
}

/**
 * Reads the rows with one SQL statement, run as the owner past row-level security, that counts
 * the rows of every tenant table (every table with a tenant_id column, read from the catalog, so a
 * new table is counted the day it exists) and reads the fingerprints above, every tenant's, so a
 * write into another tenant would show too. Reading them costs milliseconds on the embedded
 * database, so the WAL position is read first: when it has not moved, nothing was written.
 */
export async function stateReader(t: TestDatabase): Promise<StateReader> {
  const tables = await t.asOwner((owner) =>
    owner.query<{ table_name: string }>(
      `select distinct table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'tenant_id' order by table_name`,
    ),
  );
  const counts = ['tenants', ...tables.map((r) => r.table_name)].map((name) =>
    name === 'audit_log'
      ? `'${name}', (select count(*) from audit_log where action not in (${WRITTEN_AFTER_ANSWER.map((a) => `'${a}'`).join(', ')}))::text`
      : `'${name}', (select count(*) from ${name})::text`,
  );
  const values = Object.entries(FINGERPRINTS).map(([name, sql]) => `'${name}', (${sql})::text`);
  // A function takes at most 100 arguments: the pairs go in objects of 40 pairs, joined.
  const pairs = [...counts, ...values];
  const objects = Array.from(
    { length: Math.ceil(pairs.length / 40) },
    (_, i) => `jsonb_build_object(${pairs.slice(i * 40, i * 40 + 40).join(', ')})`,
  );
  const sql = `select ${objects.join(' || ')} as snapshot`;
  const rows = async (): Promise<Snapshot> => {
    const [row] = await t.asOwner((owner) => owner.query<{ snapshot: Snapshot | string }>(sql));
    const snapshot = row?.snapshot;
    return typeof snapshot === 'string' ? JSON.parse(snapshot) : (snapshot ?? {});
  };
  const wal = async () => {
    const [row] = await t.db.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
    return row?.lsn ?? '';
  };
  // The WAL position before the rows: a write landing in between shows at the next look.
  const read = async () => ({ wal: await wal(), rows: await rows() });
  return {
    read,
    async since(before) {
      const position = await wal();
      return position === before.wal ? before : { wal: position, rows: await rows() };
    },
  };
}
