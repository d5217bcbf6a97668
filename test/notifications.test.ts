import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueWebhooks } from '../src/server/alerts/delivery.js';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { queueWeeklyDigests } from '../src/server/notifications/digest.js';
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
import { pdfText } from './helpers/pdf.js';
import { sessionCaller } from './helpers/session-requests.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import { verifyWebhook } from './helpers/webhooks.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
// The webhook receiver listens on this machine, which webhooks may reach only when allowed.
const env = testAppForFile(clock, {
  METERLINE_SMTP_URL: 'smtp://127.0.0.1:2525',
  METERLINE_WEBHOOK_ALLOW_PRIVATE: true,
});
const PUBLIC_URL = 'https://meterline.example';

const call = sessionCaller(env);

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp(PUBLIC_URL);
});
afterAll(() => smtp?.close());

/** Completes `n` interviews (one credit each), invited at the clock's time. */
async function complete(tenant: TestTenant, n: number) {
  const events = [];
  for (let i = 0; i < n; i++) events.push(...interviewEvents({ at: clock.now().toISOString() }));
  expect((await postEvents(env.app, tenant.apiKey, events)).json()).toMatchObject({ rejected: [] });
}

const FINANCE = 'finance@acme-books.example';
const DIGEST = 'digest@ny-books.example';

