import { randomUUID } from 'node:crypto';
import { isValidDate, isValidTimeZone } from '../../shared/calendar.js';
import type { OverageMode, RolloverMode } from '../../shared/contract/credits.js';
import { milliToCredits } from '../../shared/credits.js';
import { writeAudit } from '../auth/audit.js';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';
import { closeDuePeriods } from '../ledger/close.js';
import type { PeriodUnit } from '../ledger/periods.js';
import { DEFAULT_PURCHASE_LIMIT_MILLI, MAX_PURCHASE_MILLI } from '../ledger/purchases.js';
import { DEFAULT_PARTIAL_RULE, type PartialRule, parsePartialRule } from '../ledger/rules.js';

export interface PlanInput {
  name: string;
  periodUnit: PeriodUnit;
  allotmentMilli: number;
  rolloverMode: RolloverMode;
  rolloverCapMilli?: number | null;
  rolloverCapPercent?: number | null;
  rolloverExpiresAfterPeriods?: number | null;
  partialRule?: PartialRule;
  overageMode: OverageMode;
  overageLimitMilli?: number;
  creditPriceCents: number;
  currency?: string;
  purchaseValidityMonths?: number;
  /** The most one purchase may buy (thousandths); default DEFAULT_PURCHASE_LIMIT_MILLI. */
  purchaseLimitMilli?: number;
}

/** The plan a tenant gets when none is named: 500 credits a month, a quarter of them may roll over. */
export const DEFAULT_PLAN: PlanInput = {
  name: 'Growth (monthly)',
  periodUnit: 'month',
  allotmentMilli: 500_000,
  rolloverMode: 'capped',
  rolloverCapPercent: 25,
  rolloverExpiresAfterPeriods: 1,
  overageMode: 'block',
  creditPriceCents: 400,
};

export interface TenantInput {
  slug: string;
  name: string;
  timeZone: string;
  /** The local date billing periods count from; defaults to the first of the current month. */
  billingAnchor: string;
  plan?: PlanInput;
}

/**
 * Creates a tenant with its plan and credit account, and opens its current billing period
 * (with the period's grant). The new tenant's id is set before its first row is written, so
 * row-level security accepts every insert.
 */
export async function createTenant(
  db: Database,
  input: TenantInput,
  opts: { now: Date; actor: string },
): Promise<{ id: string; slug: string }> {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.slug)) {
    throw new DomainError('invalid_slug', 'A slug is 2-63 lowercase letters, digits or dashes.');
  }
  if (!isValidTimeZone(input.timeZone))
    throw new DomainError('invalid_time_zone', `Unknown time zone ${input.timeZone}`);
  if (!isValidDate(input.billingAnchor))
    throw new DomainError('invalid_date', 'The billing anchor must be YYYY-MM-DD.');
  const plan = input.plan ?? DEFAULT_PLAN;
  const purchaseLimitMilli = plan.purchaseLimitMilli ?? DEFAULT_PURCHASE_LIMIT_MILLI;
  if (
    !Number.isSafeInteger(purchaseLimitMilli) ||
    purchaseLimitMilli < 1 ||
    purchaseLimitMilli > MAX_PURCHASE_MILLI
  ) {
    throw new DomainError(
      'invalid_purchase_limit',
      `The purchase limit must be more than 0 and at most ${milliToCredits(MAX_PURCHASE_MILLI)} credits.`,
    );
  }
  const partialRule = parsePartialRule(plan.partialRule ?? DEFAULT_PARTIAL_RULE);
  const taken = await db.query('select 1 from system_tenants() where slug = $1', [input.slug]);
  if (taken.length > 0)
    throw new DomainError('slug_taken', `A tenant with slug ${input.slug} exists already.`);
  const id = randomUUID();
  await db.withTenant(id, async (tx) => {
    await tx.query(
      'insert into tenants (id, slug, name, time_zone, billing_anchor, created_at) values ($1, $2, $3, $4, $5, $6)',
      [id, input.slug, input.name, input.timeZone, input.billingAnchor, opts.now],
    );
    const [row] = await tx.query<{ id: string }>(
      `insert into plans (tenant_id, name, period_unit, allotment_milli, rollover_mode, rollover_cap_milli,
                          rollover_cap_percent, rollover_expires_after_periods, partial_rule, overage_mode,
                          overage_limit_milli, credit_price_cents, currency, purchase_validity_months,
                          purchase_limit_milli)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning id`,
      [
        id,
        plan.name,
        plan.periodUnit,
        plan.allotmentMilli,
        plan.rolloverMode,
        plan.rolloverCapMilli ?? null,
        plan.rolloverCapPercent ?? null,
        plan.rolloverExpiresAfterPeriods ?? null,
        JSON.stringify(partialRule),
        plan.overageMode,
        plan.overageLimitMilli ?? 0,
        plan.creditPriceCents,
        plan.currency ?? 'USD',
        plan.purchaseValidityMonths ?? 12,
        purchaseLimitMilli,
      ],
    );
    await tx.query('insert into tenant_plans (tenant_id, plan_id) values ($1, $2)', [id, row?.id]);
    await tx.query('insert into credit_accounts (tenant_id) values ($1)', [id]);
    await writeAudit(tx, id, { actor: opts.actor, at: opts.now }, 'tenant.created', {
      slug: input.slug,
      plan: plan.name,
    });
  });
  await closeDuePeriods(db, id, opts.now);
  return { id, slug: input.slug };
}
