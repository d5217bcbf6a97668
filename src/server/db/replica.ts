import { withTimeLimit } from '../time-limit.js';
import type { Database, PoolStats, TenantQueryable } from './database.js';
import { isDatabaseUnavailable } from './unavailable.js';

/**
 * Where reads go when a read replica is configured (METERLINE_READ_DATABASE_URL), and how fresh
 * what they read is (docs/product.md, Read replica; docs/scaling.md).
 *
 * A monitor samples, every poll, the primary's WAL flush position and then the replica's replay
 * position. Once the replica has replayed up to a sample's position, everything committed on the
 * primary before that sample was taken is on the replica: that sample's time is `caughtUpAt`. So an
 * idle primary, whose last commit may be hours old, still reads as caught up just now, while
 * `pg_last_xact_replay_timestamp()` (the last replayed commit's time) alone would call it hours
 * behind. The figures are as of the later of the two; the lag is how long ago that was.
 *
 * Reads go to the primary while the replica is down, is not a replica, or lags more than
 * METERLINE_MAX_REPLICA_LAG_SECONDS; and a caller's reads go to the primary after a write of its
 * own until the replica has caught up past that write (read-your-writes), which is one or two
 * polls when replication keeps up. The primary's flush position is used: every commit
 * acknowledged to a client (synchronous_commit on, the default) lies before it, and nothing after
 * it can have reached the replica yet.
 */
export interface ReadRouting {
  /**
   * The database for `caller`'s reads now, and the instant its figures are current as of: `now`
   * (the app's clock) on the primary.
   */
  pick(caller: string | undefined, now: Date): ReadTarget;
  /** `caller` has just written (its transaction committed on the primary). */
  noteWrite(caller: string): void;
  /** The replica's state as the last poll found it, and how far behind its figures are (readiness). */
  status(): ReplicaStatus;
  /** The replica's connection pool now (metrics); undefined without a replica. */
  replicaPoolStats(): PoolStats | undefined;
  close(): Promise<void>;
}

export interface ReplicaStatus {
  replica: ReplicaState | 'none';
  /** Seconds since the instant the replica's figures are current as of; null without a replica or before it has caught up once. */
  lagSeconds: number | null;
}

export interface ReadTarget {
  db: Database;
  source: 'primary' | 'replica';
  dataAsOf: Date;
}

/** Every read on the primary: PGlite, or PostgreSQL without a replica. */
export function primaryOnly(primary: Database): ReadRouting {
  return {
    pick: (_, now) => ({ db: primary, source: 'primary', dataAsOf: now }),
    noteWrite: () => {},
    status: () => ({ replica: 'none', lagSeconds: null }),
    replicaPoolStats: () => undefined,
    close: async () => {},
  };
}

export type ReplicaState = 'unknown' | 'in_use' | 'down' | 'lagging' | 'not_a_replica';

export interface ReplicaLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ReplicaOptions {
  primary: Database;
  replica: Database;
  maxLagSeconds: number;
  log: ReplicaLog;
  /** How often the replica is checked (ms); four times a second by default, well within the smallest lag limit (1 s). */
  pollMs?: number;
}

/** A WAL position ('16/B374D848') as a number, to compare two. */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

const tenths = (seconds: number) => Math.round(seconds * 10) / 10;

/** A poll that takes longer than this (an unreachable host) counts as the replica being down. */
const POLL_TIMEOUT_MS = 5_000;
/** Samples kept while the replica is behind; dropping the oldest only makes caughtUpAt later to advance. */
const MAX_SAMPLES = 600;

export interface ReplicaRouting extends ReadRouting {
  readonly state: ReplicaState;
  /** Runs one poll now (tests; the start-up check). */
  poll(): Promise<void>;
  /** Reads served by each side since start (tests prove where reads went). */
  readonly served: { primary: number; replica: number };
}

