import { ledgerActorName } from '../../shared/actors.js';
import type { AutoTopUp } from '../../shared/contract/auto-top-up.js';
import { creditsToMilli, milliToCredits } from '../../shared/credits.js';
import { writeAudit } from '../auth/audit.js';
import type { Queryable } from '../db/database.js';
import { DomainError } from '../errors.js';
import { AUTO_TOP_UP_CHANGED, type AutoTopUpSettings, boughtInMonth, calendarMonth } from './auto-top-up.js';
import { type BillingContext, loadBillingContext } from './plans.js';

/** How many of the latest automatic purchases the settings' view lists. */
const RECENT_TOP_UPS = 10;

/**
 * Checks settings against the tenant's plan: a top-up is a purchase, so it buys no more than one
 * purchase may, and a cap below one top-up would never let one through.
 */
function checkAutoTopUp(s: AutoTopUpSettings, ctx: BillingContext): void {
  if (s.buyMilli > ctx.plan.purchaseLimitMilli) {
    throw new DomainError(
      'purchase_limit_exceeded',
      `A top-up may buy at most ${milliToCredits(ctx.plan.purchaseLimitMilli).toLocaleString('en-US')} credits for this tenant (its purchase limit).`,
    );
  }
  if (s.monthlyCapMilli < s.buyMilli) {
    throw new DomainError(
      'invalid_auto_top_up',
      'The monthly cap must be at least one top-up (buyCredits), or no top-up could ever be made.',
    );
  }
}

/** An amount of credits in thousandths, or a 400 naming the field; `positive` refuses what rounds to 0. */
function milliOf(field: string, credits: number, positive: boolean): number {
  let milli: number;
  try {
    milli = creditsToMilli(credits);
  } catch {
    throw new DomainError('invalid_credits', `${field} can have at most three decimals.`);
  }
  if (positive && milli <= 0) throw new DomainError('invalid_credits', `${field} must be at least 0.001.`);
  return milli;
}

export interface AutoTopUpInput {
  enabled: boolean;
  belowCredits: number;
  buyCredits: number;
  monthlyCapCredits: number;
}

/** Checks, stores and audits new settings (the console, the API and the command line); answers the view. */
export async function changeAutoTopUp(
  tx: Queryable,
  tenantId: string,
  input: AutoTopUpInput,
  by: { actor: string; at: Date },
): Promise<AutoTopUp> {
  const settings = {
    enabled: input.enabled,
    belowMilli: milliOf('belowCredits', input.belowCredits, false),
    buyMilli: milliOf('buyCredits', input.buyCredits, true),
    monthlyCapMilli: milliOf('monthlyCapCredits', input.monthlyCapCredits, true),
  };
  const ctx = await loadBillingContext(tx, tenantId);
  checkAutoTopUp(settings, ctx);
  await saveAutoTopUp(tx, tenantId, settings, by);
  await writeAudit(tx, tenantId, by, AUTO_TOP_UP_CHANGED, { ...input });
  return autoTopUpView(tx, { ...ctx, autoTopUp: settings }, by.at);
}

async function saveAutoTopUp(
  tx: Queryable,
  tenantId: string,
  s: AutoTopUpSettings,
  by: { actor: string; at: Date },
): Promise<void> {
  await tx.query(
    `insert into auto_top_up_settings (tenant_id, enabled, below_milli, buy_milli, monthly_cap_milli, updated_at, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id) do update set enabled = excluded.enabled, below_milli = excluded.below_milli,
       buy_milli = excluded.buy_milli, monthly_cap_milli = excluded.monthly_cap_milli,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [tenantId, s.enabled, s.belowMilli, s.buyMilli, s.monthlyCapMilli, by.at, by.actor],
  );
}

/** The settings with this calendar month's automatic purchases against the cap, and the latest ones. */
export async function autoTopUpView(tx: Queryable, ctx: BillingContext, now: Date): Promise<AutoTopUp> {
  const month = calendarMonth(now, ctx.timeZone);
  const [settings] = await tx.query<{ updated_at: Date; updated_by: string; user_name: string | null }>(
    `select s.updated_at, s.updated_by, u.name as user_name from auto_top_up_settings s
       left join users u on u.tenant_id = s.tenant_id and s.updated_by like 'user:%'
                         and lower(u.email) = lower(substr(s.updated_by, 6))
      where s.tenant_id = $1`,
    [ctx.tenantId],
  );
  const bought = await boughtInMonth(tx, ctx.tenantId, month);
  const [capped] = await tx.query<{ capped_at: Date }>(
    'select capped_at from auto_top_up_caps where tenant_id = $1 and month = $2',
    [ctx.tenantId, month.first],
  );
  const recent = await tx.query<{
    id: string;
    credits_milli: string;
    total_cents: string;
    currency: string;
    balance_after_milli: string;
    created_at: Date;
  }>(
    `select id, credits_milli, total_cents, currency, balance_after_milli, created_at from purchases
      where tenant_id = $1 and automatic order by created_at desc, id limit $2`,
    [ctx.tenantId, RECENT_TOP_UPS],
  );
  const s = ctx.autoTopUp;
  return {
    configured: s !== null,
    enabled: s?.enabled ?? false,
    belowCredits: s ? milliToCredits(s.belowMilli) : null,
    buyCredits: s ? milliToCredits(s.buyMilli) : null,
    monthlyCapCredits: s ? milliToCredits(s.monthlyCapMilli) : null,
    updatedAt: settings ? new Date(settings.updated_at) : null,
    updatedBy: settings ? ledgerActorName(settings.updated_by, settings.user_name, false) : null,
    month: {
      start: month.first,
      boughtCredits: milliToCredits(bought.milli),
      topUps: bought.count,
      cappedAt: capped ? new Date(capped.capped_at) : null,
    },
    recent: recent.map((r) => ({
      purchaseId: r.id,
      credits: milliToCredits(Number(r.credits_milli)),
      totalCents: Number(r.total_cents),
      currency: r.currency,
      balanceAfter: milliToCredits(Number(r.balance_after_milli)),
      createdAt: new Date(r.created_at),
    })),
  };
}
