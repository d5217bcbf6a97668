import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { lsnValue, type ReplicaRouting, replicaRouting } from './replica.js';

/** A primary and a replica that answer the monitor's two queries with what the test sets. */
function servers() {
  const at = {
    primaryLsn: '0/3000000',
    replay: '0/3000000' as string | null,
    replayedAt: null as Date | null,
    recovery: true,
    replicaDown: false,
  };
  const fake = (answer: () => object) =>
    ({ query: async () => [answer()], close: async () => {} }) as unknown as Database;
  const primary = fake(() => ({ lsn: at.primaryLsn }));
  const replica = fake(() => {
    if (at.replicaDown) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    return { recovery: at.recovery, replay: at.replay, replayed_at: at.replayedAt };
  });
  return { at, primary, replica };
}

const routings: ReplicaRouting[] = [];
afterEach(async () => {
  for (const r of routings.splice(0)) await r.close();
});

function route(s: ReturnType<typeof servers>, maxLagSeconds = 10) {
  const lines: string[] = [];
  const log = {
    info: (_: object, msg: string) => void lines.push(msg),
    warn: (_: object, msg: string) => void lines.push(msg),
  };
  // Polled by hand only.
  const reads = replicaRouting({
    primary: s.primary,
    replica: s.replica,
    maxLagSeconds,
    log,
    pollMs: 60_000,
  });
  routings.push(reads);
  return { reads, lines };
}

describe('read routing', () => {
  it('reads WAL positions as numbers', () => {
    expect(lsnValue('0/3000000')).toBe(0x3000000n);
    expect(lsnValue('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
  });

  it('an idle primary whose last commit is hours old: the replica has all of it, so its figures are fresh', async () => {
    const s = servers();
    s.at.replayedAt = new Date(Date.now() - 3 * 3600_000);
    const { reads, lines } = route(s);
    const before = Date.now();
    await reads.poll();
    expect(reads.state).toBe('in_use');
    const target = reads.pick(undefined, new Date());
    expect(target.source).toBe('replica');
    expect(target.dataAsOf.getTime()).toBeGreaterThanOrEqual(before);
    expect(lines).toEqual(['read replica in use: the console, export and forecast read from it']);
  });

  it('behind the primary: as of its last replayed commit; over the limit the reads go to the primary, logged once', async () => {
    const s = servers();
    s.at.primaryLsn = '0/4000000';
    s.at.replayedAt = new Date(Date.now() - 60_000);
    const { reads, lines } = route(s);
    await reads.poll();
    await reads.poll();
    expect(reads.state).toBe('lagging');
    expect(reads.pick(undefined, new Date()).source).toBe('primary');
    s.at.replayedAt = new Date(Date.now() - 2_000);
    await reads.poll();
    expect(reads.state).toBe('in_use');
    expect(reads.pick(undefined, new Date()).dataAsOf).toEqual(s.at.replayedAt);
    s.at.replay = '0/4000000';
    await reads.poll();
    expect(reads.pick(undefined, new Date()).dataAsOf.getTime()).toBeGreaterThan(s.at.replayedAt.getTime());
    expect(lines).toEqual([
      'read replica lags too far behind: reads go to the primary',
      'read replica in use: the console, export and forecast read from it',
    ]);
  });

  it("a caller's reads go to the primary after its write until the replica has replayed past it", async () => {
    const s = servers();
    const { reads } = route(s);
    await reads.poll();
    reads.noteWrite('session:a');
    expect(reads.pick('session:a', new Date()).source).toBe('primary');
    expect(reads.pick('session:b', new Date()).source).toBe('replica');
    // The write moved the primary on; the replica has not replayed it yet.
    s.at.primaryLsn = '0/3000100';
    await reads.poll();
    expect(reads.pick('session:a', new Date()).source).toBe('primary');
    s.at.replay = '0/3000100';
    await reads.poll();
    expect(reads.pick('session:a', new Date()).source).toBe('replica');
  });

  it('down or not a replica: the primary, logged once per change', async () => {
    const s = servers();
    const { reads, lines } = route(s);
    s.at.replicaDown = true;
    await reads.poll();
    await reads.poll();
    expect(reads.pick(undefined, new Date()).source).toBe('primary');
    s.at.replicaDown = false;
    s.at.recovery = false;
    await reads.poll();
    expect(reads.pick(undefined, new Date()).source).toBe('primary');
    s.at.recovery = true;
    await reads.poll();
    expect(reads.pick(undefined, new Date()).source).toBe('replica');
    expect(lines).toEqual([
      'read replica unavailable: reads go to the primary',
      'METERLINE_READ_DATABASE_URL is not a replica (not in recovery): reads go to the primary',
      'read replica in use: the console, export and forecast read from it',
    ]);
  });
});
