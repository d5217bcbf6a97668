import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { creditsToMilli, purchaseTotalCents } from '../../../shared/credits';
import { type AutoTopUpView, useAutoTopUp, useSaveAutoTopUp } from '../../api/credits';
import type { Balance } from '../../api/types';
import { formatBucket, formatCredits, formatDateTime, formatMoney } from '../../lib/format';
import { ErrorState, errorMessage } from '../States';

type Draft = { enabled: boolean; below: number | string; buy: number | string; cap: number | string };

const draftOf = (v: AutoTopUpView): Draft => ({
  enabled: v.enabled,
  below: v.belowCredits ?? '',
  buy: v.buyCredits ?? '',
  cap: v.monthlyCapCredits ?? '',
});

/** Whole thousandths only, as the API takes them: the price preview needs an exact amount. */
function priceOf(buy: number, plan: Balance['plan']): string | null {
  try {
    return formatMoney(purchaseTotalCents(creditsToMilli(buy), plan.creditPriceCents), plan.currency);
  } catch {
    return null;
  }
}

function Settings({ view, plan }: { view: AutoTopUpView; plan: Balance['plan'] }) {
  const [draft, setDraft] = useState(() => draftOf(view));
  const save = useSaveAutoTopUp();
  useEffect(() => setDraft(draftOf(view)), [view]);
  const numbers = [draft.below, draft.buy, draft.cap].map((v) => (typeof v === 'number' ? v : Number.NaN));
  const [below, buy, cap] = numbers as [number, number, number];
  const complete = numbers.every(Number.isFinite);
  const capTooLow = complete && cap < buy;
  const price = complete && buy > 0 ? priceOf(buy, plan) : null;
  return (
    <Stack gap="sm">
      <Switch
        label="Buy credits automatically when the balance runs low"
        checked={draft.enabled}
        onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <NumberInput
          label="When a charge takes the balance below"
          suffix=" credits"
          min={0}
          decimalScale={3}
          thousandSeparator=","
          value={draft.below}
          onChange={(v) => setDraft({ ...draft, below: v })}
        />
        <NumberInput
          label="Buy"
          suffix=" credits"
          min={0.001}
          max={plan.purchaseLimit}
          decimalScale={3}
          thousandSeparator=","
          value={draft.buy}
          onChange={(v) => setDraft({ ...draft, buy: v })}
          description={
            price ? `${price} each time` : `At most ${formatCredits(plan.purchaseLimit)} at a time`
          }
        />
        <NumberInput
          label="At most, each calendar month"
          suffix=" credits"
          min={0.001}
          decimalScale={3}
          thousandSeparator=","
          value={draft.cap}
          onChange={(v) => setDraft({ ...draft, cap: v })}
          error={capTooLow ? 'At least one top-up' : undefined}
        />
      </SimpleGrid>
      <Group>
        <Button
          disabled={!complete || capTooLow}
          loading={save.isPending}
          onClick={() =>
            save.mutate({
              enabled: draft.enabled,
              belowCredits: below,
              buyCredits: buy,
              monthlyCapCredits: cap,
            })
          }
        >
          Save auto top-up
        </Button>
        {save.isSuccess && <Text size="sm">Saved.</Text>}
      </Group>
      {save.error && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
    </Stack>
  );
}

function ThisMonth({ view }: { view: AutoTopUpView }) {
  const { month } = view;
  return (
    <Stack gap="xs">
      <Text size="sm" data-testid="auto-top-up-month">
        {formatBucket(month.start, 'month')}: {month.topUps === 1 ? '1 top-up' : `${month.topUps} top-ups`},{' '}
        {formatCredits(month.boughtCredits)}
        {view.monthlyCapCredits !== null ? ` of ${formatCredits(view.monthlyCapCredits)}` : ''} credits.
      </Text>
      {month.cappedAt && (
        <Alert color="yellow" variant="light" data-testid="auto-top-up-capped">
          The monthly cap stopped a top-up on {formatDateTime(month.cappedAt)}: no credits were bought. Buy
          credits above or raise the cap.
        </Alert>
      )}
      {view.recent.length > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table fz="sm" aria-label="Automatic purchases" data-testid="auto-top-ups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th ta="right">Credits</Table.Th>
                <Table.Th ta="right">Price</Table.Th>
                <Table.Th ta="right">Balance after</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.recent.map((p) => (
                <Table.Tr key={p.purchaseId}>
                  <Table.Td>{formatDateTime(p.createdAt)}</Table.Td>
                  <Table.Td ta="right">{formatCredits(p.credits)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(p.totalCents, p.currency)}</Table.Td>
                  <Table.Td ta="right">{formatCredits(p.balanceAfter)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** Plan & credits → auto top-up (docs/product.md, Auto top-up): its settings and what it bought. */
export function AutoTopUpCard({ balance }: { balance: Balance }) {
  const view = useAutoTopUp();
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="auto-top-up-title">
      <Title order={2} size="h4" id="auto-top-up-title" mb={4}>
        Auto top-up
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Credits are bought at the plan's price, once each time a charge takes the balance below the floor, and
        never past the monthly cap. Each top-up is a purchase with its receipt, a webhook and an email.
      </Text>
      {view.isError && !view.data ? (
        <ErrorState error={view.error} onRetry={() => void view.refetch()} />
      ) : view.data ? (
        <Stack gap="md">
          <Settings view={view.data} plan={balance.plan} />
          <ThisMonth view={view.data} />
        </Stack>
      ) : (
        <Text c="dimmed">Loading…</Text>
      )}
    </Card>
  );
}
