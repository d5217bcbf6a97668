import { Badge, Card, Group, SimpleGrid, Title } from '@mantine/core';
import type { Balance, PlanTerms } from '../../api/types';
import { formatCredits, formatMoney, formatPercent, formatPeriod } from '../../lib/format';
import { DefinitionHint } from '../Metric';
import { Term } from './Term';

function rolloverText(r: PlanTerms['rollover']): string {
  if (r.mode === 'none') return 'Unused credits expire at the end of each period.';
  const life = r.expiresAfterPeriods ? `, kept for ${r.expiresAfterPeriods} more period(s)` : '';
  if (r.mode === 'all') return `All unused credits roll over${life}.`;
  const caps = [
    r.cap != null ? `${formatCredits(r.cap)} credits` : undefined,
    r.capPercent != null ? `${formatPercent(r.capPercent / 100)} of the allotment` : undefined,
  ].filter(Boolean);
  return `Unused credits roll over up to ${caps.join(' or ')}${life}.`;
}

/** The plan's terms and the current period: allotment, rollover, overage and extra credits. */
export function PlanCard({ balance }: { balance: Balance }) {
  const plan = balance.plan;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="plan-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="plan-title">
          Plan: {plan.name}
        </Title>
        {balance.period && (
          <Badge variant="light">Period {formatPeriod(balance.period.start, balance.period.end)}</Badge>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
        <Term
          label={
            <Group gap={2} component="span">
              Allotment <DefinitionHint metric="allotment" label="the allotment" />
            </Group>
          }
          testId="plan-allotment"
        >
          {balance.period ? `${formatCredits(balance.period.allotment)} credits per period` : '—'}
        </Term>
        <Term label="Rollover">{rolloverText(plan.rollover)}</Term>
        <Term label="Overage">
          {balance.overageMode === 'allow'
            ? `Allowed up to ${formatCredits(balance.overageLimit)} credits beyond the balance, settled by the next grant.`
            : 'Blocked: interviews are not charged beyond the balance.'}
        </Term>
        <Term label="Extra credits" testId="plan-extra-credits">
          {`${formatMoney(plan.creditPriceCents, plan.currency)} per credit, valid ${plan.purchaseValidityMonths} months; ` +
            `at most ${formatCredits(plan.purchaseLimit)} credits a purchase`}
        </Term>
      </SimpleGrid>
    </Card>
  );
}