describe('email notifications', () => {
  it('keeps the recipients, who need not be users, and says email is on', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    expect((await call(admin, 'GET', '/notifications/recipients')).json()).toEqual({
      recipients: [],
      emailEnabled: true,
    });
    const saved = await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [
        { email: ' Finance@Acme-Books.example ', alerts: true, weeklyDigest: true, statements: true },
        { email: 'cfo@acme.example', alerts: false, weeklyDigest: true, statements: false },
      ],
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().recipients).toEqual([
      { email: 'cfo@acme.example', alerts: false, weeklyDigest: true, statements: false },
      { email: FINANCE, alerts: true, weeklyDigest: true, statements: true },
    ]);
    const audit = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ action: string }>("select action from audit_log where action like 'notifications.%'"),
    );
    expect(audit).toEqual([{ action: 'notifications.recipients_changed' }]);
  });

  it('refuses bad lists with clear codes, and anyone but an account admin', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const one = { email: FINANCE, alerts: true, weeklyDigest: false, statements: false };
    const twice = await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [one, { ...one, email: FINANCE.toUpperCase() }],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.code).toBe('duplicate_recipient');
    const bad = await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [{ ...one, email: 'nobody' }],
    });
    expect(bad.statusCode).toBe(400);
    expect((await call(admin, 'GET', '/notifications/recipients')).json().recipients).toEqual([]);
    const recruiter = await signIn(env.app, env.t.db, tenant.id, 'recruiter');
    expect((await call(recruiter, 'GET', '/notifications/recipients')).statusCode).toBe(403);
  });

  it('emails an alert to its recipients with both parts and a working unsubscribe link', async () => {
    smtp.received = [];
    const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 10_000 } });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await call(admin, 'PUT', '/alerts/settings', { thresholds: [50], webhookUrl: null });
    await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [
        { email: FINANCE, alerts: true, weeklyDigest: false, statements: false },
        { email: 'digest-only@acme.example', alerts: false, weeklyDigest: true, statements: false },
      ],
    });
    await complete(tenant, 5);
    expect(await sendDueEmails(env.t.db, clock.now, smtp.mailer)).toEqual({
      sent: 1,
      failed: 0,
      abandoned: 0,
    });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received as [ParsedMail];
    expect(mail.to).toMatchObject({ text: FINANCE });
    expect(mail.subject).toContain("50% of this period's credits left");
    expect(mail.text).toContain("alert threshold of 50%: 5 of the period's 10 credits are left");
    expect(mail.html).toContain('<a href="https://meterline.example">Open the console</a>');
    const link = /Unsubscribe: (\S+)/.exec(mail.text ?? '')?.[1] ?? '';
    expect(link.startsWith(`${PUBLIC_URL}/unsubscribe?token=`)).toBe(true);
    expect(mail.headers.get('list')).toMatchObject({ unsubscribe: { url: link } });
    // Sent once: nothing is due any more.
    expect(await sendDueEmails(env.t.db, clock.now, smtp.mailer)).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 0,
    });

    const token = new URL(link).searchParams.get('token') ?? '';
    const off = await env.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/unsubscribe',
      payload: { token },
    });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toEqual({ email: FINANCE });
    expect((await call(admin, 'GET', '/notifications/recipients')).json().recipients[1]).toEqual({
      email: FINANCE,
      alerts: false,
      weeklyDigest: false,
      statements: false,
    });
    const unknown = await env.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/unsubscribe',
      payload: { token: 'no-such-token' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('unknown_unsubscribe_token');
  });

  it('retries a refused email, and drops one its recipient no longer takes', async () => {
    smtp.received = [];
    clock.set('2026-01-15T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 10_000 } });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await call(admin, 'PUT', '/alerts/settings', { thresholds: [50, 20], webhookUrl: null });
    await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [{ email: FINANCE, alerts: true, weeklyDigest: false, statements: false }],
    });
    await complete(tenant, 5);
    smtp.refuse = true;
    try {
      expect(await sendDueEmails(env.t.db, clock.now, smtp.mailer)).toEqual({
        sent: 0,
        failed: 1,
        abandoned: 0,
      });
    } finally {
      smtp.refuse = false;
    }
    // Not due yet; then due (the webhooks' backoff: 30 s), and sent.
    expect(await sendDueEmails(env.t.db, clock.now, smtp.mailer)).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 0,
    });
    clock.set('2026-01-15T12:00:31Z');
    expect(await sendDueEmails(env.t.db, clock.now, smtp.mailer)).toEqual({
      sent: 1,
      failed: 0,
      abandoned: 0,
    });
    expect(smtp.received).toHaveLength(1);

    // The recipient stops taking alerts before the next one is sent: it is dropped.
    await complete(tenant, 3);
    await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [{ email: FINANCE, alerts: false, weeklyDigest: true, statements: false }],
    });
    expect(await sendDueEmails(env.t.db, clock.now, smtp.mailer)).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 1,
    });
    expect(smtp.received).toHaveLength(1);
  });

  it("sends the weekly digest once, Monday 08:00 in the tenant's zone, with the week's usage as a CSV", async () => {
    smtp.received = [];
    clock.set('2026-01-12T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock, { timeZone: 'America/New_York' });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [
        { email: DIGEST, alerts: false, weeklyDigest: true, statements: false },
        { email: 'alerts-only@acme.example', alerts: true, weeklyDigest: false, statements: false },
      ],
    });
    const events = [
      ...interviewEvents({
        openingId: 'op-sales',
        jobTitle: 'Account Executive',
        at: '2026-01-13T15:00:00Z',
      }),
      ...interviewEvents({
        openingId: 'op-sales',
        jobTitle: 'Account Executive',
        at: '2026-01-14T15:00:00Z',
      }),
      ...interviewEvents({
        openingId: 'op-ops',
        jobTitle: 'Ops, "Night" Lead',
        outcome: 'partial',
        at: '2026-01-15T15:00:00Z',
      }),
    ];
    clock.set('2026-01-16T12:00:00Z');
    expect((await postEvents(env.app, tenant.apiKey, events)).json()).toMatchObject({ rejected: [] });

    // Monday 19 January: not before 08:00 in New York (13:00 UTC), then once however often asked
    // (other tests' tenants keep UTC: theirs are due earlier).
    const digests = async () =>
      (
        await env.t.db.withTenant(tenant.id, (tx) =>
          tx.query("select recipient from email_outbox where kind = 'weekly_digest'"),
        )
      ).length;
    // A worker's schedule: looked at before 08:00, the tenant is next looked at 08:00 that morning.
    const schedule = new Map<string, number>();
    await queueWeeklyDigests(env.t.db, new Date('2026-01-19T12:59:00Z'), schedule);
    expect(await digests()).toBe(0);
    expect(schedule.get(tenant.id)).toBe(Date.parse('2026-01-19T13:00:00Z'));
    clock.set('2026-01-19T13:05:00Z');
    await queueWeeklyDigests(env.t.db, clock.now(), schedule);
    await queueWeeklyDigests(env.t.db, clock.now());
    expect(await digests()).toBe(1);
    await sendDueEmails(env.t.db, clock.now, smtp.mailer);
    const mine = smtp.received.filter(
      (m) => m.subject?.includes('2026-01-12') && (m.to as { text: string }).text === DIGEST,
    );
    expect(mine).toHaveLength(1);
    const [mail] = mine as [ParsedMail];
    expect(mail.subject).toContain('credits used from 2026-01-12 to 2026-01-18');
    const summary = (
      await env.app.inject({
        method: 'GET',
        url: '/api/v1/consumption/summary?from=2026-01-12&to=2026-01-18',
        headers: { cookie: (await signIn(env.app, env.t.db, tenant.id, 'account_admin')).cookie },
      })
    ).json();
    expect(mail.text).toContain(`${summary.creditsUsed} credits used.`);
    expect(mail.text).toContain('• Account Executive: 2 credits (2 completed, 0 partially completed)');
    expect(mail.text).toContain('Ops, "Night" Lead');
    expect(mail.html).toContain('Ops, &quot;Night&quot; Lead');
    const [csv] = mail.attachments;
    expect(csv?.filename).toMatch(/^meterline-usage-.*-2026-01-12-to-2026-01-18\.csv$/);
    const rows = parse(csv?.content ?? '', { columns: true, bom: true }) as Record<string, string>[];
    const sum = (k: string) => rows.reduce((n, r) => n + Number(r[k]), 0);
    expect(sum('Credits used')).toBe(summary.creditsUsed);
    // A day later it is no longer due: a server down all Monday skips the week rather than send late news.
    await env.t.db.withTenant(tenant.id, (tx) => tx.query('delete from email_outbox'));
    await queueWeeklyDigests(env.t.db, new Date('2026-01-20T13:00:00Z'));
    expect(await digests()).toBe(0);
  });

  it('resolves an alert when a purchase lifts the balance above it, by signed webhook and by email, and re-arms it', async () => {
    smtp.received = [];
    clock.set('2026-01-15T12:00:00Z');
    const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 10_000 } });
      const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const { secret } = (
        await call(admin, 'PUT', '/alerts/settings', { thresholds: [50], webhookUrl: url })
      ).json();
      await call(admin, 'PUT', '/notifications/recipients', {
        recipients: [
          { email: 'resolved@books.example', alerts: true, weeklyDigest: false, statements: false },
        ],
      });
      const deliver = async () => {
        await deliverDueWebhooks(env.t.db, clock.now, { allowPrivate: true });
        await sendDueEmails(env.t.db, clock.now, smtp.mailer);
      };
      await complete(tenant, 6); // 4 of 10 left: reached
      await deliver();
      const purchase = await env.app.inject({
        method: 'POST',
        url: '/api/v1/credits/purchases',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'idempotency-key': 'lift-purchase-1' },
        payload: { credits: 3 },
      });
      expect(purchase.statusCode).toBe(201);
      await deliver(); // 7 of 10 left: resolved
      clock.set('2026-01-15T12:05:00Z');
      await complete(tenant, 3); // 4 of 10 left: reached again
      await deliver();

      const events = hooks.map((h) => {
        expect(verifyWebhook(secret, h.headers, h.body, clock.now())).toBe(true);
        return JSON.parse(h.body) as { type: string; data: Record<string, unknown> };
      });
      // The purchase is announced too (queued beside the resolution, in no set order with it).
      const purchased = events.filter((e) => e.type === 'credits.purchased');
      expect(purchased.map((e) => e.data)).toEqual([
        expect.objectContaining({ purchaseId: purchase.json().purchaseId, credits: 3, balanceAfter: 7 }),
      ]);
      const alerts = events.filter((e) => e.type !== 'credits.purchased');
      expect(alerts.map((e) => [e.type, e.data.balance])).toEqual([
        ['credits.threshold_reached', 4],
        ['credits.threshold_resolved', 7],
        ['credits.threshold_reached', 4],
      ]);
      const mails = smtp.received.filter((m) => (m.to as { text: string }).text === 'resolved@books.example');
      expect(mails.map((m) => m.subject)).toEqual([
        expect.stringContaining("40% of this period's credits left"),
        expect.stringContaining('credits back above the 50% alert (70% left)'),
        expect.stringContaining("40% of this period's credits left"),
      ]);
      const history = (await call(admin, 'GET', '/alerts')).json().alerts;
      expect(history.map((a: { resolvedAt: string | null }) => a.resolvedAt !== null)).toEqual([false, true]);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('sends each closed period its statement as a PDF by email, and its figures by a period.closed webhook', async () => {
    smtp.received = [];
    clock.set('2026-01-15T12:00:00Z');
    const hooks: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        hooks.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const tenant = await makeTenant(env.t.db, clock, {
        anchor: '2026-01-01',
        plan: { allotmentMilli: 10_000 },
      });
      const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      await call(admin, 'PUT', '/alerts/settings', { thresholds: [], webhookUrl: url });
      await call(admin, 'PUT', '/notifications/recipients', {
        recipients: [
          { email: 'statements@books.example', alerts: false, weeklyDigest: false, statements: true },
          { email: 'no-statements@books.example', alerts: true, weeklyDigest: false, statements: false },
        ],
      });
      await complete(tenant, 3);
      clock.set('2026-02-01T00:30:00Z');
      await closeDuePeriods(env.t.db, tenant.id, clock.now());
      await closeDuePeriods(env.t.db, tenant.id, clock.now());
      await deliverDueWebhooks(env.t.db, clock.now, { allowPrivate: true });
      await sendDueEmails(env.t.db, clock.now, smtp.mailer);

      const mails = smtp.received.filter((m) => (m.to as { text: string }).text.endsWith('@books.example'));
      expect(mails.map((m) => [(m.to as { text: string }).text, m.subject])).toEqual([
        [
          'statements@books.example',
          expect.stringContaining('the statement of the billing period from 2026-01-01'),
        ],
      ]);
      const [pdf] = mails[0]?.attachments ?? [];
      expect(pdf?.contentType).toBe('application/pdf');
      const text = await pdfText(pdf?.content ?? Buffer.alloc(0));
      const admin2 = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
      const listed = (
        await env.app.inject({
          method: 'GET',
          url: '/api/v1/credits/statements',
          headers: { cookie: admin2.cookie },
        })
      ).json().items as { periodStart: string; closingBalance: number; consumption: number }[];
      const january = listed.find((s) => s.periodStart === '2026-01-01');
      expect(january?.consumption).toBe(3);
      expect(text[text.indexOf('Closing balance') + 1]).toBe(String(january?.closingBalance));

      const closed = hooks.map((b) => JSON.parse(b)).filter((e) => e.type === 'period.closed');
      expect(closed).toHaveLength(1);
      expect(closed[0].data).toMatchObject({
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        consumption: january?.consumption,
        closingBalance: january?.closingBalance,
      });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('drops an alert queued more than a day before it could first be sent', async () => {
    smtp.received = [];
    clock.set('2026-01-15T12:00:00Z');
    const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 10_000 } });
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    await call(admin, 'PUT', '/alerts/settings', { thresholds: [50], webhookUrl: null });
    await call(admin, 'PUT', '/notifications/recipients', {
      recipients: [{ email: FINANCE, alerts: true, weeklyDigest: false, statements: false }],
    });
    await complete(tenant, 5);
    const later = new Date('2026-01-16T12:00:01Z');
    expect(await sendDueEmails(env.t.db, () => later, smtp.mailer)).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 1,
    });
    expect(smtp.received).toHaveLength(0);
  });
});
