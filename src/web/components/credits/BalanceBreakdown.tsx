import { Progress, Stack, Text } from '@mantine/core';
import { LOT_KINDS, type LotKind } from '../../../shared/contract/index';
import type { Balance } from '../../api/types';
import { formatCredits, formatDay } from '../../lib/format';

/** Where a lot's credits came from, as the balance's parts read (docs/product.md, The balance). */
export const SOURCE_NAMES: Record<LotKind, string> = {
  grant: 'this period’s grant',
  rollover: 'rolled over',
  purchase: 'purchased',
  adjustment: 'given back',
};

const SOURCE_COLORS: Record<LotKind, string> = {
  grant: 'indigo',
  rollover: 'cyan',
  purchase: 'teal',
  adjustment: 'grape',
};

/** "purchased", "purchased and given back": the sources of credits expiring together. */
export const sourcesText = (kinds: readonly LotKind[]) => kinds.map((k) => SOURCE_NAMES[k]).join(' and ');

/**
 * The balance in parts: each source's credits left, a bar of their shares (the whole bar is the
 * credits in lots, so a balance above the allotment still reads true), and the nearest expiry.
 */
export function BalanceBreakdown({ balance }: { balance: Balance }) {
  const parts = LOT_KINDS.filter((k) => balance.breakdown[k] > 0).map((k) => ({
    kind: k,
    credits: balance.breakdown[k],
  }));
  const inLots = parts.reduce((sum, p) => sum + p.credits, 0);
  const text = parts.map((p) => `${formatCredits(p.credits)} ${SOURCE_NAMES[p.kind]}`);
  if (balance.overage > 0) text.push(`less ${formatCredits(balance.overage)} overage`);
  const next = balance.nextExpiry;
  return (
    <Stack gap={6}>
      <Text size="xs" c="dimmed" data-testid="balance-breakdown">
        {text.length > 0
          ? `${formatCredits(balance.balance)} credits: ${text.join(', ')}`
          : 'No credits left in any lot'}
      </Text>
      {inLots > 0 && (
        <Progress.Root size="sm" aria-hidden="true">
          {parts.map((p) => (
            <Progress.Section key={p.kind} value={(p.credits / inLots) * 100} color={SOURCE_COLORS[p.kind]} />
          ))}
        </Progress.Root>
      )}
      {next && (
        <Text size="xs" c="dimmed" data-testid="balance-next-expiry">
          Next expiry: {formatCredits(next.credits)} {sourcesText(next.kinds)} on {formatDay(next.expiresAt)}
        </Text>
      )}
    </Stack>
  );
}
