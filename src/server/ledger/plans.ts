import type { OverageMode, RolloverMode } from '../../shared/contract/credits.js';
import { DEFAULT_THRESHOLDS, normalizeThresholds } from '../alerts/thresholds.js';
import type { Queryable } from '../db/database.js';
import { one } from '../db/database.js';
import type { AutoTopUpSettings } from './auto-top-up.js';
import type { PeriodUnit } from './periods.js';
import type { PartialRule, RolloverPolicy } from './rules.js';
import { parsePartialRule } from './rules.js';

export interface Plan {
  id: string;
  name: string;
  periodUnit: PeriodUnit;
  allotmentMilli: number;
  rollover: RolloverPolicy;
  partialRule: PartialRule;
  overage: { mode: OverageMode; limitMilli: number };
  creditPriceCents: number;
  currency: string;
  purchaseValidityMonths: number;
  /** The most credits one purchase may buy (thousandths). */
  purchaseLimitMilli: number;
}

/** What a tenant's billing needs to know, read once per operation. */
export interface BillingContext {
  tenantId: string;
  timeZone: string;
  anchor: string;
  plan: Plan;
  /** Shares of the allotment (percent) at which credit alerts are raised, highest first. */
  alertThresholds: number[];
  /** Null when the tenant never set auto top-up (docs/product.md, Auto top-up). */
  autoTopUp: AutoTopUpSettings | null;
}

interface PlanRow extends Record<string, unknown> {
  id: string;
  name: string;
  period_unit: PeriodUnit;
  allotment_milli: number;
  rollover_mode: RolloverMode;
  rollover_cap_milli: number | null;
  rollover_cap_percent: number | null;
  rollover_expires_after_periods: number | null;
  partial_rule: unknown;
  overage_mode: OverageMode;
  overage_limit_milli: number;
  credit_price_cents: number;
  currency: string;
  purchase_validity_months: number;
  purchase_limit_milli: number;
  time_zone: string;
  billing_anchor: string;
  alert_thresholds: number[] | null;
  top_up_enabled: boolean | null;
  top_up_below_milli: string | null;
  top_up_buy_milli: string | null;
  top_up_cap_milli: string | null;
}

export async function loadBillingContext(tx: Queryable, tenantId: string): Promise<BillingContext> {
  const row = await one<PlanRow>(
    tx,
    `select p.*, t.time_zone, to_char(t.billing_anchor, 'YYYY-MM-DD') as billing_anchor,
            s.thresholds as alert_thresholds, a.enabled as top_up_enabled,
            a.below_milli as top_up_below_milli, a.buy_milli as top_up_buy_milli,
            a.monthly_cap_milli as top_up_cap_milli
       from tenants t
       join tenant_plans tp on tp.tenant_id = t.id
       join plans p on p.tenant_id = tp.tenant_id and p.id = tp.plan_id
       left join alert_settings s on s.tenant_id = t.id
       left join auto_top_up_settings a on a.tenant_id = t.id
      where t.id = $1`,
    [tenantId],
  );
  return {
    tenantId,
    timeZone: row.time_zone,
    anchor: row.billing_anchor,
    alertThresholds: normalizeThresholds(row.alert_thresholds ?? DEFAULT_THRESHOLDS),
    autoTopUp:
      row.top_up_enabled === null
        ? null
        : {
            enabled: row.top_up_enabled,
            belowMilli: Number(row.top_up_below_milli),
            buyMilli: Number(row.top_up_buy_milli),
            monthlyCapMilli: Number(row.top_up_cap_milli),
          },
    plan: {
      id: row.id,
      name: row.name,
      periodUnit: row.period_unit,
      allotmentMilli: Number(row.allotment_milli),
      rollover: {
        mode: row.rollover_mode,
        capMilli: row.rollover_cap_milli === null ? null : Number(row.rollover_cap_milli),
        capPercent: row.rollover_cap_percent,
        expiresAfterPeriods: row.rollover_expires_after_periods,
      },
      partialRule: parsePartialRule(row.partial_rule),
      overage: { mode: row.overage_mode, limitMilli: Number(row.overage_limit_milli) },
      creditPriceCents: row.credit_price_cents,
      currency: row.currency,
      purchaseValidityMonths: row.purchase_validity_months,
      purchaseLimitMilli: Number(row.purchase_limit_milli),
    },
  };
}
