import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { MAX_PURCHASE_CREDITS } from '../../shared/contract/credits.js';
import { creditsToMilli, milliToCredits, purchaseTotalCents } from '../../shared/credits.js';
import { resolveRecoveredAlerts } from '../alerts/resolve.js';
import { queueDeliveries, webhookEvent } from '../alerts/store.js';
import { writeAudit } from '../auth/audit.js';
import type { Database, Queryable } from '../db/database.js';
import { maybeOne } from '../db/database.js';
import { DomainError } from '../errors.js';
import { type Account, readAccount } from './account.js';
import { type BillingContext, loadBillingContext } from './plans.js';
import { createLot } from './postings.js';

export interface PurchaseRequest {
  idempotencyKey: string;
  creditsMilli: number;
  actor: string;
  now: Date;
}

export interface PurchaseReceipt {
  purchaseId: string;
  creditsMilli: number;
  unitPriceCents: number;
  totalCents: number;
  currency: string;
  lotId: string;
  expiresAt: Date;
  balanceAfterMilli: number;
  createdAt: Date;
}

/** The most any purchase may buy, whatever the tenant's own limit (the API's bound on a request). */
export const MAX_PURCHASE_MILLI = creditsToMilli(MAX_PURCHASE_CREDITS);
/** A tenant's limit per purchase unless set otherwise: a mistyped or stolen purchase stays bounded. */
export const DEFAULT_PURCHASE_LIMIT_MILLI = 100_000_000;

interface PurchaseRow extends Record<string, unknown> {
  id: string;
  request_hash: string;
  credits_milli: number;
  unit_price_cents: number;
  total_cents: number;
  currency: string;
  lot_id: string;
  expires_at: Date;
  balance_after_milli: number;
  created_at: Date;
}

const toReceipt = (r: PurchaseRow): PurchaseReceipt => ({
  purchaseId: r.id,
  creditsMilli: Number(r.credits_milli),
  unitPriceCents: r.unit_price_cents,
  totalCents: Number(r.total_cents),
  currency: r.currency,
  lotId: r.lot_id,
  expiresAt: new Date(r.expires_at),
  balanceAfterMilli: Number(r.balance_after_milli),
  createdAt: new Date(r.created_at),
});

export const PURCHASED_EVENT = 'credits.purchased';

/** What a purchase's webhooks say of it (`credits.purchased`, `credits.auto_top_up`). */
export const purchaseData = (r: PurchaseReceipt) => ({
  purchaseId: r.purchaseId,
  credits: milliToCredits(r.creditsMilli),
  unitPriceCents: r.unitPriceCents,
  totalCents: r.totalCents,
  currency: r.currency,
  expiresAt: r.expiresAt.toISOString(),
  balanceAfter: milliToCredits(r.balanceAfterMilli),
});

/** A `credits.purchased` webhook (docs/product.md, Webhooks), queued in the purchase's transaction. */
async function announcePurchase(
  tx: Queryable,
  tenantId: string,
  r: PurchaseReceipt,
  actor: string,
): Promise<void> {
  const event = webhookEvent(PURCHASED_EVENT, r.createdAt, { ...purchaseData(r), actor });
  await queueDeliveries(tx, tenantId, PURCHASED_EVENT, [event], r.createdAt);
}

/**
 * Buys extra credits: a priced purchase line, a lot that lasts as the plan says, and an audit
 * entry. Idempotent by key: the same key and request answer the first receipt again; the same
 * key with another request is refused. More than the tenant's limit per purchase is refused
 * (400 purchase_limit_exceeded) and changes nothing.
 */
