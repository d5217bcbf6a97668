import { Alert, Anchor } from '@mantine/core';
import { useBudgets } from '../api/budgets';
import { formatCredits, formatPercent } from '../lib/format';
import { linkClick } from '../lib/router';

/**
 * The console's budget alert (docs/product.md, Budgets): shown to account admins on every page
 * while a budget is at or past one of its thresholds in its current window.
 */
export function BudgetAlertBanner() {
  const budgets = useBudgets();
  const reached = (budgets.data?.items ?? []).filter((b) => b.reached.length > 0);
  if (reached.length === 0) return null;
  const usedUp = reached.filter((b) => b.exhausted);
  const title =
    usedUp.length > 0
      ? `${usedUp.length === 1 ? 'A budget is' : `${usedUp.length} budgets are`} used up`
      : `${reached.length === 1 ? 'A budget has' : `${reached.length} budgets have`} reached an alert threshold`;
  return (
    <Alert
      color={usedUp.length > 0 ? 'red' : 'yellow'}
      variant="light"
      title={title}
      mb="md"
      role="alert"
      data-testid="budget-alert"
    >
      {reached
        .slice(0, 3)
        .map(
          (b) =>
            `${b.label}: ${formatCredits(b.used)} of ${formatCredits(b.credits)} credits (${formatPercent(b.percentUsed / 100)}${b.exhausted && b.onExhausted === 'block' ? ', new interviews refused' : ''})`,
        )
        .join('; ')}
      {reached.length > 3 ? `; and ${reached.length - 3} more` : ''}.{' '}
      <Anchor href="/budgets" onClick={linkClick('/budgets')} c="inherit" underline="always">
        See the budgets
      </Anchor>
    </Alert>
  );
}
