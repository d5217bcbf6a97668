import {
  type BudgetAction,
  type BudgetWindow,
  DEFAULT_BUDGET_THRESHOLDS,
  MAX_BUDGET_CREDITS,
  MAX_BUDGET_THRESHOLDS,
  MAX_SCOPE_VALUE_LENGTH,
} from '../../shared/budgets.js';
import { creditsToMilli, hasAtMostThreeDecimals } from '../../shared/credits.js';
import { isUnsafeText } from '../../shared/text.js';
import { DomainError } from '../errors.js';
import type { BudgetScopeRef } from './usage.js';

/** A budget's settings as stored: credits in thousandths, thresholds ascending. */
export interface BudgetSettings {
  scope: BudgetScopeRef;
  creditsMilli: number;
  window: BudgetWindow;
  onExhausted: BudgetAction;
  thresholds: number[];
}

/** What the API and the command line send (shapes already checked). */
export interface BudgetRequest {
  scope: { kind: BudgetScopeRef['kind']; value: string };
  credits: number;
  window: BudgetWindow;
  onExhausted: BudgetAction;
  thresholds?: readonly number[] | undefined;
}

/**
 * Checks a budget's values, each fault with its own code (docs/product.md, Budgets): the scope's
 * value as events carry it (trimmed, 1 to 200 characters for an opening's id, 1 to 100 for a
 * department or recruiter), credits above 0 and at most MAX_BUDGET_CREDITS with at most three
 * decimals, thresholds whole percentages 1 to 100, distinct, at most MAX_BUDGET_THRESHOLDS.
 */
export function checkBudget(input: BudgetRequest): BudgetSettings {
  const value = input.scope.value.trim();
  const max = MAX_SCOPE_VALUE_LENGTH[input.scope.kind];
  if (value.length === 0 || value.length > max || isUnsafeText(value)) {
    throw new DomainError(
      'invalid_budget_scope',
      `The ${input.scope.kind} of a budget must be text of 1 to ${max} characters.`,
    );
  }
  const { credits } = input;
  // A positive amount finer than a thousandth rounds to none: "at least 0.001" is what "more than 0" means.
  if (!(credits >= 0.001 && credits <= MAX_BUDGET_CREDITS) || !hasAtMostThreeDecimals(credits)) {
    throw new DomainError(
      'invalid_credits',
      `A budget's credits must be more than 0 and at most ${MAX_BUDGET_CREDITS.toLocaleString('en')}, with at most three decimals.`,
    );
  }
  const thresholds = [...(input.thresholds ?? DEFAULT_BUDGET_THRESHOLDS)];
  if (thresholds.length > MAX_BUDGET_THRESHOLDS) {
    throw new DomainError('invalid_thresholds', `A budget has at most ${MAX_BUDGET_THRESHOLDS} thresholds.`);
  }
  if (thresholds.some((t) => !Number.isInteger(t) || t < 1 || t > 100)) {
    throw new DomainError('invalid_thresholds', 'Thresholds are whole percentages from 1 to 100.');
  }
  if (new Set(thresholds).size !== thresholds.length) {
    throw new DomainError('invalid_thresholds', 'Each threshold may be given once.');
  }
  return {
    scope: { kind: input.scope.kind, value },
    creditsMilli: creditsToMilli(credits),
    window: input.window,
    onExhausted: input.onExhausted,
    thresholds: thresholds.sort((a, b) => a - b),
  };
}
