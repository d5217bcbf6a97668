import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/server/app.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import { milliToCredits } from '../src/shared/credits.js';
import { initialJsGzip } from '../src/web/bundle-size.js';
import {
  type ConsoleTenantSpec,
  HISTORY_FROM,
  type LoadedTenant,
  loadConsoleTenant,
  NOW,
} from './lib/console-data.js';
import { openBenchDatabase } from './lib/database.js';
import { DbClock, type Quantiles, quantiles } from './lib/latency.js';
import { measureRoutes } from './lib/route-runner.js';
import { signIn } from './lib/session.js';

/**
 * Latency of the Consumption console's reads for a tenant with 1,000,000 interviews and one with
 * 10,000, side by side in one run: each route is asked in turn of one tenant then the other
 * (the order alternating), one request at a time, through the whole HTTP stack: the app listens
 * on 127.0.0.1 (port 0) and is fetched with an account_admin's session cookie, as the browser does.
 * The data is made set-based in SQL (bench/lib/console-data.ts). The clock stands at NOW
 * (2026-03-20), so the current billing period is March 2026.
 */
const REQUESTS = Number(process.env.BENCH_CONSOLE_REQUESTS ?? 200);
const WARMUP = Number(process.env.BENCH_CONSOLE_WARMUP ?? 20);
const LARGE = Number(process.env.BENCH_CONSOLE_LARGE ?? 1_000_000);
/** Plans of the slowest statements of routes that miss a goal; BENCH_CONSOLE_EXPLAIN=all for every route. */
const EXPLAIN = process.env.BENCH_CONSOLE_EXPLAIN ?? 'misses';
/** verifyTenant runs on the small tenant; BENCH_CONSOLE_VERIFY=all also on the large one (about a minute more). */
const VERIFY: Size[] = process.env.BENCH_CONSOLE_VERIFY === 'all' ? ['small', 'large'] : ['small'];
const GOAL_P95_MS = 30;
const GOAL_RATIO = 2;
const GOAL_JS_BYTES = 300 * 1024;

const TENANTS = {
  small: {
    slug: 'bench-console-small',
    name: 'Bench Console Small',
    timeZone: 'Europe/Berlin',
    interviews: 10_000,
    openings: 50,
    allotmentCredits: 300,
    seed: 11,
  },
  large: {
    slug: 'bench-console-large',
    name: 'Bench Console Large',
    timeZone: 'America/New_York',
    interviews: LARGE,
    openings: Math.max(50, Math.round(LARGE / 500)),
    allotmentCredits: Math.max(300, Math.round(LARGE * 0.03)),
    seed: 23,
  },
} satisfies Record<string, ConsoleTenantSpec>;
type Size = keyof typeof TENANTS;
const SIZES: Size[] = ['small', 'large'];

const LAST_MONTH_DAY = '2026-03-31';
/** The routes asked (under /api/v1), also their names in the results: without from/to, the current period. */
const ROUTES = [
  '/consumption/summary',
  '/consumption/openings',
  '/consumption/breakdown?by=department',
  '/consumption/timeseries?granularity=day',
  `/consumption/timeseries?granularity=month&from=${HISTORY_FROM}&to=${LAST_MONTH_DAY}`,
  // Filters (docs/product.md, Filters), from the rollup by attribution set.
  '/consumption/summary?department=Nursing',
  '/consumption/openings?department=Nursing&location=London',
  '/consumption/breakdown?by=recruiter&department=Nursing',
  `/consumption/timeseries?granularity=month&from=${HISTORY_FROM}&to=${LAST_MONTH_DAY}&department=Nursing`,
  '/consumption/attributes',
];

/** Milliseconds per request; ratioP95 is the large tenant's p95 over the small one's. */
export interface RouteFigures {
  small: Quantiles;
  large: Quantiles;
  ratioP95: number;
}

export interface ConsoleFigures {
  routes: Record<string, RouteFigures>;
  initialJsGzipBytes: number;
  database: 'pglite' | 'postgres';
  requestsPerRouteAndTenant: number;
  loadAverage1m: { before: number; after: number };
}

interface Sample {
  ms: number[];
  dbMs: number[];
  /** Time per statement text, to find where a route's database time goes. */
  statements: Map<string, { ms: number; calls: number; params: unknown[] | undefined }>;
}