export async function purchaseCredits(
  db: Database,
  tenantId: string,
  req: PurchaseRequest,
): Promise<{ receipt: PurchaseReceipt; replayed: boolean }> {
  if (
    !Number.isSafeInteger(req.creditsMilli) ||
    req.creditsMilli <= 0 ||
    req.creditsMilli > MAX_PURCHASE_MILLI
  ) {
    throw new DomainError('invalid_credits', 'Credits must be a positive amount of at most 1,000,000.');
  }
  const requestHash = createHash('sha256')
    .update(JSON.stringify({ credits: req.creditsMilli }))
    .digest('hex');
  return db.withTenant(tenantId, async (tx) => {
    const account = await readAccount(tx, tenantId, { lock: true });
    const existing = await maybeOne<PurchaseRow>(
      tx,
      'select * from purchases where tenant_id = $1 and idempotency_key = $2',
      [tenantId, req.idempotencyKey],
    );
    if (existing) {
      if (existing.request_hash !== requestHash) {
        throw new DomainError(
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different purchase; use a new key for a new purchase.',
        );
      }
      return { receipt: toReceipt(existing), replayed: true };
    }
    const ctx = await loadBillingContext(tx, tenantId);
    if (req.creditsMilli > ctx.plan.purchaseLimitMilli) {
      throw new DomainError(
        'purchase_limit_exceeded',
        `One purchase may buy at most ${milliToCredits(ctx.plan.purchaseLimitMilli).toLocaleString('en-US')} credits for this tenant.`,
      );
    }
    const receipt = await recordPurchase(tx, ctx, account, {
      idempotencyKey: req.idempotencyKey,
      requestHash,
      creditsMilli: req.creditsMilli,
      actor: req.actor,
      now: req.now,
      automatic: false,
    });
    await announcePurchase(tx, tenantId, receipt, req.actor);
    await resolveRecoveredAlerts(tx, ctx, account.balanceMilli, req.now);
    await writeAudit(tx, tenantId, { actor: req.actor, at: req.now }, 'credits.purchased', {
      purchaseId: receipt.purchaseId,
      credits: milliToCredits(req.creditsMilli),
      totalCents: receipt.totalCents,
      currency: receipt.currency,
    });
    return { receipt, replayed: false };
  });
}

export interface PurchaseLine {
  idempotencyKey: string;
  requestHash: string;
  creditsMilli: number;
  actor: string;
  now: Date;
  /** Bought by the tenant's auto top-up: its ledger entry is `auto_top_up`, not `purchase`. */
  automatic: boolean;
}

/**
 * Writes one purchase: a lot that lasts as the plan says, its crediting entry and the priced line;
 * in the caller's transaction, which holds the account lock and has checked the request.
 */
export async function recordPurchase(
  tx: Queryable,
  ctx: BillingContext,
  account: Account,
  line: PurchaseLine,
): Promise<PurchaseReceipt> {
  const expiresAt = DateTime.fromJSDate(line.now, { zone: ctx.timeZone })
    .plus({ months: ctx.plan.purchaseValidityMonths })
    .toJSDate();
  const lotId = await createLot(
    tx,
    account,
    { kind: 'purchase', amountMilli: line.creditsMilli, grantedAt: line.now, expiresAt },
    {
      actor: line.actor,
      reason: line.automatic ? 'auto top-up' : 'purchase',
      reference: line.idempotencyKey,
      kind: line.automatic ? 'auto_top_up' : 'purchase',
    },
  );
  const totalCents = purchaseTotalCents(line.creditsMilli, ctx.plan.creditPriceCents);
  const row = await maybeOne<PurchaseRow>(
    tx,
    `insert into purchases (tenant_id, idempotency_key, request_hash, credits_milli, unit_price_cents, total_cents,
                            currency, lot_id, expires_at, balance_after_milli, actor, created_at, automatic)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`,
    [
      ctx.tenantId,
      line.idempotencyKey,
      line.requestHash,
      line.creditsMilli,
      ctx.plan.creditPriceCents,
      totalCents,
      ctx.plan.currency,
      lotId,
      expiresAt,
      account.balanceMilli,
      line.actor,
      line.now,
      line.automatic,
    ],
  );
  if (!row) throw new Error('purchase insert returned nothing');
  return toReceipt(row);
}
