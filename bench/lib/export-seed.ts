import { addUser } from '../../src/server/auth/users.js';
import { createTenant, DEFAULT_PLAN } from '../../src/server/tenants/create.js';
import { addDays } from '../../src/shared/calendar.js';
import type { BenchDatabase } from './database.js';
import { TITLES } from './events.js';

/**
 * The export benchmark's tenant: OPENINGS × DAYS rows of usage, and an Account Admin to download
 * them. The seed is set-based SQL straight into what the export reads (openings, daily_usage and
 * tenant_daily_usage), not through ingest: a million rows through ingest would take most of an
 * hour. Each row is what ingest leaves for two interviews of distinct candidates invited and
 * finished that day (one completed, one partial).
 */
const OPENINGS = Number(process.env.BENCH_EXPORT_OPENINGS ?? 1000);
const DAYS = Number(process.env.BENCH_EXPORT_DAYS ?? 1000);
const FIRST_DAY = '2023-01-01';

export const EXPORT_LOGIN = { email: 'bench-export@bench.test', password: 'bench export password' };

export interface ExportSeed {
  tenantId: string;
  rows: number;
  range: { from: string; to: string };
  seedSeconds: number;
}

export async function seedExportTenant(bench: BenchDatabase): Promise<ExportSeed> {
  const t0 = performance.now();
  const { id: tenantId } = await createTenant(
    bench.db,
    {
      slug: 'bench-export',
      name: 'Bench Export',
      timeZone: 'America/New_York',
      billingAnchor: FIRST_DAY,
      plan: DEFAULT_PLAN,
    },
    { now: new Date(), actor: 'bench' },
  );
  await addUser(bench.db, tenantId, {
    ...EXPORT_LOGIN,
    name: 'Bench',
    role: 'account_admin',
  });
  await bench.asOwner(async (owner) => {
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
  return {
    tenantId,
    rows: OPENINGS * DAYS,
    range: { from: FIRST_DAY, to: addDays(FIRST_DAY, DAYS - 1) },
    seedSeconds: (performance.now() - t0) / 1000,
  };
}

/** The rows the tenant's last export wrote, from its audit entry. */
export async function exportedRows(bench: BenchDatabase, tenantId: string): Promise<number> {
  const [audit] = await bench.db.withTenant(tenantId, (tx) =>
    tx.query<{ rows: number }>(
      `select (details->>'rows')::int as rows from audit_log where action = 'usage.exported' order by id desc limit 1`,
    ),
  );
  return audit?.rows ?? 0;
}
