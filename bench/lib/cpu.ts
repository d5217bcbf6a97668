import { readFileSync } from 'node:fs';
import type { Queryable } from '../../src/server/db/database.js';

/**
 * CPU time spent by this process and by the PostgreSQL backends serving its database. On a
 * shared machine wall-clock rates move with everyone else's load; CPU seconds move much less,
 * so they show what a phase costs. Backends are read from /proc, so only for a local server.
 */
export interface CpuSample {
  nodeMs: number;
  /** Summed over the database's backends; null when they cannot be read (remote server). */
  postgresMs: number | null;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export class CpuMeter {
  /** Each backend's CPU when last read: one that has exited keeps what it had used. */
  private readonly lastMs = new Map<number, number>();

  /** `q` runs on the database measured; null for PGlite (all of it is in this process). */
  constructor(private readonly q: Queryable | null) {}

  async sample(): Promise<CpuSample> {
    const usage = process.cpuUsage();
    const nodeMs = (usage.user + usage.system) / 1000;
    if (!this.q) return { nodeMs, postgresMs: null };
    const rows = await this.q.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database()',
    );
    for (const { pid } of rows) {
      const ms = procCpuMs(pid);
      if (ms === null) return { nodeMs, postgresMs: null };
      this.lastMs.set(pid, ms);
    }
    let postgresMs = 0;
    for (const ms of this.lastMs.values()) postgresMs += ms;
    return { nodeMs, postgresMs };
  }

  static describe(from: CpuSample, to: CpuSample, events: number): string {
    const node = to.nodeMs - from.nodeMs;
    const per = (ms: number) => `${((ms / events) * 1000).toFixed(0)} µs/event`;
    if (from.postgresMs === null || to.postgresMs === null)
      return `CPU: this process ${fmt(node)} (${per(node)})`;
    const pg = to.postgresMs - from.postgresMs;
    return (
      `CPU: node ${fmt(node)} (${per(node)}), postgres ${fmt(pg)} (${per(pg)}); ` +
      `CPU-bound rate ≈ ${rate(events, node + pg)} events/s`
    );
  }
}

const rate = (events: number, ms: number) => Math.round((events / ms) * 1000).toLocaleString('en');
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