export async function run(): Promise<ConsoleFigures> {
  const root = join(import.meta.dirname, '..');
  const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores`,
  );

  // The console's initial JavaScript, from a build of the current sources (built when missing or stale).
  const built = spawnSync(process.execPath, ['src/web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('Building the web console failed');
  const js = initialJsGzip(join(root, 'dist/web'));
  log(
    `initial JS (gzip -9): ${js.bytes.toLocaleString('en')} bytes in ${js.files.map((f) => f.file).join(', ')}`,
  );

  let t0 = performance.now();
  const bench = await openBenchDatabase();
  log(`opened ${bench.kind} in ${secs(t0)}`);
  const clock = new DbClock();
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const tenants = {} as Record<Size, LoadedTenant>;
    for (const size of SIZES) {
      t0 = performance.now();
      tenants[size] = await loadConsoleTenant(bench, TENANTS[size], log);
      log(`  ${size} loaded in ${secs(t0)}`);
    }
    // As autovacuum would have by now: statistics and the visibility map of the fresh tables.
    t0 = performance.now();
    await bench.asOwner(async (owner) => {
      await owner.query('vacuum analyze');
      if (bench.kind === 'postgres') await owner.query('checkpoint');
    });
    log(`vacuum analyze in ${secs(t0)}`);
    for (const size of VERIFY) {
      t0 = performance.now();
      const problems = await verifyTenant(bench.db, tenants[size].id);
      if (problems.length > 0) {
        throw new Error(`verifyTenant(${size}): ${problems.length} problems, first ${problems[0]?.message}`);
      }
      log(`verifyTenant(${size}): ledger, charges and rollups agree with the interviews (${secs(t0)})`);
    }

    app = await buildApp({
      db: clock.wrap(bench.db),
      config: {
        LOG_LEVEL: 'silent',
        METERLINE_SESSION_HOURS: 12,
        // One session asks back to back, thousands a minute, far past any person at a console:
        // the bench measures the reads, so the session's rate limit is lifted out of its way.
        METERLINE_RATE_LIMIT_SESSION_PER_MINUTE: Number.MAX_SAFE_INTEGER,
      },
      now: () => NOW,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
    const cookies = {} as Record<Size, string>;
    for (const size of SIZES) cookies[size] = await signIn(base, tenants[size].email);

    const get = async (size: Size, url: string) => {
      const res = await fetch(`${base}${url}`, { headers: { cookie: cookies[size] } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${url} (${size}): ${res.status} ${body.slice(0, 300)}`);
      return body;
    };
    for (const size of SIZES) await checkAnswers(size, tenants[size], (url) => get(size, url));

    const samples = new Map<string, Sample>();
    const key = (route: string, size: Size) => `${route}\u0000${size}`;
    t0 = performance.now();
    let loadBefore = 0;
    await measureRoutes({
      routes: ROUTES,
      sizes: SIZES,
      ask: get,
      warmup: WARMUP,
      requests: REQUESTS,
      before: () => clock.take(),
      warmedUp: () => {
        log(`warm-up: ${WARMUP} requests per route and tenant in ${secs(t0)}`);
        loadBefore = load();
        log(
          `load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')} before measuring`,
        );
        t0 = performance.now();
      },
      measured: (route, size, ms) => {
        const spend = clock.take();
        let s = samples.get(key(route, size));
        if (!s) {
          s = { ms: [], dbMs: [], statements: new Map() };
          samples.set(key(route, size), s);
        }
        s.ms.push(ms);
        s.dbMs.push(spend.ms);
        for (const st of spend.statements) {
          const text = st.sql.replace(/\s+/g, ' ').trim();
          const agg = s.statements.get(text) ?? { ms: 0, calls: 0, params: st.params };
          agg.ms += st.ms;
          agg.calls++;
          s.statements.set(text, agg);
        }
      },
    });
    const loadAfter = load();
    log(
      `measured: ${REQUESTS} requests per route and tenant in ${secs(t0)}; load average ` +
        `${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} after`,
    );

    const routes: Record<string, RouteFigures> = {};
    const lines: string[] = [];
    const misses: string[] = [];
    for (const route of ROUTES) {
      const of = (size: Size) => samples.get(key(route, size)) as Sample;
      const small = quantiles(of('small').ms);
      const large = quantiles(of('large').ms);
      const ratioP95 = Math.round((large.p95 / small.p95) * 100) / 100;
      routes[route] = { small, large, ratioP95 };
      const db = (size: Size) => quantiles(of(size).dbMs).p50.toFixed(1);
      lines.push(
        `  ${route.padEnd(72)} ${fmt(small)}   ${fmt(large)}   ${ratioP95.toFixed(2).padStart(5)}   ` +
          `${db('small').padStart(5)} / ${db('large').padStart(5)}`,
      );
      const miss = (bench.kind === 'postgres' && large.p95 >= GOAL_P95_MS) || ratioP95 >= GOAL_RATIO;
      if (miss) misses.push(route);
    }
    log(
      `latency in ms (p50 / p95 / p99), ${REQUESTS} requests each, over HTTP on 127.0.0.1:\n` +
        `  ${'route'.padEnd(72)} ${'small'.padEnd(23)}   ${'large'.padEnd(23)}   ratio   db p50 small / large\n` +
        lines.join('\n'),
    );
    log(`where the large tenant's database time goes (mean ms per request, top statements):`);
    for (const route of ROUTES) {
      const s = samples.get(key(route, 'large')) as Sample;
      const top = [...s.statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 3);
      console.log(`  ${route}`);
      for (const [text, agg] of top) {
        console.log(`    ${(agg.ms / REQUESTS).toFixed(2).padStart(7)} ms  ${text.slice(0, 150)}`);
      }
    }
    for (const route of EXPLAIN === 'all' ? ROUTES : misses) {
      for (const size of SIZES) {
        const s = samples.get(key(route, size)) as Sample;
        const [text, agg] = [...s.statements].sort((a, b) => b[1].ms - a[1].ms)[0] ?? [];
        if (!text || !agg) continue;
        const plan = await bench.db.withTenant(tenants[size].id, (tx) =>
          tx.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, agg.params),
        );
        console.log(
          `\n--- ${route} (${size}): its slowest statement, ${(agg.ms / REQUESTS).toFixed(2)} ms per request\n` +
            `${text}\n${JSON.stringify(agg.params)}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`,
        );
      }
    }
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const worstP95 = Math.max(...Object.values(routes).map((r) => r.large.p95));
    const worstRatio = Math.max(...Object.values(routes).map((r) => r.ratioP95));
    log(
      `goals: p95 < ${GOAL_P95_MS} ms on PostgreSQL: ${bench.kind === 'postgres' ? verdict(worstP95 < GOAL_P95_MS) : 'n/a (PGlite)'} ` +
        `(worst ${worstP95} ms); ratio < ${GOAL_RATIO}: ${verdict(worstRatio < GOAL_RATIO)} (worst ${worstRatio}); ` +
        `initial JS < 300 KB: ${verdict(js.bytes < GOAL_JS_BYTES)} (${(js.bytes / 1024).toFixed(1)} KB)`,
    );
    return {
      routes,
      initialJsGzipBytes: js.bytes,
      database: bench.kind,
      requestsPerRouteAndTenant: REQUESTS,
      loadAverage1m: { before: loadBefore, after: loadAfter },
    };
  } finally {
    await app?.close();
    await bench.close();
  }
}

