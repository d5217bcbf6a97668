import { describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

/** The tenant moves to a plan granting `allotmentMilli` (a new plan row, as a plan change makes). */
async function changePlan(tenant: TestTenant, allotmentMilli: number) {
  await env.t.asOwner(async (q) => {
    const [plan] = await q.query<{ id: string }>(
      `insert into plans (tenant_id, name, period_unit, allotment_milli, rollover_mode, rollover_cap_milli,
                          rollover_cap_percent, rollover_expires_after_periods, partial_rule, overage_mode,
                          overage_limit_milli, credit_price_cents, currency, purchase_validity_months,
                          purchase_limit_milli)
       select tenant_id, 'Bigger', period_unit, $2, rollover_mode, rollover_cap_milli, rollover_cap_percent,
              rollover_expires_after_periods, partial_rule, overage_mode, overage_limit_milli, credit_price_cents,
              currency, purchase_validity_months, purchase_limit_milli
         from plans where tenant_id = $1
       returning id`,
      [tenant.id, allotmentMilli],
    );
    await q.query('update tenant_plans set plan_id = $2 where tenant_id = $1', [tenant.id, plan?.id]);
  });
}

describe("the period's allotment", () => {
  it('is the period’s own, for the summary, the balance, alerts and the forecast alike: a plan changed mid-period counts from the next period', async () => {
    const tenant = await makeTenant(env.t.db, clock, {
      plan: { allotmentMilli: 100_000, rolloverMode: 'none' },
    });
    let admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const get = async (url: string) => {
      const res = await env.app.inject({
        method: 'GET',
        url: `/api/v1${url}`,
        headers: { cookie: admin.cookie },
      });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };
    const allotments = async () => ({
      summary: (await get('/consumption/summary')).allotment,
      balance: (await get('/credits/balance')).period.allotment,
      alerts: (await get('/alerts')).allotment,
      forecast: (await get('/consumption/forecast')).endOfPeriod.allotment,
    });

    await changePlan(tenant, 1_000_000);
    // 50 of the period's 100 credits used: half left. Against the new plan's 1,000 it would be 5 %,
    // past the 25 % and 10 % alerts.
    const events = Array.from({ length: 50 }, () =>
      interviewEvents({ outcome: 'completed', at: clock.now().toISOString() }),
    ).flat();
    expect((await postEvents(env.app, tenant.apiKey, events)).json()).toMatchObject({ rejected: [] });
    expect(await allotments()).toEqual({ summary: 100, balance: 100, alerts: 100, forecast: 100 });
    expect(await get('/alerts')).toMatchObject({ balance: 50, percentLeft: 50, reached: [], alerts: [] });

    // The next period opens with the new plan's grant.
    clock.set('2026-02-02T09:00:00Z');
    await closeDuePeriods(env.t.db, tenant.id, clock.now());
    admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    expect(await allotments()).toEqual({ summary: 1000, balance: 1000, alerts: 1000, forecast: 1000 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });
});
