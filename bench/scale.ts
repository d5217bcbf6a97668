import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { buildApp } from '../src/server/app.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import {
  type ConsoleTenantSpec,
  HISTORY_FROM,
  type LoadedTenant,
  loadConsoleTenant,
  NOW,
} from './lib/console-data.js';
import { openBenchDatabase } from './lib/database.js';
import { quantiles } from './lib/latency.js';
import { measureRoutes } from './lib/route-runner.js';
import { signIn } from './lib/session.js';
import type { BenchOptions } from './main.js';

/**
 * The console's reads at scale (issue 15): a tenant with 10,000,000 interviews against one with
 * 10,000 (`--interviews <n>` for another large size while developing), each route asked of one
 * tenant then the other in turn (the order alternating), one request at a time over HTTP with an
 * account_admin's session, as the console bench does (bench/console.ts); p95 in ms per route and
 * tenant, and the large tenant's p95 over the small one's. The tenants are made set-based in SQL
 * by bench/lib/console-data.ts (the rollups by the rules' own day rules, the ledger by the
 * application's posting and period-closing code); verifyTenant proves the small one equal to
 * what ingest would have made (`--verify all` also the large one). The clock stands at NOW
 * (2026-03-20). An opening's interviews are the drawer's: the opening of each tenant with the
 * most interviews invited in the range, its first page and a deep one (90 % down, by cursor).
 * `--requests` per route and tenant (200), after `--warmup` (20); a route stops being asked once
 * it has taken `--route-seconds` (120) and has 20 samples (the warm-up asks every route).
 */
const GOAL_P95_MS = 30;
const GOAL_FORECAST_P95_MS = 50;
const GOAL_RATIO = 2;
const DRAWER_RANGE = 'from=2025-10-01&to=2025-12-31';
const MIN_SAMPLES = 20;

type Size = 'small' | 'large';
const SIZES: Size[] = ['small', 'large'];

function specs(large: number): Record<Size, ConsoleTenantSpec> {
  return {
    small: {
      slug: 'bench-scale-small',
      name: 'Bench Scale Small',
      timeZone: 'Europe/Berlin',
      interviews: 10_000,
      openings: 50,
      allotmentCredits: 300,
      seed: 11,
    },
    large: {
      slug: 'bench-scale-large',
      name: 'Bench Scale Large',
      timeZone: 'America/New_York',
      interviews: large,
      openings: Math.max(50, Math.round(large / 500)),
      allotmentCredits: Math.max(300, Math.round(large * 0.03)),
      seed: 23,
    },
  };
}

/** The routes (under /api/v1) by their names in the results; the drawer's are filled in per tenant. */
const ROUTES: Record<string, string> = {
  summary: '/consumption/summary',
  openings: '/consumption/openings',
  'timeseries.day': '/consumption/timeseries?granularity=day',
  'timeseries.week': '/consumption/timeseries?granularity=week&from=2025-03-01&to=2026-03-31',
  'timeseries.month': `/consumption/timeseries?granularity=month&from=${HISTORY_FROM}&to=2026-03-31`,
  'year-over-year': '/consumption/year-over-year',
  forecast: '/consumption/forecast',
  'interviews.first': '',
  'interviews.deep': '',
  breakdown: '/consumption/breakdown?by=department',
};

export interface RouteFigures {
  /** p95 in ms. */
  small: number;
  large: number;
  ratioP95: number;
}

