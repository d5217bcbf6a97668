import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../src/server/demo/tenants.js';
import { startServer } from './lib/started-server.js';

/**
 * The first start as a new user sees it, after `npm install` (which builds the console): `npm start`
 * on an embedded database folder that does not exist yet, timed from the spawn to the line with the
 * URL; then every demo login is tried, and the server is stopped. RUNS times (3 by default), each on a
 * new folder. The machine's load average is taken before each run: other work on the machine slows
 * the start, so the minimum and the median are both given.
 */
const RUNS = Number(process.env.BENCH_FIRST_START_RUNS ?? 3);
const GOAL_SECONDS = 20;

/**
 * A first start on the day of the install starts from the demo `npm install` loaded
 * (METERLINE_DEMO_TEMPLATE, src/server/db/demo-template.ts); on a later day it loads the demo itself.
 * Both are timed.
 */
const MODES = { 'same day as the install': 'true', 'a later day (demo loaded at start)': 'false' } as const;

async function once(demoTemplate: string): Promise<{ seconds: number; load: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'meterline-first-start-'));
  const load = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const server = await startServer(['npm', 'start'], {
    PORT: '0',
    METERLINE_DATA_DIR: join(dir, 'pglite'),
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    METERLINE_DEMO_TEMPLATE: demoTemplate,
  }).catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  try {
    const { url } = server;
    const seconds = (performance.now() - t0) / 1000;
    for (const login of DEMO_LOGINS) {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: login.email, password: DEMO_PASSWORD }),
      });
      if (res.status !== 200)
        throw new Error(`${login.email} could not sign in: ${res.status} ${await res.text()}`);
    }
    console.log(
      `  ${seconds.toFixed(1)} s to the URL (load average ${load.toFixed(2)}); every demo login works`,
    );
    return { seconds, load };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<object> {
  const round = (x: number) => Math.round(x * 10) / 10;
  const out: Record<string, object> = {};
  for (const [mode, demoTemplate] of Object.entries(MODES)) {
    console.log(`  ${mode}:`);
    const runs: { seconds: number; load: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(demoTemplate));
    const sorted = runs.map((r) => r.seconds).sort((a, b) => a - b);
    const at = (i: number) => sorted[i] ?? Number.NaN;
    // The middle run, or the mean of the two middle runs.
    const median = (at(Math.floor((sorted.length - 1) / 2)) + at(Math.ceil((sorted.length - 1) / 2))) / 2;
    out[mode] = {
      runs: runs.map((r) => ({ seconds: round(r.seconds), loadAverage: round(r.load) })),
      minSeconds: round(at(0)),
      medianSeconds: round(median),
    };
  }
  return { ...out, goalSeconds: GOAL_SECONDS };
}
