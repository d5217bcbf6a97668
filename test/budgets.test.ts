import { describe, expect, it } from 'vitest';
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
import { sessionCaller } from './helpers/session-requests.js';

const clock = new TestClock(new Date('2026-03-15T12:00:00Z'));
const env = testAppForFile(clock, { METERLINE_WEBHOOK_ALLOW_PRIVATE: true });

const call = sessionCaller(env);

/** Completes `n` interviews of an opening (one credit each) at `at`, with the attributes given. */
async function complete(
  tenant: TestTenant,
  n: number,
  o: { openingId?: string; at?: string; attrs?: Record<string, unknown> } = {},
) {
  const events = [];
  for (let i = 0; i < n; i++) {
    const one = interviewEvents({
      outcome: 'completed',
      openingId: o.openingId ?? 'op-1',
      at: o.at ?? clock.now().toISOString(),
    });
    events.push(...one.map((e) => ({ ...e, ...o.attrs })));
  }
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json()).toMatchObject({ accepted: events.length, rejected: [] });
}

const budget = (over: Record<string, unknown> = {}) => ({
  scope: { kind: 'opening', value: 'op-1' },
  credits: 2,
  window: 'total',
  onExhausted: 'block',
  ...over,
});

async function tenantWithAdmin(opts: Parameters<typeof makeTenant>[2] = {}) {
  const tenant = await makeTenant(env.t.db, clock, opts);
  const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  return { tenant, admin };
}

const counts = (tenant: TestTenant) =>
  env.t.db.withTenant(tenant.id, async (tx) => {
    const [row] = await tx.query<Record<string, string>>(
      `select (select count(*) from interview_events)::text as events,
              (select count(*) from interviews)::text as interviews,
              (select count(*) from ledger_entries)::text as entries,
              (select coalesce(sum(credits_milli), 0) from daily_usage)::text as used,
              (select count(*) from openings)::text as openings`,
    );
    return row;
  });