export async function run(options: BenchOptions) {
  const large = Number(options.interviews ?? 10_000_000);
  const requests = Number(options.requests ?? 200);
  const warmup = Number(options.warmup ?? 20);
  const budgetMs = Number(options['route-seconds'] ?? 120) * 1000;
  if (!Number.isSafeInteger(large) || large < 10_000) throw new Error(`--interviews ${options.interviews}`);
  const tenantsSpec = specs(large);
  log(
    `${large.toLocaleString('en')} interviews against 10,000; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores`,
  );

  let t0 = performance.now();
  const bench = await openBenchDatabase();
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const tenants = {} as Record<Size, LoadedTenant>;
    for (const size of SIZES) {
      t0 = performance.now();
      tenants[size] = await loadConsoleTenant(bench, tenantsSpec[size], log);
      log(`  ${size} loaded in ${secs(t0)}`);
    }
    t0 = performance.now();
    await bench.asOwner(async (owner) => {
      await owner.query('vacuum analyze');
      if (bench.kind === 'postgres') await owner.query('checkpoint');
    });
    log(`vacuum analyze in ${secs(t0)}`);
    for (const size of options.verify === 'all' ? SIZES : (['small'] as Size[])) {
      t0 = performance.now();
      const problems = await verifyTenant(bench.db, tenants[size].id);
      if (problems.length > 0) {
        throw new Error(`verifyTenant(${size}): ${problems.length} problems, first ${problems[0]?.message}`);
      }
      log(`verifyTenant(${size}): ledger, charges and rollups agree with the interviews (${secs(t0)})`);
    }
    const database = await bench.db.query<{ size: string }>(
      'select pg_size_pretty(pg_database_size(current_database())) as size',
    );
    log(`database size ${database[0]?.size}`);

    app = await buildApp({
      db: bench.db,
      config: {
        LOG_LEVEL: 'silent',
        METERLINE_SESSION_HOURS: 12,
        // One session asking back to back: the bench measures the reads, not the rate limit.
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

    // Each tenant's drawer: its opening with the most invitations in the range, first and deep page.
    const urls = {} as Record<Size, Record<string, string>>;
    for (const size of SIZES) {
      const top = JSON.parse(
        await get(size, `/consumption/openings?${DRAWER_RANGE}&sort=invited&order=desc&pageSize=1`),
      );
      const openingId = top.items[0]?.openingId as string;
      const first = `/openings/${openingId}/interviews?${DRAWER_RANGE}&pageSize=50`;
      const page = JSON.parse(await get(size, first));
      const pages = Math.ceil(page.total / 50);
      let cursor: string | null = page.nextCursor;
      for (let p = 2; p < Math.max(2, Math.floor(pages * 0.9)) && cursor; p++) {
        cursor = JSON.parse(await get(size, `${first}&cursor=${cursor}`)).nextCursor;
      }
      if (!cursor) throw new Error(`${size}: ${openingId} has no deep page (${page.total} interviews)`);
      const deep = JSON.parse(await get(size, `${first}&cursor=${cursor}`));
      log(
        `${size}: drawer of ${openingId}, ${page.total.toLocaleString('en')} interviews in ${DRAWER_RANGE}; ` +
          `deep page ${deep.page} of ${pages}`,
      );
      urls[size] = {
        ...ROUTES,
        'interviews.first': first,
        'interviews.deep': `${first}&cursor=${cursor}`,
      };
    }

    t0 = performance.now();
    let loadBefore = 0;
    const samples = await measureRoutes({
      routes: Object.keys(ROUTES),
      sizes: SIZES,
      ask: (size, route) => get(size, urls[size][route] as string),
      warmup,
      requests,
      budget: { ms: budgetMs, minSamples: MIN_SAMPLES },
      warmedUp: () => {
        loadBefore = Math.round((loadavg()[0] ?? 0) * 100) / 100;
      },
    });
    const loadAfter = Math.round((loadavg()[0] ?? 0) * 100) / 100;
    log(
      `${warmup} + ${requests} requests per route and tenant in ${secs(t0)}; load ${loadBefore} → ${loadAfter}`,
    );

    const routes: Record<string, RouteFigures> = {};
    const misses: string[] = [];
    for (const route of Object.keys(ROUTES)) {
      const p95 = (size: Size) => quantiles(samples.get(route)?.[size] ?? []).p95;
      const figures = { small: p95('small'), large: p95('large'), ratioP95: 0 };
      figures.ratioP95 = Math.round((figures.large / figures.small) * 100) / 100;
      routes[route] = figures;
      const goal = route === 'forecast' ? GOAL_FORECAST_P95_MS : GOAL_P95_MS;
      const met = figures.large < goal && figures.small < goal && figures.ratioP95 < GOAL_RATIO;
      if (!met) misses.push(route);
      const n = samples.get(route)?.large.length ?? 0;
      console.log(
        `  ${route.padEnd(18)} ${String(n).padStart(3)} requests  p95 ${figures.small.toFixed(1).padStart(6)} ms / ${figures.large.toFixed(1).padStart(6)} ms` +
          `   ratio ${figures.ratioP95.toFixed(2)}   (goal < ${goal} ms, ratio < ${GOAL_RATIO})${met ? '' : '  MISSED'}`,
      );
    }
    log(misses.length === 0 ? 'every goal met' : `goals missed: ${misses.join(', ')}`);
    return {
      interviews: { small: tenants.small.counts.interviews, large: tenants.large.counts.interviews },
      routes,
      database: bench.kind,
      requestsPerRouteAndTenant: requests,
      loadAverage1m: { before: loadBefore, after: loadAfter },
      seedSeconds: { small: tenants.small.phases, large: tenants.large.phases },
    };
  } finally {
    await app?.close();
    await bench.close();
  }
}

const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[scale] ${line}`);
