import type { Transporter } from 'nodemailer';
import type { Database, Queryable } from '../db/database.js';
import { type Attempt, runOutbox } from '../outbox/run.js';
import { type DigestPayload, weekCsv } from './digest.js';
import { type StatementPayload, statementAttachment } from './period-closed.js';
import type { AlertPayload, RenderedEmail } from './render.js';
import { renderAlertEmail, renderDigestEmail, renderStatementEmail } from './render.js';

/** An email first tried this long after it was queued tells of the past: it is dropped, not sent. */
const STALE_MS = 24 * 3_600_000;

/**
 * The webhook events that are alerts to a person, and so also emailed (docs/product.md, Email);
 * named here rather than imported, as the modules raising them import this one.
 */
const ALERT_EVENTS = new Set([
  'credits.threshold_reached',
  'credits.threshold_resolved',
  'budget.threshold_reached',
  'budget.threshold_resolved',
  'credits.auto_top_up',
  'credits.auto_top_up_capped',
]);

/**
 * Queues an email of each alert (its webhook body) to every recipient who takes alerts, in the
 * caller's transaction, beside the webhook.
 */
export async function queueAlertEmails(
  tx: Queryable,
  tenantId: string,
  eventType: string,
  alerts: { id: string; body: string }[],
  at: Date,
): Promise<void> {
  if (!ALERT_EVENTS.has(eventType) || alerts.length === 0) return;
  await tx.query(
    `insert into email_outbox (tenant_id, recipient, kind, dedupe_key, payload, created_at, next_attempt_at)
     select $1, r.email, 'alert', 'alert:' || a.id || ':' || r.email, a.body::jsonb, $3, $3
       from json_to_recordset($2::json) as a(id text, body text), notification_recipients r
      where r.tenant_id = $1 and r.alerts
     on conflict do nothing`,
    [tenantId, JSON.stringify(alerts), at],
  );
}

export interface MailOptions {
  transport: Transporter;
  from: string;
  /** The console's address as people reach it, for links in emails. */
  publicUrl: string;
}

export interface MailOutcome {
  sent: number;
  failed: number;
  abandoned: number;
}

type Claimed = {
  id: string;
  recipient: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
  token: string | null;
  tenant_name: string;
};

/**
 * Sends every email due by `now`, for every tenant, through the outboxes' one loop (runOutbox), with
 * the webhooks' lease and backoff. An email to a recipient since removed or unsubscribed, or first
 * tried more than a day after it was queued, is dropped.
 */
export async function sendDueEmails(db: Database, now: () => Date, opts: MailOptions): Promise<MailOutcome> {
  const { done, failed, abandoned } = await runOutbox<Claimed, Attempt>(db, now, {
    dueTenants: 'system_due_email_tenants($1)',
    claim: (tx, tenantId, at, leaseUntil) =>
      tx.query<Claimed>(
        `with due as (
           select o.id from email_outbox o
            where o.tenant_id = $1 and o.sent_at is null and o.abandoned_at is null and o.next_attempt_at <= $2
            order by o.next_attempt_at limit 100 for update skip locked)
         update email_outbox o set next_attempt_at = $3
           from due
          where o.tenant_id = $1 and o.id = due.id
         returning o.id, o.recipient, o.kind, o.payload, o.attempts, o.created_at,
                   (select r.unsubscribe_token from notification_recipients r
                     where r.tenant_id = $1 and r.email = o.recipient
                       and case o.kind when 'alert' then r.alerts when 'weekly_digest' then r.weekly_digest
                                       else r.statements end) as token,
                   (select t.name from tenants t where t.id = $1) as tenant_name`,
        [tenantId, at, leaseUntil],
      ),
    attempt: (tenantId, e) => {
      const dropped =
        e.token === null
          ? 'the recipient no longer takes these emails'
          : e.attempts === 0 && now().getTime() - new Date(e.created_at).getTime() > STALE_MS
            ? 'queued more than a day before it could first be sent'
            : null;
      return dropped
        ? Promise.resolve({ ok: false, error: dropped, dropped: true })
        : send(db, tenantId, e, now(), opts);
    },
    record: (tx, tenantId, e, r) =>
      tx.query(
        `update email_outbox set attempts = $3, last_error = $4,
                sent_at = case when $5 then $6::timestamptz end,
                abandoned_at = case when $7 then $6::timestamptz end,
                next_attempt_at = $8
          where tenant_id = $1 and id = $2`,
        [
          tenantId,
          e.id,
          r.attempts,
          r.result.ok ? null : r.result.error,
          r.result.ok,
          r.at,
          r.abandon,
          r.nextAttemptAt,
        ],
      ),
  });
  return { sent: done, failed, abandoned };
}

async function send(
  db: Database,
  tenantId: string,
  e: Claimed,
  now: Date,
  opts: MailOptions,
): Promise<Attempt> {
  const unsubscribeUrl = `${opts.publicUrl}/unsubscribe?token=${encodeURIComponent(e.token ?? '')}`;
  const ctx = { tenantName: e.tenant_name, consoleUrl: opts.publicUrl, unsubscribeUrl };
  try {
    let email: RenderedEmail;
    let attachments: { filename: string; content: Buffer }[] = [];
    if (e.kind === 'weekly_digest') {
      const digest = e.payload as unknown as DigestPayload;
      email = renderDigestEmail(digest, ctx);
      attachments = [await weekCsv(db, tenantId, digest, now)];
    } else if (e.kind === 'statement') {
      const statement = e.payload as unknown as StatementPayload;
      email = renderStatementEmail(statement, ctx);
      attachments = [await statementAttachment(db, tenantId, statement.periodStart, now)];
    } else {
      email = renderAlertEmail(e.payload as unknown as AlertPayload, ctx);
    }
    await opts.transport.sendMail({
      from: opts.from,
      to: e.recipient,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: `<${e.id}@meterline>`,
      list: { unsubscribe: unsubscribeUrl },
      attachments,
    });
    return { ok: true, error: null };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 500) };
  }
}
