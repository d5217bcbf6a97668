/**
 * Budgets (docs/product.md, Budgets): a cap of credits on one opening, department or recruiter over
 * a window. Shared by the API's contract, the server and the console.
 */

/** What a budget caps: one opening, or one value of the department or recruiter attribute. */
export const BUDGET_SCOPE_KINDS = ['opening', 'department', 'recruiter'] as const;
export type BudgetScopeKind = (typeof BUDGET_SCOPE_KINDS)[number];

/** Over which days a budget's usage is counted. */
export const BUDGET_WINDOWS = ['billing_period', 'month', 'total'] as const;
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];

/** What a used-up budget does: only alert, or also refuse new interviews in its scope. */
export const BUDGET_ACTIONS = ['alert', 'block'] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

/** The thresholds a budget alerts at when none are given (percent of its credits used). */
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [80, 100];
export const MAX_BUDGET_THRESHOLDS = 10;
/** The most credits one budget may hold. */
export const MAX_BUDGET_CREDITS = 10_000_000;
/** The longest scope value: an opening id (as events carry it), else an attribute value. */
export const MAX_SCOPE_VALUE_LENGTH: Record<BudgetScopeKind, number> = {
  opening: 200,
  department: 100,
  recruiter: 100,
};

export const BUDGET_WINDOW_LABELS: Record<BudgetWindow, string> = {
  billing_period: 'per billing period',
  month: 'per calendar month',
  total: 'in total',
};

export const BUDGET_SCOPE_LABELS: Record<BudgetScopeKind, string> = {
  opening: 'Opening',
  department: 'Department',
  recruiter: 'Recruiter',
};
