import { queueDeliveries, webhookEvent } from '../alerts/store.js';
import type { Database, Queryable } from '../db/database.js';
import type { BillingContext } from '../ledger/plans.js';
import { statementDownload } from '../statements/documents.js';
import { statementInCredits, statementsOf } from '../statements/figures.js';

export const PERIOD_CLOSED_EVENT = 'period.closed';

/** What an email of a period's statement tells, as queued; the PDF is made when it is sent. */
export interface StatementPayload {
  periodStart: string;
}

/** The statement of the period starting on `periodStart` as an attachment, made as it is sent. */
export async function statementAttachment(
  db: Database,
  tenantId: string,
  periodStart: string,
  now: Date,
): Promise<{ filename: string; content: Buffer }> {
  const { fileName, doc } = await statementDownload(db, tenantId, periodStart, { actor: 'system', now });
  // The document ends itself; its bytes are read to the end here.
  const chunks: Buffer[] = [];
  for await (const chunk of doc) chunks.push(chunk as Buffer);
  return { filename: fileName, content: Buffer.concat(chunks) };
}

/**
 * When billing periods close (docs/product.md, Email and Webhooks), in the close's transaction: the
 * statement of each is queued as an email to the recipients who take statements, and, when the
 * tenant has a webhook, a `period.closed` delivery carries the statement's figures.
 */
export async function announceClosedPeriods(
  tx: Queryable,
  ctx: BillingContext,
  periodStarts: string[],
  now: Date,
): Promise<void> {
  if (periodStarts.length === 0) return;
  await tx.query(
    `insert into email_outbox (tenant_id, recipient, kind, dedupe_key, payload, created_at, next_attempt_at)
     select $1, r.email, 'statement', 'statement:' || p || ':' || r.email, jsonb_build_object('periodStart', p), $3, $3
       from unnest($2::text[]) as p, notification_recipients r
      where r.tenant_id = $1 and r.statements
     on conflict do nothing`,
    [ctx.tenantId, periodStarts, now],
  );
  // The figures cost a pass over the ledger: read only when a webhook will carry them.
  const [hook] = await tx.query(
    'select 1 from alert_settings where tenant_id = $1 and webhook_url is not null',
    [ctx.tenantId],
  );
  if (!hook) return;
  const statements = (await statementsOf(tx, ctx)).filter((s) => periodStarts.includes(s.periodStart));
  const deliveries = statements.map((s) => webhookEvent(PERIOD_CLOSED_EVENT, now, statementInCredits(s)));
  await queueDeliveries(tx, ctx.tenantId, PERIOD_CLOSED_EVENT, deliveries, now);
}