describe('budgets: the API', () => {
  it('creates, lists, changes and removes a budget; each change is audited', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    const created = await call(admin, 'POST', '/budgets', budget({ credits: 2.5, thresholds: [90, 50] }));
    expect(created.statusCode).toBe(201);
    const b = created.json();
    expect(b).toMatchObject({
      scope: { kind: 'opening', value: 'op-1' },
      label: 'op-1',
      credits: 2.5,
      window: 'total',
      onExhausted: 'block',
      thresholds: [50, 90],
      used: 0,
      remaining: 2.5,
      exhausted: false,
      reached: [],
      projectedExhaustion: null,
      windowStart: null,
      windowEnd: null,
    });
    expect(b.budgetId).toMatch(/^[0-9a-f-]{36}$/);

    const dup = await call(admin, 'POST', '/budgets', budget({ credits: 5 }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('budget_exists');

    const list = await call(admin, 'GET', '/budgets');
    expect(list.json().items).toEqual([b]);

    const put = await call(admin, 'PUT', `/budgets/${b.budgetId}`, budget({ credits: 4, window: 'month' }));
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      budgetId: b.budgetId,
      credits: 4,
      window: 'month',
      thresholds: [80, 100],
      windowStart: '2026-03-01',
      windowEnd: '2026-03-31',
    });
    const other = await call(
      admin,
      'POST',
      '/budgets',
      budget({ scope: { kind: 'department', value: 'Sales' } }),
    );
    expect(other.statusCode).toBe(201);
    // Moving the department's budget onto the opening that has one is refused.
    const clash = await call(admin, 'PUT', `/budgets/${other.json().budgetId}`, budget());
    expect(clash.json().error.code).toBe('budget_exists');

    expect((await call(admin, 'DELETE', `/budgets/${b.budgetId}`)).statusCode).toBe(204);
    expect((await call(admin, 'DELETE', `/budgets/${b.budgetId}`)).json().error.code).toBe('not_found');
    expect((await call(admin, 'PUT', `/budgets/${b.budgetId}`, budget())).statusCode).toBe(404);
    expect((await call(admin, 'GET', '/budgets')).json().items).toHaveLength(1);

    const audit = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ action: string; actor: string; details: { budgetId: string } }>(
        `select action, actor, details from audit_log where action like 'budget.%' order by id`,
      ),
    );
    expect(audit.map((a) => a.action)).toEqual([
      'budget.created',
      'budget.updated',
      'budget.created',
      'budget.deleted',
    ]);
    expect(audit[0]?.actor).toMatch(/^user:account_admin-/);
    expect(audit[1]?.details).toMatchObject({ budgetId: b.budgetId, credits: 4, window: 'month' });
  });

  it('refuses bad values with their own codes and changes nothing', async () => {
    const { admin } = await tenantWithAdmin();
    const cases: [Record<string, unknown>, string][] = [
      [{ credits: 0 }, 'invalid_credits'],
      [{ credits: -1 }, 'invalid_credits'],
      [{ credits: 5e-324 }, 'invalid_credits'],
      [{ credits: 1.0001 }, 'invalid_credits'],
      [{ credits: 10_000_001 }, 'invalid_credits'],
      [{ thresholds: [0] }, 'invalid_thresholds'],
      [{ thresholds: [101] }, 'invalid_thresholds'],
      [{ thresholds: [50.5] }, 'invalid_thresholds'],
      [{ thresholds: [50, 50] }, 'invalid_thresholds'],
      [{ thresholds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, 'invalid_thresholds'],
      [{ scope: { kind: 'opening', value: '   ' } }, 'invalid_budget_scope'],
      [{ scope: { kind: 'department', value: 'x'.repeat(101) } }, 'invalid_budget_scope'],
      [{ scope: { kind: 'location', value: 'Paris' } }, 'invalid_request'],
      [{ window: 'week' }, 'invalid_request'],
      [{ onExhausted: 'stop' }, 'invalid_request'],
      [{ credits: '2' }, 'invalid_request'],
      [{ extra: true }, 'invalid_request'],
    ];
    for (const [over, code] of cases) {
      const res = await call(admin, 'POST', '/budgets', budget(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.json().error.code, JSON.stringify(over)).toBe(code);
    }
    const long = await call(
      admin,
      'POST',
      '/budgets',
      budget({ scope: { kind: 'opening', value: 'o'.repeat(200) } }),
    );
    expect(long.statusCode).toBe(201);
    expect((await call(admin, 'GET', '/budgets')).json().items).toHaveLength(1);
    expect((await call(admin, 'PUT', '/budgets/not-a-uuid', budget())).json().error.code).toBe(
      'invalid_request',
    );
  });

  it('is for account admins: recruiters and viewers get 403, API keys 401', async () => {
    const { tenant, admin } = await tenantWithAdmin({ scopes: ['events:write', 'usage:read'] });
    const id = (await call(admin, 'POST', '/budgets', budget())).json().budgetId;
    for (const role of ['recruiter', 'viewer'] as const) {
      const s = await signIn(env.app, env.t.db, tenant.id, role);
      for (const [method, url, body] of [
        ['GET', '/budgets', undefined],
        ['POST', '/budgets', budget({ scope: { kind: 'recruiter', value: 'r' } })],
        ['PUT', `/budgets/${id}`, budget()],
        ['DELETE', `/budgets/${id}`, undefined],
        ['GET', `/budgets/${id}/usage`, undefined],
      ] as const) {
        const res = await call(s, method, url, body);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
      }
    }
    const byKey = await env.app.inject({
      method: 'GET',
      url: '/api/v1/budgets',
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(byKey.statusCode).toBe(401);
    expect((await call(admin, 'GET', '/budgets')).json().items).toHaveLength(1);
  });
});

describe('budgets: what they have used', () => {
  it("counts the scope's usage in each window, usage from before the budget included", async () => {
    // Billing periods start on the 20th: the current one is 20 Feb to 19 Mar.
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin({ anchor: '2025-12-20' });
    const dept = { department: 'Nursing', recruiterId: 'rec-1', recruiterName: 'Ann Lee' };
    await complete(tenant, 1, { at: '2026-01-10T10:00:00Z', attrs: dept });
    await complete(tenant, 1, { at: '2026-02-25T10:00:00Z', attrs: dept });
    await complete(tenant, 1, { at: '2026-03-05T10:00:00Z', attrs: dept });
    await complete(tenant, 2, { at: '2026-03-05T10:00:00Z', openingId: 'op-2' });

    const used: Record<string, number> = {};
    for (const window of ['total', 'billing_period', 'month']) {
      for (const scope of [
        { kind: 'opening', value: 'op-1' },
        { kind: 'department', value: 'Nursing' },
        { kind: 'recruiter', value: 'rec-1' },
      ]) {
        const res = await call(admin, 'POST', '/budgets', budget({ scope, window, credits: 10 }));
        expect(res.statusCode).toBe(201);
        used[`${scope.kind} ${window}`] = res.json().used;
        expect((await call(admin, 'DELETE', `/budgets/${res.json().budgetId}`)).statusCode).toBe(204);
      }
    }
    expect(used).toEqual({
      'opening total': 3,
      'department total': 3,
      'recruiter total': 3,
      'opening billing_period': 2,
      'department billing_period': 2,
      'recruiter billing_period': 2,
      'opening month': 1,
      'department month': 1,
      'recruiter month': 1,
    });
    const res = await call(
      admin,
      'POST',
      '/budgets',
      budget({ scope: { kind: 'recruiter', value: 'rec-1' }, window: 'billing_period', credits: 2.5 }),
    );
    expect(res.json()).toMatchObject({
      label: 'Ann Lee',
      windowStart: '2026-02-20',
      windowEnd: '2026-03-19',
      used: 2,
      remaining: 0.5,
      percentUsed: 80,
      reached: [80],
      exhausted: false,
    });
    const chart = await call(admin, 'GET', `/budgets/${res.json().budgetId}/usage`);
    expect(chart.json()).toMatchObject({ from: '2026-02-20', to: '2026-03-15' });
    const points = chart.json().points as { day: string; credits: number }[];
    expect(points).toHaveLength(24);
    expect(points.filter((p) => p.credits > 0)).toEqual([
      { day: '2026-02-25', credits: 1 },
      { day: '2026-03-05', credits: 1 },
    ]);
  });

  it('projects the day a budget runs out at its scope’s recent pace', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    // One credit a day on each of the 14 days before today.
    for (let d = 1; d <= 14; d++) {
      await complete(tenant, 1, {
        at: new Date(Date.parse('2026-03-15T09:00:00Z') - d * 86_400_000).toISOString(),
      });
    }
    const total = await call(admin, 'POST', '/budgets', budget({ credits: 20, onExhausted: 'alert' }));
    // 6 left at 1 a day: today and the five days after.
    expect(total.json()).toMatchObject({ used: 14, remaining: 6, projectedExhaustion: '2026-03-20' });
    const month = await call(
      admin,
      'PUT',
      `/budgets/${total.json().budgetId}`,
      budget({ credits: 100, window: 'month', onExhausted: 'alert' }),
    );
    // March used 14; 86 more would take past the month's end.
    expect(month.json()).toMatchObject({ used: 14, projectedExhaustion: null });
  });
});

describe('budgets hold at ingest', () => {
  it('refuses a new interview of an opening whose block budget is used up, and nothing else', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    const b = (await call(admin, 'POST', '/budgets', budget())).json();
    // An interview under way before the budget is used up.
    const underWay = interviewEvents({ outcome: 'completed', openingId: 'op-1', at: '2026-03-15T08:00:00Z' });
    const started = await postEvents(env.app, tenant.apiKey, underWay.slice(0, 2));
    expect(started.json()).toMatchObject({ accepted: 2, rejected: [] });
    await complete(tenant, 2, { at: '2026-03-15T09:00:00Z' });
    const listed = (await call(admin, 'GET', '/budgets')).json().items[0];
    expect(listed).toMatchObject({ used: 2, remaining: 0, exhausted: true, reached: [80, 100] });

    const before = await counts(tenant);
    const blocked = interviewEvents({ outcome: 'invited', openingId: 'op-1', at: '2026-03-15T10:00:00Z' });
    const elsewhere = interviewEvents({ outcome: 'invited', openingId: 'op-2', at: '2026-03-15T10:00:00Z' });
    const res = await postEvents(env.app, tenant.apiKey, [...blocked, ...elsewhere]);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const [rejection] = res.json().rejected;
    expect(rejection).toMatchObject({ index: 0, code: 'budget_exhausted' });
    expect(rejection.message).toContain(b.budgetId);
    expect(rejection.message).toContain('op-1');
    // A simulation is never charged, so no budget holds it.
    const sim = interviewEvents({ outcome: 'simulation', openingId: 'op-1', at: '2026-03-15T10:00:00Z' });
    expect((await postEvents(env.app, tenant.apiKey, sim)).json()).toMatchObject({
      accepted: 1,
      rejected: [],
    });
    const after = await counts(tenant);
    expect(Number(after?.events)).toBe(Number(before?.events) + 2);
    expect(Number(after?.interviews)).toBe(Number(before?.interviews) + 2);
    expect(after?.used).toBe(before?.used);

    // The refused event again: refused again, still nothing stored.
    const again = await postEvents(env.app, tenant.apiKey, blocked);
    expect(again.json()).toMatchObject({
      accepted: 0,
      duplicates: 0,
      rejected: [{ code: 'budget_exhausted' }],
    });
    expect((await counts(tenant))?.events).toBe(after?.events);

    // The interview under way goes on, and is charged.
    const finished = await postEvents(env.app, tenant.apiKey, underWay.slice(2));
    expect(finished.json()).toMatchObject({ accepted: 1, rejected: [] });
    expect((await call(admin, 'GET', '/budgets')).json().items[0]).toMatchObject({ used: 3, remaining: 0 });

    // Raised, the budget lets the refused event in: it was never stored, so it is new, not a duplicate.
    await call(admin, 'PUT', `/budgets/${b.budgetId}`, budget({ credits: 5 }));
    expect((await postEvents(env.app, tenant.apiKey, blocked)).json()).toMatchObject({
      accepted: 1,
      duplicates: 0,
    });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('an alert budget used up refuses nothing; a deleted block budget holds no more', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    const b = (await call(admin, 'POST', '/budgets', budget({ credits: 1, onExhausted: 'alert' }))).json();
    await complete(tenant, 2);
    await complete(tenant, 1);
    await call(admin, 'PUT', `/budgets/${b.budgetId}`, budget({ credits: 1 }));
    const held = interviewEvents({ outcome: 'invited' });
    expect((await postEvents(env.app, tenant.apiKey, held)).json().rejected[0].code).toBe('budget_exhausted');
    await call(admin, 'DELETE', `/budgets/${b.budgetId}`);
    expect((await postEvents(env.app, tenant.apiKey, held)).json()).toMatchObject({
      accepted: 1,
      rejected: [],
    });
  });

  it("holds a department's new interviews by the department their first event names", async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    await call(
      admin,
      'POST',
      '/budgets',
      budget({ scope: { kind: 'department', value: 'Sales' }, credits: 1 }),
    );
    await complete(tenant, 1, { openingId: 'op-a', attrs: { department: 'Sales' } });
    const sales = interviewEvents({ outcome: 'invited', openingId: 'op-b' }).map((e) => ({
      ...e,
      department: 'Sales',
    }));
    const nursing = interviewEvents({ outcome: 'invited', openingId: 'op-a' }).map((e) => ({
      ...e,
      department: 'Nursing',
    }));
    const unnamed = interviewEvents({ outcome: 'invited', openingId: 'op-a' });
    const res = await postEvents(env.app, tenant.apiKey, [...sales, ...nursing, ...unnamed]);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [{ index: 0, code: 'budget_exhausted' }] });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });
});

