import { Card, Table, Text, Title } from '@mantine/core';
import type { PlanTerms } from '../../api/types';
import { formatCreditsUnit, formatPercent } from '../../lib/format';

/** "25% to under 75%": a tier's completion range, up to the next tier's minimum. */
function tierRange(min: number, next: number | undefined): string {
  if (next === undefined) return `${formatPercent(min)} and over`;
  if (min === 0) return `Under ${formatPercent(next)}`;
  return `${formatPercent(min)} to under ${formatPercent(next)}`;
}

/** What an interview costs under the plan: 1 credit completed, partial ones by the plan's tiers. */
export function PartialTiers({ plan }: { plan: PlanTerms }) {
  const tiers = [...plan.partialRule.tiers].sort((a, b) => a.minCompletion - b.minCompletion);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="tiers-title" h="100%">
      <Title order={2} size="h4" id="tiers-title" mb={4}>
        What an interview costs
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        A completed interview is 1 credit. One that ends early is charged by the share of it the candidate
        answered (partial rule version {plan.partialRule.version}). Invitations, expired or cancelled
        interviews and simulations cost nothing.
      </Text>
      <Table striped fz="sm" aria-label="Partial interview credits" data-testid="partial-tiers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Share answered</Table.Th>
            <Table.Th ta="right">Credits</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tiers.map((t, i) => (
            <Table.Tr key={t.minCompletion}>
              <Table.Td>{tierRange(t.minCompletion, tiers[i + 1]?.minCompletion)}</Table.Td>
              <Table.Td ta="right">{formatCreditsUnit(t.credits)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
