import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStaleTables } from '../src/server/db/embedded-statistics.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { fillDailyUsage, makeTenant, TestClock } from './helpers/factories.js';

/**
 * The embedded database runs no autovacuum: the server analyzes its stale tables itself
 * (src/server/db/embedded-statistics.ts), so the planner knows how many rows a tenant has.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
let t: TestDatabase;
let tenantId: string;
beforeAll(async () => {
  t = await openTestDatabase();
  tenantId = (await makeTenant(t.db, clock, { timeZone: 'UTC' })).id;
});
afterAll(async () => t?.close());

/** The planner's estimate of a tenant's daily_usage rows. */
async function estimatedRows(): Promise<number> {
  const [plan] = await t.db.withTenant(tenantId, (tx) =>
    tx.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
      'explain (format json) select * from daily_usage where tenant_id = $1',
      [tenantId],
    ),
  );
  return plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? Number.NaN;
}

describe("the embedded database's statistics", () => {
  it('are renewed for a table that grew, once, and the planner then knows its rows', async () => {
    await analyzeStaleTables(t.db);
    await fillDailyUsage(t, tenantId, { openings: 50, days: 400 });
    expect(await estimatedRows()).toBeLessThan(1_000);
    expect(await analyzeStaleTables(t.db)).toContain('daily_usage');
    expect(await estimatedRows()).toBeGreaterThan(10_000);
    expect(await analyzeStaleTables(t.db)).toEqual([]);
  });

  it("leave the session in the app's role", async () => {
    await analyzeStaleTables(t.db);
    const [row] = await t.db.query<{ role: string }>('select current_user as role');
    expect(row?.role).toBe('meterline_app');
  });
});
