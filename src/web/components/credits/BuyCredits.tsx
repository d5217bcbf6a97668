import { Alert, Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { creditsToMilli, hasAtMostThreeDecimals, purchaseTotalCents } from '../../../shared/credits';
import { newIdempotencyKey } from '../../api/client';
import { usePurchase } from '../../api/credits';
import type { Balance, Receipt } from '../../api/types';
import { formatCredits, formatDay, formatMoney } from '../../lib/format';
import { errorMessage } from '../States';

/** Buying extra credits: the amount, a confirmation with the price, and the receipt. */
export function BuyCredits({ balance }: { balance: Balance }) {
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
            ({formatMoney(price, currency)} per credit)? They are added to your balance at once and billed on
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
