import { z } from 'zod';
import {
  BUDGET_ACTIONS,
  BUDGET_SCOPE_KINDS,
  BUDGET_WINDOWS,
  DEFAULT_BUDGET_THRESHOLDS,
  MAX_BUDGET_CREDITS,
  MAX_BUDGET_THRESHOLDS,
} from '../budgets.js';
import { Credits, endpoint, Instant, LocalDate, NoContent } from './common.js';

export const BudgetScope = z.object({
  kind: z.enum(BUDGET_SCOPE_KINDS),
  value: z
    .string()
    .describe("The opening's id, the department, or the recruiter's id (1 to 200 or 100 characters)"),
});

/**
 * What a budget is set to. Shapes only: the server checks the values (src/server/budgets/input.ts),
 * so each fault has its own code.
 */
export const BudgetInput = z
  .object({
    scope: BudgetScope.strict(),
    credits: z.number().describe(`More than 0 and at most ${MAX_BUDGET_CREDITS}, at most three decimals`),
    window: z.enum(BUDGET_WINDOWS),
    onExhausted: z.enum(BUDGET_ACTIONS),
    thresholds: z
      .array(z.number())
      .optional()
      .describe(
        `Whole percentages of the credits used, 1 to 100, distinct, at most ${MAX_BUDGET_THRESHOLDS}; default ${DEFAULT_BUDGET_THRESHOLDS.join(', ')}`,
      ),
  })
  .strict();

export const Budget = z.object({
  budgetId: z.string(),
  scope: BudgetScope,
  label: z.string().describe("What people read for the scope: the opening's job title, the recruiter's name"),
  credits: Credits,
  window: z.enum(BUDGET_WINDOWS),
  onExhausted: z.enum(BUDGET_ACTIONS),
  thresholds: z.array(z.number()).describe('Ascending'),
  windowStart: LocalDate.nullable().describe("The window's first day; null for total"),
  windowEnd: LocalDate.nullable().describe("The window's last day; null for total"),
  used: Credits.describe("All the scope's credits in the window, from before the budget was made too"),
  remaining: Credits.describe('Never below 0'),
  percentUsed: z.number().describe('Used as a share of the credits (percent, one decimal; may pass 100)'),
  exhausted: z.boolean().describe('Used up: a block budget refuses new interviews in its scope'),
  reached: z.array(z.number()).describe('The thresholds reached now, ascending'),
  projectedExhaustion: LocalDate.nullable().describe(
    "The day it is used up at the scope's recent pace, if within the window (and the forecast's horizon)",
  ),
  createdAt: Instant,
  updatedAt: Instant,
});

const admins = { session: ['account_admin'] } as const;
const BudgetParams = z.object({ budgetId: z.uuid() });

export const listBudgets = endpoint({
  method: 'GET',
  path: '/api/v1/budgets',
  operationId: 'listBudgets',
  tag: 'budgets',
  summary: "The tenant's budgets with what each has used in its current window",
  access: admins,
  responses: { 200: z.object({ items: z.array(Budget) }) },
});

export const createBudget = endpoint({
  method: 'POST',
  path: '/api/v1/budgets',
  operationId: 'createBudget',
  tag: 'budgets',
  summary: 'Set a budget on an opening, a department or a recruiter (one per scope)',
  access: admins,
  body: BudgetInput,
  responses: { 201: Budget },
  errors: ['invalid_budget_scope', 'invalid_credits', 'invalid_thresholds', 'budget_exists'],
});

export const updateBudget = endpoint({
  method: 'PUT',
  path: '/api/v1/budgets/:budgetId',
  operationId: 'updateBudget',
  tag: 'budgets',
  summary: 'Replace what a budget is set to',
  access: admins,
  params: BudgetParams,
  body: BudgetInput,
  responses: { 200: Budget },
  errors: ['invalid_budget_scope', 'invalid_credits', 'invalid_thresholds', 'budget_exists', 'not_found'],
});

export const deleteBudget = endpoint({
  method: 'DELETE',
  path: '/api/v1/budgets/:budgetId',
  operationId: 'deleteBudget',
  tag: 'budgets',
  summary: 'Remove a budget; new interviews in its scope are no longer held by it',
  access: admins,
  params: BudgetParams,
  responses: { 204: NoContent },
  errors: ['not_found'],
});

export const getBudgetUsage = endpoint({
  method: 'GET',
  path: '/api/v1/budgets/:budgetId/usage',
  operationId: 'getBudgetUsage',
  tag: 'budgets',
  summary: "The budget's scope: credits used per day over its window (the last 90 days for total)",
  access: admins,
  params: BudgetParams,
  responses: {
    200: z.object({
      from: LocalDate,
      to: LocalDate,
      points: z.array(z.object({ day: LocalDate, credits: Credits })),
    }),
  },
  errors: ['not_found'],
});
