import {
  Alert,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Modal,
  NumberInput,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { creditsToMilli, hasAtMostThreeDecimals, purchaseTotalCents } from '../../shared/credits';
import { newIdempotencyKey } from '../api/client';
import { useBalance, useLedger, usePurchase } from '../api/credits';
import type { Balance, LedgerEntry, PlanTerms, Receipt } from '../api/types';
import { AlertSettingsCard } from '../components/AlertSettingsCard';
import { DefinitionHint } from '../components/Metric';
import { Empty, ErrorState, errorMessage } from '../components/States';
import { formatCredits, formatDateTime, formatDay, formatLabel, formatMoney } from '../lib/format';

function Term({
  label,
  children,
  testId,
}: {
  label: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

function rolloverText(r: PlanTerms['rollover']): string {
  if (r.mode === 'none') return 'Unused credits expire at the end of each period.';
  const life = r.expiresAfterPeriods ? `, kept for ${r.expiresAfterPeriods} more period(s)` : '';
  if (r.mode === 'all') return `All unused credits roll over${life}.`;
  const caps = [
    r.cap != null ? `${formatCredits(r.cap)} credits` : undefined,
    r.capPercent != null ? `${r.capPercent}% of the allotment` : undefined,
  ].filter(Boolean);
  return `Unused credits roll over up to ${caps.join(' or ')}${life}.`;
}

function PlanCard({ balance }: { balance: Balance }) {
  const plan = balance.plan;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="plan-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="plan-title">
          Plan: {plan.name}
        </Title>
        {balance.period && (
          <Badge variant="light">
            Period {formatDay(balance.period.start)} –{' '}
            {formatDay(new Date(Date.parse(balance.period.end) - 1).toISOString())}
          </Badge>
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

function BalanceCard({ balance }: { balance: Balance }) {
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
      {balance.overage > 0 && (
        <Text c="red.7" size="sm" data-testid="credits-overage">
          Overage: {formatCredits(balance.overage)} credits used beyond every lot
        </Text>
      )}
      <BuyCredits balance={balance} />
    </Card>
  );
}

function BuyCredits({ balance }: { balance: Balance }) {
  const [amount, setAmount] = useState<number | string>(100);
  const [confirming, setConfirming] = useState(false);
  const [key, setKey] = useState('');
  const [receipt, setReceipt] = useState<Receipt | undefined>();
  const purchase = usePurchase();
  const credits = typeof amount === 'number' ? amount : Number(amount);
  const { creditPriceCents: price, currency, purchaseLimit } = balance.plan;
  const valid =
    Number.isFinite(credits) && credits > 0 && credits <= purchaseLimit && hasAtMostThreeDecimals(credits);

  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    purchase.reset();
    setKey(newIdempotencyKey()); // one key per attempt: a retry after a failure reuses it
    setConfirming(true);
  };
  const confirm = () =>
    purchase.mutate(
      { credits, idempotencyKey: key },
      {
        onSuccess: (r) => {
          setReceipt(r);
          setConfirming(false);
        },
      },
    );

  return (
    <Stack gap="sm" mt="md">
      <form onSubmit={ask}>
        <Group align="flex-end" gap="sm">
          <NumberInput
            label="Credits to buy"
            value={amount}
            onChange={setAmount}
            min={1}
            max={purchaseLimit}
            decimalScale={3}
            thousandSeparator=","
            w={180}
            error={
              !valid && amount !== ''
                ? `More than 0 and at most ${formatCredits(purchaseLimit)} credits (your limit per purchase)`
                : undefined
            }
            data-testid="buy-amount"
          />
          <Button type="submit" disabled={!valid}>
            Buy credits
          </Button>
        </Group>
      </form>
      {receipt && (
        <Alert
          color="teal"
          variant="light"
          title="Credits purchased"
          role="status"
          data-testid="purchase-receipt"
        >
          {formatCredits(receipt.credits)} credits for {formatMoney(receipt.totalCents, receipt.currency)},
          valid until {formatDay(receipt.expiresAt)}. New balance:{' '}
          <b data-testid="receipt-balance">{formatCredits(receipt.balance)}</b> credits.
        </Alert>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Confirm the purchase" centered>
        <Stack>
          <Text>
            Buy <b>{formatCredits(credits)}</b> extra credits for{' '}
            <b data-testid="purchase-price">
              {formatMoney(purchaseTotalCents(creditsToMilli(credits), price), currency)}
            </b>{' '}
            ({formatMoney(price, currency)} per credit) ? They are added to your balance at once and billed on
            your next invoice.
          </Text>
          <Text size="sm" c="dimmed">
            Balance now {formatCredits(balance.balance)} → after {formatCredits(balance.balance + credits)}{' '}
            credits
          </Text>
          {purchase.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(purchase.error)} You can try again: the purchase will not be made twice.
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button onClick={confirm} loading={purchase.isPending} data-testid="confirm-purchase">
              Buy {formatCredits(credits)} credits
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function LotsCard({ balance }: { balance: Balance }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="lots-title" h="100%">
      <Title order={2} size="h4" id="lots-title" mb="sm">
        Current credit lots
      </Title>
      {balance.lots.length === 0 ? (
        <Empty
          title="No credits available"
          description="Every lot is used or expired. Buy credits above to keep interviewing."
        />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped fz="sm" aria-label="Current credit lots" data-testid="lots-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Source</Table.Th>
                <Table.Th ta="right">Granted</Table.Th>
                <Table.Th ta="right">Remaining</Table.Th>
                <Table.Th>Since</Table.Th>
                <Table.Th>Expires</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {balance.lots.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>{formatLabel(l.kind)}</Table.Td>
                  <Table.Td ta="right">{formatCredits(l.amount)}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {formatCredits(l.remaining)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(l.grantedAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {l.expiresAt ? formatDateTime(l.expiresAt) : 'Never'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

function entryDetail(e: LedgerEntry): string {
  const parts = [
    e.interviewId ? `Interview ${e.interviewId}` : undefined,
    e.rule ? `rule ${formatLabel(e.rule)}${e.ruleVersion ? ` v${e.ruleVersion}` : ''}` : undefined,
    e.reason ?? undefined,
    e.reference ?? undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : '—';
}

function LedgerCard() {
  const ledger = useLedger(25);
  const entries = ledger.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="ledger-title">
      <Title order={2} size="h4" id="ledger-title" mb={4}>
        Ledger history
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Every credit in and out, newest first. Entries are never edited; corrections are new entries.
      </Text>
      {ledger.isError && !ledger.data ? (
        <ErrorState error={ledger.error} onRetry={() => void ledger.refetch()} />
      ) : !ledger.data ? (
        <Stack gap="xs">
          {Array.from({ length: 6 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
            <Skeleton key={i} h={26} />
          ))}
        </Stack>
      ) : entries.length === 0 ? (
        <Empty
          title="No ledger entries yet"
          description="Grants, charges and purchases appear here as they happen."
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={720}>
            <Table striped fz="sm" aria-label="Ledger history" data-testid="ledger-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Entry</Table.Th>
                  <Table.Th ta="right">Credits</Table.Th>
                  <Table.Th>What for</Table.Th>
                  <Table.Th>By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.effectiveAt)}</Table.Td>
                    <Table.Td>{formatLabel(e.kind)}</Table.Td>
                    <Table.Td
                      ta="right"
                      c={e.credits < 0 ? 'red.8' : 'teal.8'}
                      style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
                    >
                      {e.credits > 0 ? '+' : ''}
                      {formatCredits(e.credits)}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {entryDetail(e)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate maw={180}>
                        {e.actor}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="sm">
            <Text size="sm" c="dimmed">
              {entries.length} entries shown
            </Text>
            {ledger.hasNextPage && (
              <Button
                variant="light"
                onClick={() => void ledger.fetchNextPage()}
                loading={ledger.isFetchingNextPage}
              >
                Show older entries
              </Button>
            )}
          </Group>
        </>
      )}
    </Card>
  );
}

/** Tenant Management → Plan & credits. */
export default function CreditsPage() {
  const balance = useBalance();
  return (
    <Stack gap="lg">
      <Title order={1}>Plan & credits</Title>
      {balance.isError && !balance.data ? (
        <ErrorState error={balance.error} onRetry={() => void balance.refetch()} />
      ) : !balance.data ? (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Skeleton h={160} />
          <Skeleton h={160} />
        </SimpleGrid>
      ) : (
        <>
          <PlanCard balance={balance.data} />
          <Grid>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <BalanceCard balance={balance.data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <LotsCard balance={balance.data} />
            </Grid.Col>
          </Grid>
        </>
      )}
      <AlertSettingsCard />
      <LedgerCard />
    </Stack>
  );
}
