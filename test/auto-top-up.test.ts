import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { deliverDueWebhooks } from '../src/server/alerts/delivery.js';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import { sendDueEmails } from '../src/server/notifications/outbox.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';
import { type Session, sessionCaller } from './helpers/session-requests.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import { verifyWebhook } from './helpers/webhooks.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
// The webhook receiver listens on this machine, which webhooks may reach only when allowed.
const env = testAppForFile(clock, {
  METERLINE_SMTP_URL: 'smtp://127.0.0.1:2525',
  METERLINE_WEBHOOK_ALLOW_PRIVATE: true,
});

const call = sessionCaller(env);

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp?.close());

/** Completes `n` interviews (one credit each) at the clock's time; returns the batch, to send again. */
async function complete(tenant: TestTenant, n: number) {
  const events = [];
  for (let i = 0; i < n; i++) events.push(...interviewEvents({ at: clock.now().toISOString() }));
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json()).toMatchObject({ accepted: events.length, rejected: [] });
  return events;
}

/** The tenant's ledger entries of a kind, oldest first. */
function entries(tenant: TestTenant, kind: string) {
  return env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ amount_milli: string; actor: string; reason: string }>(
      'select amount_milli::text, actor, reason from ledger_entries where kind = $1 order by id',
      [kind],
    ),
  );
}

async function balanceOf(s: Session): Promise<number> {
  return (await call(s, 'GET', '/credits/balance')).json().balance;
}

/** An admin of a tenant with 20 credits a month and auto top-up set: below 5, buy 10, the cap given. */
async function toppedUpTenant(cap: number) {
  const tenant = await makeTenant(env.t.db, clock, {
    plan: { allotmentMilli: 20_000, rolloverMode: 'none' },
  });
  const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const set = await call(admin, 'PUT', '/credits/auto-top-up', {
    enabled: true,
    belowCredits: 5,
    buyCredits: 10,
    monthlyCapCredits: cap,
  });
  expect(set.statusCode).toBe(200);
  return { tenant, admin };
}

