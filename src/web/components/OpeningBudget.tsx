import { Text } from '@mantine/core';
import type { Budget } from '../api/budgets';
import { formatCredits } from '../lib/format';

/**
 * An opening's budget, if it has one, under its credits in the openings table: what the budget's window used of
 * it (docs/product.md, Budgets), red once used up.
 */
export function OpeningBudget({ budget }: { budget: Budget | undefined }) {
  if (!budget) return null;
  return (
    <Text
      component="span"
      display="block"
      size="xs"
      c={budget.exhausted ? 'red.8' : 'dimmed'}
      title={`Budget ${budget.window === 'total' ? 'in total' : 'in its window'}: ${formatCredits(budget.used)} of ${formatCredits(budget.credits)} credits used`}
      data-testid="opening-budget"
    >
      {formatCredits(budget.used)} / {formatCredits(budget.credits)} budget
    </Text>
  );
}
