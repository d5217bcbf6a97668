import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type AnswerOf,
  type BudgetInput as BudgetInputSchema,
  type Budget as BudgetSchema,
  createBudget,
  deleteBudget,
  getBudgetUsage,
  type Json,
  listBudgets,
  updateBudget,
} from '../../shared/contract/index';
import { call } from './client';

export type Budget = Json<typeof BudgetSchema>;
export type BudgetInput = Json<typeof BudgetInputSchema>;
export type BudgetUsage = AnswerOf<typeof getBudgetUsage>;

const budgetsKey = ['budgets'] as const;

/** GET /budgets: every budget with what it used in its window (account admins). */
export function useBudgets(enabled = true) {
  return useQuery({
    queryKey: budgetsKey,
    queryFn: ({ signal }) => call(listBudgets, { signal }),
    enabled,
    // Credits are used while the page is open: look again now and then, as the credit alerts do.
    refetchInterval: 60_000,
  });
}

export function useBudgetUsage(budgetId: string) {
  return useQuery({
    queryKey: [...budgetsKey, budgetId, 'usage'],
    queryFn: ({ signal }) => call(getBudgetUsage, { params: { budgetId }, signal }),
  });
}

export function useSaveBudget() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ budgetId, body }: { budgetId?: string; body: BudgetInput }) =>
      budgetId ? call(updateBudget, { params: { budgetId }, body }) : call(createBudget, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: budgetsKey }),
  });
}

export function useDeleteBudget() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (budgetId: string) => call(deleteBudget, { params: { budgetId } }),
    // The list alone: the removed budget's usage, still on screen until the list comes, is gone.
    onSuccess: () => client.invalidateQueries({ queryKey: budgetsKey, exact: true }),
  });
}