/** The answers are the data's: the current period, every bucket, and all credits accounted for. */
async function checkAnswers(size: Size, t: LoadedTenant, get: (url: string) => Promise<string>) {
  const summary = JSON.parse(await get('/consumption/summary'));
  if (summary.periodStart !== '2026-03-01' || summary.periodEnd !== LAST_MONTH_DAY) {
    throw new Error(
      `${size}: current period ${summary.periodStart}..${summary.periodEnd}, expected March 2026`,
    );
  }
  const openings = JSON.parse(await get('/consumption/openings'));
  const days = JSON.parse(await get('/consumption/timeseries?granularity=day'));
  const months = JSON.parse(
    await get(`/consumption/timeseries?granularity=month&from=${HISTORY_FROM}&to=${LAST_MONTH_DAY}`),
  );
  const credits = (points: { creditsUsed: number }[]) => points.reduce((a, p) => a + p.creditsUsed, 0);
  if (days.points.length !== 31 || months.points.length !== 36) {
    throw new Error(`${size}: ${days.points.length} daily and ${months.points.length} monthly points`);
  }
  if (Math.abs(credits(months.points) - milliToCredits(Number(t.counts.charged_milli))) > 0.001) {
    throw new Error(
      `${size}: monthly points hold ${credits(months.points)} credits, the interviews were charged ${t.counts.charged_milli} milli`,
    );
  }
  if (Math.abs(credits(days.points) - summary.creditsUsed) > 0.001) {
    throw new Error(`${size}: daily points ${credits(days.points)} ≠ summary ${summary.creditsUsed} credits`);
  }
  log(
    `${size}: this period ${summary.totalInterviews.toLocaleString('en')} interviews, ${summary.creditsUsed} credits ` +
      `(previous ${summary.previous.creditsUsed}), balance ${summary.remainingBalance} of ${summary.allotment}; ` +
      `${openings.total} openings active; 36 months hold ${credits(months.points).toLocaleString('en')} credits`,
  );
}

const fmt = (q: Quantiles) =>
  `${q.p50.toFixed(1).padStart(6)} /${q.p95.toFixed(1).padStart(6)} /${q.p99.toFixed(1).padStart(6)}`;
const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[console] ${line}`);
