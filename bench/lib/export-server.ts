import { buildApp } from '../../src/server/app.js';
import { addUser } from '../../src/server/auth/users.js';
import { createTenant, DEFAULT_PLAN } from '../../src/server/tenants/create.js';
import { addDays } from '../../src/shared/calendar.js';
import { asOwner } from './console-data.js';
import { openBenchDatabase } from './database.js';
import { TITLES } from './events.js';
import { copyCsvLimit, xlsxLimit } from './export-limits.js';

/**
 * The export benchmark's server, in a process of its own so that its memory is the server's
 * alone (the parent reads the download). It seeds a tenant with OPENINGS × DAYS rows of usage,
 * listens on 127.0.0.1 (port 0), and answers the parent over IPC:
 * ready → {port, cookie, database}; 'start' → begins sampling RSS; 'stop' → {peakRssBytes,
 * baselineRssBytes, rows (from the audit log)}; 'limit' {format} → {limit: the same rows by the
 * format's fastest writer (export-limits.ts), null for CSV on PGlite}; 'close' → drops the
 * database and exits.
 *
 * The seed is set-based SQL straight into what the export reads (openings, daily_usage and
 * tenant_daily_usage), not through ingest: a million rows through ingest would take most of an
 * hour. Each row is what ingest leaves for two interviews of distinct candidates invited and
 * finished that day (one completed, one partial).
 */
const OPENINGS = Number(process.env.BENCH_EXPORT_OPENINGS ?? 1000);
const DAYS = Number(process.env.BENCH_EXPORT_DAYS ?? 1000);
const FIRST_DAY = '2023-01-01';
const TIME_ZONE = 'America/New_York';
const EMAIL = 'bench-export@bench.test';
const PASSWORD = 'bench export password';

const send = (message: object) => process.send?.(message);

const bench = await openBenchDatabase();
const { id: tenantId } = await createTenant(
  bench.db,
  {
    slug: 'bench-export',
    name: 'Bench Export',
    timeZone: TIME_ZONE,
    billingAnchor: FIRST_DAY,
    plan: DEFAULT_PLAN,
  },
  { now: new Date(), actor: 'bench' },
);
await addUser(bench.db, tenantId, { email: EMAIL, name: 'Bench', role: 'account_admin', password: PASSWORD });

const t0 = performance.now();
await asOwner(bench, async (owner) => {
  const titles = TITLES.map((t) => t.replaceAll("'", "''"));
  await owner.query(
    `insert into openings (tenant_id, id, job_title, title_event_at, title_event_id, created_at)
     select $1, 'op-' || lpad(o::text, 5, '0'),
            (array['${titles.join("','")}'])[1 + o % ${titles.length}] || ' ' || o, now(), '', now()
       from generate_series(1, $2::int) o`,
    [tenantId, OPENINGS],
  );
  await owner.query(
    `insert into daily_usage (tenant_id, opening_id, day, invited, started, completed, partially_completed,
                              credits_milli, candidates)
     select $1, 'op-' || lpad(o::text, 5, '0'), date '${FIRST_DAY}' + d, 2, 2, 1, 1, 1500, 2
       from generate_series(1, $2::int) o, generate_series(0, $3::int - 1) d`,
    [tenantId, OPENINGS, DAYS],
  );
  await owner.query(
    `insert into tenant_daily_usage (tenant_id, day, invited, started, completed, partially_completed,
                                     credits_milli)
     select tenant_id, day, sum(invited), sum(started), sum(completed), sum(partially_completed), sum(credits_milli)
       from daily_usage where tenant_id = $1 group by tenant_id, day`,
    [tenantId],
  );
  await owner.query('analyze');
});
const seedSeconds = (performance.now() - t0) / 1000;

const app = await buildApp({ db: bench.db, config: { LOG_LEVEL: 'silent', METERLINE_SESSION_HOURS: 12 } });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
});
const cookie = login.headers
  .getSetCookie()
  .find((c) => c.startsWith('meterline_session='))
  ?.split(';')[0];

let sampler: NodeJS.Timeout | undefined;
let peak = 0;
let baseline = 0;
process.on('message', async (message: { type: string }) => {
  if (message.type === 'start') {
    // A clean start, so the figure is the export's and not garbage left by the seed.
    global.gc?.();
    baseline = process.memoryUsage().rss;
    peak = baseline;
    sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    send({ type: 'started' });
  } else if (message.type === 'stop') {
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const [audit] = await bench.db.withTenant(tenantId, (tx) =>
      tx.query<{ rows: number }>(
        `select (details->>'rows')::int as rows from audit_log where action = 'usage.exported' order by id desc limit 1`,
      ),
    );
    send({ type: 'stopped', peakRssBytes: peak, baselineRssBytes: baseline, rows: audit?.rows ?? 0 });
  } else if (message.type === 'limit') {
    // After the download: the same rows by the fastest writer of the format (export-limits.ts).
    const { format } = message as unknown as { format: 'csv' | 'xlsx' };
    const range = { from: FIRST_DAY, to: addDays(FIRST_DAY, DAYS - 1) };
    const limit =
      format === 'xlsx'
        ? await xlsxLimit(bench.db, tenantId, range)
        : bench.url
          ? await copyCsvLimit(bench.url, tenantId, range)
          : null;
    send({ type: 'limited', limit });
  } else if (message.type === 'close') {
    await app.close();
    await bench.close();
    process.exit(0);
  }
});
send({
  type: 'ready',
  port,
  cookie,
  database: bench.kind,
  rows: OPENINGS * DAYS,
  from: FIRST_DAY,
  days: DAYS,
  seedSeconds,
});
