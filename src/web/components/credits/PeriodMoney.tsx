import { Card, SimpleGrid, Title } from '@mantine/core';
import { useSummary } from '../../api/consumption';
import type { Balance } from '../../api/types';
import { formatCreditsUnit, formatMoney } from '../../lib/format';
import { creditsValue } from './CreditsValue';
import { Term } from './Term';

const CURRENT_PERIOD = {};

/** The current period in the plan's currency: the credits used at the plan's price, and what was bought. */
export function PeriodMoney({ balance }: { balance: Balance }) {
  const summary = useSummary(CURRENT_PERIOD);
  const { plan, purchasedThisPeriod: bought } = balance;
  const used = summary.data?.creditsUsed;
  const usedValue = used === undefined ? undefined : creditsValue(used, plan);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="money-title" h="100%">
      <Title order={2} size="h4" id="money-title" mb="sm">
        This period in {plan.currency}
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
        <Term label="Credits used" testId="money-used">
          {used === undefined
            ? '…'
            : `${formatCreditsUnit(used)}${usedValue ? `, worth ${usedValue} at ${formatMoney(plan.creditPriceCents, plan.currency)} a credit` : ''}`}
        </Term>
        <Term label="Credits bought" testId="money-bought">
          {`${formatCreditsUnit(bought.credits)} for ${formatMoney(bought.totalCents, bought.currency)}`}
        </Term>
      </SimpleGrid>
    </Card>
  );
}
