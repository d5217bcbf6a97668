import { chooseModel, type History, type ModelChoice, readsDays } from './choose-model.js';

/** Tenants (or tenants and filters) whose latest choice is kept (the least recently used is dropped past this). */
const MAX_CACHED_TENANTS = 1000;

const cache = new Map<string, { key: string; choice: ModelChoice }>();

/**
 * What a choice depends on, and nothing else: the complete months (and where they start), the
 * months ahead, and — only for a history too short for monthly models — the recent days. Usage
 * landing in the current month changes none of it; usage landing in a complete month (a late
 * event) changes the months, and so the key.
 */
function keyOf(history: History, horizonLengths: readonly number[]): string {
  return JSON.stringify([
    history.firstMonth,
    history.months,
    history.usageBegan ?? null,
    horizonLengths,
    readsDays(history) ? [history.days, history.daysOfHistory] : null,
  ]);
}

/**
 * The model choice for a tenant's history, computed once per history: the backtest fits every
 * candidate at several origins, which costs far more than reading the history does. Keyed on the
 * history itself, so it is never stale and needs no expiry.
 */
export function cachedChoice(
  /** The tenant, or the tenant and a filter: each history of its own. */
  tenantId: string,
  history: History,
  horizonLengths: readonly number[],
): ModelChoice {
  const key = keyOf(history, horizonLengths);
  const hit = cache.get(tenantId);
  cache.delete(tenantId);
  const choice = hit?.key === key ? hit.choice : chooseModel(history, horizonLengths);
  cache.set(tenantId, { key, choice });
  if (cache.size > MAX_CACHED_TENANTS) cache.delete(cache.keys().next().value as string);
  return choice;
}

/** Drops every kept choice (the forecast benchmark's uncached figure). */
export function forgetModelChoices(): void {
  cache.clear();
}
