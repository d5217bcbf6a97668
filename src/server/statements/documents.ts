import { ledgerActorName } from '../../shared/actors.js';
import { isValidDate } from '../../shared/local-dates.js';
import { writeAudit } from '../auth/audit.js';
import type { Database, Queryable } from '../db/database.js';
import { one } from '../db/database.js';
import { DomainError } from '../errors.js';
import { loadBillingContext } from '../ledger/plans.js';
import { statementsOf } from './figures.js';
import { type DocumentHeader, receiptPdf, statementPdf } from './pdf.js';

/** A PDF ready to send: its file name and the document, which streams its bytes. */
export interface PdfDownload {
  fileName: string;
  doc: PDFKit.PDFDocument;
}

/** Who asked for a document, and when: written to the audit log. */
export interface Requester {
  actor: string;
  now: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function tenantOf(tx: Queryable, tenantId: string): Promise<{ name: string; slug: string }> {
  return one<{ name: string; slug: string }>(tx, 'select name, slug from tenants where id = $1', [tenantId]);
}

/** The statement of the period starting on `periodStart` (a local date), as a PDF; the download is audited. */
export async function statementDownload(
  db: Database,
  tenantId: string,
  periodStart: string,
  by: Requester,
): Promise<PdfDownload> {
  if (!isValidDate(periodStart)) {
    throw new DomainError('invalid_date', `'${periodStart}' is not a date as YYYY-MM-DD.`);
  }
  return db.withTenant(tenantId, async (tx) => {
    const ctx = await loadBillingContext(tx, tenantId);
    const statement = (await statementsOf(tx, ctx)).find((s) => s.periodStart === periodStart);
    if (!statement) {
      throw new DomainError(
        'period_not_found',
        `No closed or current billing period starts on ${periodStart}; GET /api/v1/credits/statements lists them.`,
      );
    }
    const tenant = await tenantOf(tx, tenantId);
    await writeAudit(tx, tenantId, { actor: by.actor, at: by.now }, 'statement.downloaded', {
      periodStart,
      closed: statement.closed,
    });
    const header: DocumentHeader = { tenantName: tenant.name, timeZone: ctx.timeZone, madeAt: by.now };
    return {
      fileName: `statement-${tenant.slug}-${periodStart}.pdf`,
      doc: await statementPdf(statement, header),
    };
  });
}

export interface PurchaseView {
  purchaseId: string;
  creditsMilli: number;
  unitPriceCents: number;
  totalCents: number;
  currency: string;
  idempotencyKey: string;
  expiresAt: Date;
  createdAt: Date;
  actor: string;
  actorName: string;
  automatic: boolean;
}

/** The tenant's purchases, newest first (one of them when `purchaseId` is given). */
export async function purchasesOf(
  tx: Queryable,
  tenantId: string,
  purchaseId?: string,
): Promise<PurchaseView[]> {
  const rows = await tx.query<Record<string, unknown>>(
    `select p.id, p.credits_milli, p.unit_price_cents, p.total_cents, p.currency, p.idempotency_key,
            p.expires_at, p.created_at, p.actor, p.automatic,
            coalesce((select u.name from users u
                       where p.actor like 'user:%' and u.tenant_id = p.tenant_id
                         and lower(u.email) = lower(substr(p.actor, 6))),
                     (select k.name from api_keys k
                       where p.actor like 'api_key:%' and k.tenant_id = p.tenant_id
                         and k.id::text = substr(p.actor, 9))) as actor_name
       from purchases p
      where p.tenant_id = $1 and ($2::uuid is null or p.id = $2::uuid)
      order by p.created_at desc, p.id desc`,
    [tenantId, purchaseId ?? null],
  );
  return rows.map((r) => ({
    purchaseId: String(r.id),
    creditsMilli: Number(r.credits_milli),
    unitPriceCents: Number(r.unit_price_cents),
    totalCents: Number(r.total_cents),
    currency: String(r.currency),
    idempotencyKey: String(r.idempotency_key),
    expiresAt: new Date(r.expires_at as Date),
    createdAt: new Date(r.created_at as Date),
    actor: String(r.actor),
    actorName: r.automatic
      ? 'Auto top-up'
      : ledgerActorName(String(r.actor), (r.actor_name as string | null) ?? null, false),
    automatic: r.automatic === true,
  }));
}

/** A purchase's receipt as a PDF; the download is audited. Another tenant's id is not found. */
export async function receiptDownload(
  db: Database,
  tenantId: string,
  purchaseId: string,
  by: Requester,
): Promise<PdfDownload> {
  const missing = () =>
    new DomainError('purchase_not_found', `No purchase of this tenant has the id '${purchaseId}'.`);
  if (!UUID.test(purchaseId)) throw missing();
  return db.withTenant(tenantId, async (tx) => {
    const [purchase] = await purchasesOf(tx, tenantId, purchaseId);
    if (!purchase) throw missing();
    const ctx = await loadBillingContext(tx, tenantId);
    const tenant = await tenantOf(tx, tenantId);
    await writeAudit(tx, tenantId, { actor: by.actor, at: by.now }, 'receipt.downloaded', {
      purchaseId: purchase.purchaseId,
    });
    const header: DocumentHeader = { tenantName: tenant.name, timeZone: ctx.timeZone, madeAt: by.now };
    return {
      fileName: `receipt-${tenant.slug}-${purchase.purchaseId}.pdf`,
      doc: await receiptPdf({ ...purchase, boughtBy: purchase.actorName }, header),
    };
  });
}