describe('budget thresholds', () => {
  it('raise each threshold once per window, with an audit entry and a webhook', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    const hook = await call(admin, 'PUT', '/alerts/settings', {
      thresholds: [],
      webhookUrl: 'http://127.0.0.1:9/hooks',
    });
    expect(hook.statusCode).toBe(200);
    const b = (
      await call(admin, 'POST', '/budgets', budget({ credits: 4, window: 'month', onExhausted: 'alert' }))
    ).json();
    const raised = () =>
      env.t.db.withTenant(tenant.id, (tx) =>
        tx.query<{ window_key: string; threshold_percent: number }>(
          'select window_key, threshold_percent from budget_alerts order by window_key, threshold_percent',
        ),
      );
    const bodies = () =>
      env.t.db.withTenant(tenant.id, (tx) =>
        tx.query<{ body: string }>(
          `select body from webhook_deliveries where event_type = 'budget.threshold_reached' order by created_at, body`,
        ),
      );
    await complete(tenant, 2); // 50 %
    expect(await raised()).toEqual([]);
    await complete(tenant, 1); // 75 %
    await complete(tenant, 1, { openingId: 'op-2' }); // another scope
    expect(await raised()).toEqual([]);
    await complete(tenant, 1); // 100 %: both at once
    expect(await raised()).toEqual([
      { window_key: '2026-03-01', threshold_percent: 80 },
      { window_key: '2026-03-01', threshold_percent: 100 },
    ]);
    await complete(tenant, 1); // past 100 %: nothing new
    const sent = (await bodies()).map((r) => JSON.parse(r.body));
    expect(sent).toHaveLength(2);
    expect(sent.map((s) => s.data.thresholdPercent).sort()).toEqual([100, 80]);
    expect(sent[0]).toMatchObject({
      type: 'budget.threshold_reached',
      data: {
        budgetId: b.budgetId,
        scope: { kind: 'opening', value: 'op-1' },
        window: 'month',
        windowStart: '2026-03-01',
        windowEnd: '2026-03-31',
        used: 4,
        credits: 4,
        percentUsed: 100,
        onExhausted: 'alert',
      },
    });

    // The next month is a new window: 80 % again.
    clock.set('2026-04-02T12:00:00Z');
    await complete(tenant, 4);
    expect((await raised()).map((r) => `${r.window_key} ${r.threshold_percent}`)).toEqual([
      '2026-03-01 80',
      '2026-03-01 100',
      '2026-04-01 80',
      '2026-04-01 100',
    ]);
    const audit = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ actor: string }>(`select actor from audit_log where action = 'budget.threshold_reached'`),
    );
    expect(audit.map((a) => a.actor)).toEqual(['system', 'system', 'system', 'system']);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('are raised when a budget is made, or lowered, past them already', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    await complete(tenant, 3); // used before the budget: it counts
    const alerts = () =>
      env.t.db.withTenant(tenant.id, (tx) =>
        tx.query<{ threshold_percent: number }>(
          'select threshold_percent from budget_alerts order by threshold_percent',
        ),
      );
    const audited = () =>
      env.t.db.withTenant(tenant.id, (tx) =>
        tx.query<{ n: number }>(
          `select count(*)::int as n from audit_log where action = 'budget.threshold_reached'`,
        ),
      );
    const b = (
      await call(
        admin,
        'POST',
        '/budgets',
        budget({ credits: 3.5, thresholds: [50, 80, 100], onExhausted: 'alert' }),
      )
    ).json();
    // 3 of 3.5: 50 % and 80 % at once, as the console's card shows them.
    expect((await alerts()).map((a) => a.threshold_percent)).toEqual([50, 80]);
    const lowered = await call(
      admin,
      'PUT',
      `/budgets/${b.budgetId}`,
      budget({ credits: 3, thresholds: [50, 80, 100], onExhausted: 'alert' }),
    );
    expect(lowered.statusCode).toBe(200);
    expect((await alerts()).map((a) => a.threshold_percent)).toEqual([50, 80, 100]);
    expect((await audited())[0]?.n).toBe(3);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('resolve and re-arm when a reversal or a raised limit takes usage back below them', async () => {
    clock.set('2026-03-15T12:00:00Z');
    const { tenant, admin } = await tenantWithAdmin();
    await call(admin, 'PUT', '/alerts/settings', { thresholds: [], webhookUrl: 'http://127.0.0.1:9/hooks' });
    const b = (await call(admin, 'POST', '/budgets', budget({ credits: 4, onExhausted: 'alert' }))).json();
    const reversible = interviewEvents({ interviewId: 'iv-back', outcome: 'completed', openingId: 'op-1' });
    expect((await postEvents(env.app, tenant.apiKey, reversible)).json()).toMatchObject({ rejected: [] });
    await complete(tenant, 3); // 100 %: 80 and 100 reached
    const alerts = () =>
      env.t.db.withTenant(tenant.id, (tx) =>
        tx.query<{ threshold_percent: number; open: boolean }>(
          'select threshold_percent, resolved_at is null as open from budget_alerts order by id',
        ),
      );
    const resolvedBodies = async () =>
      (
        await env.t.db.withTenant(tenant.id, (tx) =>
          tx.query<{ body: string }>(
            `select body from webhook_deliveries where event_type = 'budget.threshold_resolved' order by created_at, body`,
          ),
        )
      ).map((r) => JSON.parse(r.body));
    expect((await alerts()).filter((a) => a.open)).toHaveLength(2);

    const reversed = await call(admin, 'POST', '/credits/reversals', {
      interviewId: 'iv-back',
      reason: 'a test',
    });
    expect(reversed.statusCode).toBe(201);
    expect((await alerts()).filter((a) => a.open)).toEqual([]);
    const first = await resolvedBodies();
    expect(first.map((r) => r.data.thresholdPercent).sort()).toEqual([100, 80]);
    expect(first[0]).toMatchObject({
      type: 'budget.threshold_resolved',
      data: { budgetId: b.budgetId, used: 3, credits: 4, percentUsed: 75 },
    });

    await complete(tenant, 1); // back to 100 %: both reached again, as new alerts
    expect(await alerts()).toHaveLength(4);
    expect((await alerts()).filter((a) => a.open)).toHaveLength(2);
    const raised = await call(
      admin,
      'PUT',
      `/budgets/${b.budgetId}`,
      budget({ credits: 10, onExhausted: 'alert' }),
    );
    expect(raised.statusCode).toBe(200);
    expect((await alerts()).filter((a) => a.open)).toEqual([]);
    expect((await resolvedBodies()).map((r) => r.data.percentUsed).sort()).toEqual([40, 40, 75, 75]);
    const audit = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>(
        `select count(*)::int as n from audit_log where action = 'budget.threshold_resolved'`,
      ),
    );
    expect(audit).toEqual([{ n: 4 }]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });
});
