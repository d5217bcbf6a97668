import { Card, Group, Text, Title } from '@mantine/core';
import type { Balance } from '../../api/types';
import { formatCredits } from '../../lib/format';
import { DefinitionHint } from '../Metric';
import { BalanceBreakdown } from './BalanceBreakdown';
import { BuyCredits } from './BuyCredits';

/** The remaining balance, any overage, and the purchase of extra credits. */
export function BalanceCard({ balance }: { balance: Balance }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="balance-title" h="100%">
      <Group gap={4}>
        <Title order={2} size="h4" id="balance-title">
          Remaining balance
        </Title>
        <DefinitionHint metric="remainingBalance" label="the remaining balance" />
      </Group>
      <Text fz={34} fw={700} data-testid="credits-balance" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {formatCredits(balance.balance)}
      </Text>
      <BalanceBreakdown balance={balance} />
      {balance.overage > 0 && (
        <Text c="red.7" size="sm" data-testid="credits-overage">
          Overage: {formatCredits(balance.overage)} credits used beyond every lot
        </Text>
      )}
      <BuyCredits balance={balance} />
    </Card>
  );
}
