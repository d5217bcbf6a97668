import { Text } from '@mantine/core';
import { creditsToMilli, creditsValueCents } from '../../../shared/credits';
import type { PlanTerms } from '../../api/types';
import { formatMoney } from '../../lib/format';

/** What `credits` are worth at the plan's price, in whole cents; nothing when the plan prices none. */
export function creditsValue(credits: number, plan: Pick<PlanTerms, 'creditPriceCents' | 'currency'>) {
  if (plan.creditPriceCents <= 0) return undefined;
  return formatMoney(creditsValueCents(creditsToMilli(credits), plan.creditPriceCents), plan.currency);
}

/** "Worth $124.00 at $4.00 a credit" under a figure of credits. */
export function CreditsValue({ credits, plan }: { credits: number; plan: PlanTerms }) {
  const value = creditsValue(credits, plan);
  if (value === undefined) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="credits-value">
      Worth {value} at {formatMoney(plan.creditPriceCents, plan.currency)} a credit
    </Text>
  );
}