export function replicaRouting(options: ReplicaOptions): ReplicaRouting {
  const { primary, replica, maxLagSeconds, log } = options;
  const maxLagMs = maxLagSeconds * 1000;
  const pollMs = options.pollMs ?? 250;
  let state: ReplicaState = 'unknown';
  let caughtUpAt = Number.NEGATIVE_INFINITY;
  let dataAsOf = Number.NEGATIVE_INFINITY;
  /**
   * Writes and samples in the order this process saw them: a sample taken after a write was noted
   * holds it, whatever the clock's resolution. caughtUpStep is the last sample the replica has.
   */
  let step = 0;
  let caughtUpStep = 0;
  const samples: { at: number; step: number; lsn: bigint }[] = [];
  /** Each caller's last write (its step), while the replica may not have it yet. */
  const writes = new Map<string, number>();
  const served = { primary: 0, replica: 0 };

  function enter(next: ReplicaState, detail: object) {
    if (next === state) return;
    state = next;
    if (next === 'in_use')
      log.info(detail, 'read replica in use: the console, export and forecast read from it');
    else if (next === 'down') log.warn(detail, 'read replica unavailable: reads go to the primary');
    else if (next === 'lagging')
      log.warn(detail, 'read replica lags too far behind: reads go to the primary');
    else
      log.warn(
        detail,
        'METERLINE_READ_DATABASE_URL is not a replica (not in recovery): reads go to the primary',
      );
  }

  async function check(): Promise<void> {
    const sampledAt = Date.now();
    const sampleStep = ++step;
    // The primary's own failures are for the requests to report; without its position the replica
    // cannot be judged, and its figures only age until the next poll that can.
    const [p] = await primary
      .query<{ lsn: string }>('select pg_current_wal_flush_lsn()::text as lsn')
      .catch(() => [undefined]);
    if (!p) return;
    let r: { recovery: boolean; replay: string | null; replayed_at: Date | null } | undefined;
    try {
      [r] = await replica.query(
        `select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replay,
                pg_last_xact_replay_timestamp() as replayed_at`,
      );
    } catch (err) {
      enter('down', { err: (err as Error).message });
      return;
    }
    if (!r?.recovery || r.replay === null) {
      enter('not_a_replica', {});
      return;
    }
    samples.push({ at: sampledAt, step: sampleStep, lsn: lsnValue(p.lsn) });
    if (samples.length > MAX_SAMPLES) samples.shift();
    const replayed = lsnValue(r.replay);
    for (let s = samples[0]; s && s.lsn <= replayed; s = samples[0]) {
      caughtUpAt = s.at;
      caughtUpStep = s.step;
      samples.shift();
    }
    dataAsOf = Math.max(caughtUpAt, r.replayed_at?.getTime() ?? Number.NEGATIVE_INFINITY);
    for (const [caller, wrote] of writes) if (wrote < caughtUpStep) writes.delete(caller);
    const lag = lagSeconds();
    if (lag > maxLagSeconds) {
      enter('lagging', { lagSeconds: tenths(lag), maxLagSeconds });
    } else enter('in_use', {});
  }

  /** How old the replica's figures are now (Infinity before it has caught up once). */
  function lagSeconds(): number {
    return Math.max(0, (Date.now() - dataAsOf) / 1000);
  }

  let running: Promise<void> | undefined;
  function poll(): Promise<void> {
    running ??= (async () => {
      try {
        await withTimeLimit(check(), POLL_TIMEOUT_MS);
      } catch (err) {
        enter('down', { err: (err as Error).message });
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  /**
   * The replica, but a transaction it cannot even begin (stopped since the last poll) runs on the
   * primary instead, and the replica counts as down until a poll finds it back. One that fails once
   * under way is not run again: it may have sent part of an answer (an export).
   */
  const replicaOrPrimary: Database = {
    ...replica,
    withTenant<T>(tenantId: string, fn: (tx: TenantQueryable) => Promise<T>) {
      let begun = false;
      return replica
        .withTenant(tenantId, (tx) => {
          begun = true;
          return fn(tx);
        })
        .catch((err: unknown) => {
          if (begun || !isDatabaseUnavailable(err)) throw err;
          enter('down', { err: (err as Error).message });
          served.replica--;
          served.primary++;
          return primary.withTenant(tenantId, fn);
        });
    },
  };

  const interval = setInterval(() => void poll(), pollMs);
  interval.unref();

  return {
    get state() {
      return state;
    },
    served,
    poll,
    pick(caller, now) {
      const wrote = caller === undefined ? undefined : writes.get(caller);
      const fresh = Date.now() - dataAsOf <= maxLagMs;
      if (state === 'in_use' && fresh && (wrote === undefined || wrote < caughtUpStep)) {
        served.replica++;
        return { db: replicaOrPrimary, source: 'replica', dataAsOf: new Date(dataAsOf) };
      }
      served.primary++;
      return { db: primary, source: 'primary', dataAsOf: now };
    },
    noteWrite(caller) {
      writes.set(caller, ++step);
    },
    status() {
      const lag = lagSeconds();
      return { replica: state, lagSeconds: Number.isFinite(lag) ? tenths(lag) : null };
    },
    replicaPoolStats: () => replica.poolStats?.(),
    async close() {
      clearInterval(interval);
      await running;
      await replica.close();
    },
  };
}
