import type { BudgetScopeKind, BudgetWindow } from '../../shared/budgets.js';
import { addDays, addMonthsClamped, localDate, startOfMonth } from '../../shared/calendar.js';
import type { Queryable } from '../db/database.js';
import { periodContaining } from '../ledger/periods.js';
import type { BillingContext } from '../ledger/plans.js';

/**
 * What a budget has used (docs/product.md, Budgets): every credit of its scope counted on a local day
 * of its current window, read from the rollups ingest keeps (an opening's from daily_usage, a
 * department's or recruiter's from attribute_daily_usage), so usage from before the budget was made
 * counts too. This file is the one place the rule lives.
 */

export interface BudgetScopeRef {
  kind: BudgetScopeKind;
  value: string;
}

/** A budget's current window: local days, both included; `key` names it for "once per window". */
export interface BudgetWindowDays {
  from: string | null;
  to: string | null;
  key: string;
}

/**
 * The window holding `now`: the tenant's current billing period, the current calendar month in the
 * tenant's time zone, or all time.
 */
export function windowOf(window: BudgetWindow, ctx: BillingContext, now: Date): BudgetWindowDays {
  if (window === 'total') return { from: null, to: null, key: 'total' };
  if (window === 'month') {
    const from = startOfMonth(localDate(now, ctx.timeZone));
    return { from, to: addDays(addMonthsClamped(from, 1), -1), key: from };
  }
  const period = periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, now);
  return { from: period.startDate, to: addDays(period.endDate, -1), key: period.startDate };
}

/** The day bounds of a window as SQL reads them: all time is -infinity to infinity. */
const bounds = (w: BudgetWindowDays) => ({ from: w.from ?? '-infinity', to: w.to ?? 'infinity' });

/**
 * The credits (milli) each budget's scope used in its window, in one query, by budget id.
 */
export async function usedInWindows(
  tx: Queryable,
  tenantId: string,
  budgets: readonly { id: string; scope: BudgetScopeRef; window: BudgetWindowDays }[],
): Promise<Map<string, number>> {
  if (budgets.length === 0) return new Map();
  const rows = await tx.query<{ id: string; used_milli: string | number }>(
    `select b.id,
            case when b.kind = 'opening' then
              (select coalesce(sum(u.credits_milli), 0) from daily_usage u
                where u.tenant_id = $1 and u.opening_id = b.value and u.day between b.from_day and b.to_day)
            else
              (select coalesce(sum(a.credits_milli), 0) from attribute_daily_usage a
                where a.tenant_id = $1 and a.dimension = b.kind and a.value = b.value
                  and a.day between b.from_day and b.to_day)
            end::bigint as used_milli
       from json_to_recordset($2::json) as b(id text, kind text, value text, from_day date, to_day date)`,
    [
      tenantId,
      JSON.stringify(
        budgets.map((b) => {
          const { from, to } = bounds(b.window);
          return { id: b.id, kind: b.scope.kind, value: b.scope.value, from_day: from, to_day: to };
        }),
      ),
    ],
  );
  return new Map(rows.map((r) => [r.id, Number(r.used_milli)]));
}

/** The scope's credits (milli) per local day from `from` to `to`, days without usage left out. */
export async function scopeDailyUsage(
  tx: Queryable,
  tenantId: string,
  scope: BudgetScopeRef,
  range: { from: string; to: string },
): Promise<Map<string, number>> {
  const rows =
    scope.kind === 'opening'
      ? await tx.query<{ day: string; credits_milli: string | number }>(
          `select to_char(day, 'YYYY-MM-DD') as day, credits_milli from daily_usage
            where tenant_id = $1 and opening_id = $2 and day between $3 and $4 and credits_milli <> 0`,
          [tenantId, scope.value, range.from, range.to],
        )
      : await tx.query<{ day: string; credits_milli: string | number }>(
          `select to_char(day, 'YYYY-MM-DD') as day, credits_milli from attribute_daily_usage
            where tenant_id = $1 and dimension = $2 and value = $3 and day between $4 and $5
              and credits_milli <> 0`,
          [tenantId, scope.kind, scope.value, range.from, range.to],
        );
  return new Map(rows.map((r) => [r.day, Number(r.credits_milli)]));
}

/** The first day the scope used credits, or null. */
export async function scopeFirstDay(
  tx: Queryable,
  tenantId: string,
  scope: BudgetScopeRef,
): Promise<string | null> {
  const [row] =
    scope.kind === 'opening'
      ? await tx.query<{ day: string | null }>(
          `select to_char(min(day), 'YYYY-MM-DD') as day from daily_usage
            where tenant_id = $1 and opening_id = $2 and credits_milli <> 0`,
          [tenantId, scope.value],
        )
      : await tx.query<{ day: string | null }>(
          `select to_char(min(day), 'YYYY-MM-DD') as day from attribute_daily_usage
            where tenant_id = $1 and dimension = $2 and value = $3 and credits_milli <> 0`,
          [tenantId, scope.kind, scope.value],
        );
  return row?.day ?? null;
}
