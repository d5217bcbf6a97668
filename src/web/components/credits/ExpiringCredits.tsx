import { Alert, Anchor } from '@mantine/core';
import { useBalance } from '../../api/credits';
import { formatCredits, formatDay } from '../../lib/format';
import { linkClick } from '../../lib/router';
import { sourcesText } from './BalanceBreakdown';

/**
 * The warning that credits expire soon, on Consumption and on Plan & credits: the server decides
 * what "soon" is (the balance's expiringSoon, docs/product.md, The balance); this only shows it.
 */
export function ExpiringCredits({ linkToCredits = false }: { linkToCredits?: boolean }) {
  const balance = useBalance();
  const soon = balance.data?.expiringSoon;
  if (!soon) return null;
  const credits = formatCredits(soon.credits);
  return (
    <Alert
      color="orange"
      variant="light"
      role="status"
      title={`${credits} ${sourcesText(soon.kinds)} ${soon.credits === 1 ? 'credit expires' : 'credits expire'} on ${formatDay(soon.expiresAt)}`}
      data-testid="expiring-credits"
    >
      Interviews draw on the credits that expire first; whatever is left of these on that day is lost.
      {linkToCredits && (
        <>
          {' '}
          <Anchor href="/credits" onClick={linkClick('/credits')} c="inherit" underline="always">
            See the credit lots
          </Anchor>
        </>
      )}
    </Alert>
  );
}
