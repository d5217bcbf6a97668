import { Alert, Anchor } from '@mantine/core';
import { useAlerts } from '../api/alerts';
import { formatCredits, formatPercent } from '../lib/format';
import { linkClick } from '../lib/router';

/** The lowest threshold reached sets the tone: none left is urgent, a quarter left a heads-up. */
const colorOf = (threshold: number) => (threshold <= 0 ? 'red' : threshold <= 10 ? 'orange' : 'yellow');

/**
 * The console's credit alert (docs/product.md, Credit alerts): shown to account admins on every
 * page while the balance is at or below one of the tenant's thresholds of the period's allotment.
 */
export function CreditAlertBanner() {
  const alerts = useAlerts();
  const view = alerts.data;
  const lowest = view?.reached[view.reached.length - 1];
  if (!view || lowest === undefined) return null;
  const title =
    view.balance <= 0
      ? 'No credits left this period'
      : `${formatPercent(view.percentLeft / 100)} of this period's credits left`;
  return (
    <Alert
      color={colorOf(lowest)}
      variant="light"
      title={title}
      mb="md"
      role="alert"
      data-testid="credit-alert"
    >
      {formatCredits(view.balance)} of the {formatCredits(view.allotment)} credits the plan grants this period
      remain (alert threshold {formatPercent(lowest / 100)}).{' '}
      <Anchor href="/credits" onClick={linkClick('/credits')} c="inherit" underline="always">
        Buy credits or change the alerts
      </Anchor>
    </Alert>
  );
}