describe('auto top-up', () => {
  it('keeps its settings per tenant, audited, and refuses what could never work', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock, { plan: { purchaseLimitMilli: 500_000 } });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    expect((await call(admin, 'GET', '/credits/auto-top-up')).json()).toMatchObject({
      configured: false,
      enabled: false,
      belowCredits: null,
      month: { start: '2026-01-01', boughtCredits: 0, topUps: 0, cappedAt: null },
      recent: [],
    });
    const refusals: [Record<string, unknown>, number, string][] = [
      [{ buyCredits: 50, monthlyCapCredits: 40 }, 400, 'invalid_auto_top_up'],
      [{ buyCredits: 501, monthlyCapCredits: 1000 }, 400, 'purchase_limit_exceeded'],
      [{ buyCredits: 10.0001 }, 400, 'invalid_credits'],
      [{ belowCredits: -1 }, 400, 'invalid_request'],
      [{ monthlyCapCredits: 0 }, 400, 'invalid_request'],
      [{ extra: true }, 400, 'invalid_request'],
    ];
    const good = { enabled: true, belowCredits: 100, buyCredits: 50, monthlyCapCredits: 200 };
    for (const [change, status, code] of refusals) {
      const res = await call(admin, 'PUT', '/credits/auto-top-up', { ...good, ...change });
      expect(res.statusCode, JSON.stringify(change)).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect((await call(admin, 'GET', '/credits/auto-top-up')).json().configured).toBe(false);

    const saved = await call(admin, 'PUT', '/credits/auto-top-up', good);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ ...good, configured: true, updatedBy: 'account_admin' });
    const audit = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ action: string; details: unknown }>(
        "select action, details from audit_log where action = 'credits.auto_top_up_changed'",
      ),
    );
    expect(audit).toEqual([{ action: 'credits.auto_top_up_changed', details: good }]);

    const recruiter = await signIn(env.app, env.t.db, tenant.id, 'recruiter');
    expect((await call(recruiter, 'PUT', '/credits/auto-top-up', good)).statusCode).toBe(403);
    expect((await call(recruiter, 'GET', '/credits/auto-top-up')).statusCode).toBe(403);
  });

  it('buys once when a charge crosses the floor, in the same transaction, and not for a resend', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const { tenant, admin } = await toppedUpTenant(100);
    await complete(tenant, 15); // 5 left: at the floor, not below it
    expect(await entries(tenant, 'auto_top_up')).toEqual([]);
    const crossing = await complete(tenant, 1); // 4 left: below 5
    expect(await entries(tenant, 'auto_top_up')).toEqual([
      { amount_milli: '10000', actor: 'system', reason: 'auto top-up' },
    ]);
    expect(await balanceOf(admin)).toBe(14);
    // An at-least-once engine sends the batch again: nothing is charged, nothing bought.
    expect((await postEvents(env.app, tenant.apiKey, crossing)).json()).toMatchObject({ accepted: 0 });
    expect(await entries(tenant, 'auto_top_up')).toHaveLength(1);
    // Spending on down through the floor again is a second crossing.
    await complete(tenant, 10);
    expect(await entries(tenant, 'auto_top_up')).toHaveLength(2);
    expect(await balanceOf(admin)).toBe(14);

    const view = (await call(admin, 'GET', '/credits/auto-top-up')).json();
    expect(view.month).toMatchObject({ boughtCredits: 20, topUps: 2, cappedAt: null });
    expect(view.recent).toHaveLength(2);
    expect(view.recent[0]).toMatchObject({ credits: 10, balanceAfter: 14 });
    const purchases = (await call(admin, 'GET', '/credits/purchases')).json().items;
    expect(
      purchases.map((p: { automatic: boolean; actorName: string }) => [p.automatic, p.actorName]),
    ).toEqual([
      [true, 'Auto top-up'],
      [true, 'Auto top-up'],
    ]);
    const [statement] = (await call(admin, 'GET', '/credits/statements')).json().items;
    expect(statement).toMatchObject({ purchases: 0, autoTopUps: 20, consumption: 26, closingBalance: 14 });
    const kinds = (await call(admin, 'GET', '/credits/ledger?kind=auto_top_up')).json();
    expect(kinds.total).toBe(2);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('with a cap of one top-up a month: two crossings make one auto_top_up entry and one cap alert', async () => {
    clock.set('2026-01-10T12:00:00Z');
    const { tenant, admin } = await toppedUpTenant(10);
    await call(admin, 'PUT', '/alerts/settings', { thresholds: [25], webhookUrl: null });
    await complete(tenant, 16); // crossing 1: bought, 14 left; the 25 % alert is not raised
    const alerts = () => call(admin, 'GET', '/alerts').then((r) => r.json().alerts);
    expect(await alerts()).toEqual([]);
    await complete(tenant, 10); // crossing 2: 4 left, the cap stops it
    await complete(tenant, 1); // still below: no crossing, no second alert
    await complete(tenant, 3); // 3 → 0, the block plan's floor: still no crossing
    expect(await entries(tenant, 'auto_top_up')).toHaveLength(1);
    const caps = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ action: string }>(
        "select action from audit_log where action like 'credits.auto_top_up%' order by id",
      ),
    );
    expect(caps.map((c) => c.action)).toEqual([
      'credits.auto_top_up_changed',
      'credits.auto_top_up',
      'credits.auto_top_up_capped',
    ]);
    expect((await alerts()).map((a: { thresholdPercent: number }) => a.thresholdPercent)).toEqual([25]);
    const view = (await call(admin, 'GET', '/credits/auto-top-up')).json();
    expect(view.month).toMatchObject({ boughtCredits: 10, topUps: 1 });
    expect(view.month.cappedAt).toBe('2026-01-10T12:00:00.000Z');

    // A new calendar month: the cap starts again. The period's grant lifts the balance to 20 first.
    clock.set('2026-02-03T12:00:00Z');
    const again = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await closeDuePeriods(env.t.db, tenant.id, clock.now());
    await complete(tenant, 16);
    expect(await entries(tenant, 'auto_top_up')).toHaveLength(2);
    expect((await call(again, 'GET', '/credits/auto-top-up')).json().month).toMatchObject({
      start: '2026-02-01',
      topUps: 1,
      cappedAt: null,
    });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('sends credits.auto_top_up and credits.auto_top_up_capped signed, and by email', async () => {
    clock.set('2026-01-20T12:00:00Z');
    smtp.received = [];
    const { tenant, admin } = await toppedUpTenant(10);
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const { secret } = (
        await call(admin, 'PUT', '/alerts/settings', { thresholds: [], webhookUrl: url })
      ).json();
      await call(admin, 'PUT', '/notifications/recipients', {
        recipients: [{ email: 'ap@books.example', alerts: true, weeklyDigest: false, statements: false }],
      });
      await complete(tenant, 16);
      await complete(tenant, 10);
      await deliverDueWebhooks(env.t.db, clock.now, { allowPrivate: true });
      const bodies = got.map((g) => {
        expect(verifyWebhook(secret, g.headers, g.body, clock.now())).toBe(true);
        return JSON.parse(g.body);
      });
      expect(bodies.map((b) => b.type)).toEqual(['credits.auto_top_up', 'credits.auto_top_up_capped']);
      expect(bodies[0].data).toMatchObject({
        credits: 10,
        balanceAfter: 14,
        belowCredits: 5,
        boughtThisMonth: 10,
        monthlyCapCredits: 10,
      });
      expect(bodies[1].data).toMatchObject({
        balance: 4,
        buyCredits: 10,
        boughtThisMonth: 10,
        month: '2026-01-01',
      });

      await sendDueEmails(env.t.db, clock.now, smtp.mailer);
      const subjects = smtp.received.map((m) => m.subject);
      expect(subjects).toEqual([
        expect.stringContaining('auto top-up bought 10 credits'),
        expect.stringContaining('auto top-up stopped by its monthly cap'),
      ]);
      expect(smtp.received[1]?.text).toContain('No credits were bought; the balance is 4 credits.');
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('is set and shown by the command line, audited as cli', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock);
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
    const run = (...args: string[]) =>
      runCli(['credits', 'auto-top-up', '--tenant', tenant.slug, ...args], {
        db: env.t.db,
        ...io,
        now: clock.now,
      });
    expect(await run()).toBe(0);
    expect(out.pop()).toBe('Auto top-up is not set.');
    expect(await run('--below', '100')).toBe(2);
    expect(await run('--below', '100', '--buy', '50', '--cap', '40')).toBe(2);
    expect(await run('--below', '100', '--buy', '50', '--cap', '150')).toBe(0);
    expect(out.at(-2)).toBe('Auto top-up is on: below 100 credits, buy 50, at most 150 a month.');
    expect(await run('--off')).toBe(0);
    expect(out.at(-2)).toBe('Auto top-up is off: below 100 credits, buy 50, at most 150 a month.');
    const actors = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ actor: string }>("select actor from audit_log where action = 'credits.auto_top_up_changed'"),
    );
    expect(actors).toEqual([{ actor: 'cli' }, { actor: 'cli' }]);
  });
});
