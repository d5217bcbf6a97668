import { Card, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { type PlanParams, usePlan } from '../../api/forecast';
import { formatCredits, formatNumber, formatPercent } from '../../lib/format';
import { ErrorState } from '../States';

const asNumber = (v: string | number) => (typeof v === 'number' ? v : Number.NaN);

/**
 * The hiring planner: roles × candidates × completion over some months, with the buffer, set
 * against the credits the ledger will have. The answer follows the form as the admin types (a
 * short debounce).
 */
export function Planner({ observedCompletion }: { observedCompletion: number | null }) {
  const [roles, setRoles] = useState<string | number>(5);
  const [candidates, setCandidates] = useState<string | number>(50);
  const [completion, setCompletion] = useState<string | number>('');
  const [months, setMonths] = useState<string | number>(1);
  const [buffer, setBuffer] = useState<string | number>(20);
  const values = { roles: asNumber(roles), candidates: asNumber(candidates), months: asNumber(months) };
  const valid =
    Number.isFinite(values.roles) &&
    Number.isFinite(values.candidates) &&
    Number.isInteger(values.months) &&
    Number.isFinite(asNumber(buffer));
  const params: PlanParams | undefined = valid
    ? {
        ...values,
        buffer: asNumber(buffer) / 100,
        ...(completion === '' ? {} : { completion: asNumber(completion) / 100 }),
      }
    : undefined;
  const [debounced] = useDebouncedValue(params, 250);
  const plan = usePlan(debounced);
  const p = plan.data;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="planner-title" data-testid="planner">
      <Title order={3} size="h5" id="planner-title" mb={4}>
        Hiring planner
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        What a hiring plan needs, with the recommended buffer, against what your plan gives.
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
        <NumberInput
          label="Roles per month"
          min={0}
          max={10_000}
          value={roles}
          onChange={setRoles}
          data-testid="plan-roles"
        />
        <NumberInput
          label="Candidates per role"
          min={0}
          max={100_000}
          value={candidates}
          onChange={setCandidates}
          data-testid="plan-candidates"
        />
        <NumberInput
          label="Completion %"
          min={0}
          max={100}
          value={completion}
          onChange={setCompletion}
          placeholder={
            observedCompletion === null ? '100' : String(Math.round(observedCompletion * 1000) / 10)
          }
          description={
            observedCompletion === null ? `Default ${formatPercent(1)}` : 'Default: your observed rate'
          }
          data-testid="plan-completion"
        />
        <NumberInput
          label="Months"
          min={1}
          max={12}
          allowDecimal={false}
          value={months}
          onChange={setMonths}
          data-testid="plan-months"
        />
        <NumberInput
          label="Buffer %"
          min={0}
          max={100}
          value={buffer}
          onChange={setBuffer}
          data-testid="plan-buffer"
        />
      </SimpleGrid>
      {plan.isError ? (
        <ErrorState error={plan.error} title="The plan could not be worked out" />
      ) : p ? (
        <Stack gap={4} mt="md" aria-live="polite" style={{ opacity: plan.isFetching ? 0.6 : 1 }}>
          <Group gap="lg" wrap="wrap">
            <Text size="sm">
              <b data-testid="plan-interviews">{formatNumber(p.interviews)}</b> interviews
            </Text>
            <Text size="sm">
              <b data-testid="plan-credits">{formatCredits(p.credits)}</b> credits
            </Text>
            <Text size="sm">
              <b data-testid="plan-with-buffer">{formatCredits(p.creditsWithBuffer)}</b> with the +
              {formatPercent(p.buffer)} buffer
            </Text>
            <Text size="sm" c={p.toBuy > 0 ? 'orange.8' : 'teal.8'} fw={600}>
              {p.toBuy > 0 ? (
                <>
                  Buy <span data-testid="plan-to-buy">{formatCredits(p.toBuy)}</span> credits
                </>
              ) : (
                <>
                  Nothing to buy (<span data-testid="plan-to-buy">0</span>)
                </>
              )}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" data-testid="plan-explain">
            {formatNumber(p.roles)} roles × {formatNumber(p.candidates)} candidates ×{' '}
            {formatPercent(p.completion)}{' '}
            {p.completionSource === 'observed' ? '(your observed rate)' : 'completion'} × {p.months}{' '}
            {p.months === 1 ? 'month' : 'months'}, one credit per completed interview, spread evenly from
            today. Against it: {formatCredits(p.balance)} credits now and {formatCredits(p.granted)} granted
            in those months
            {p.rollingOver > 0 ? ` (${formatCredits(p.rollingOver)} carried over by rollover)` : ''}
            {p.expiring > 0 ? `; at this pace ${formatCredits(p.expiring)} expire unused` : ''}.
          </Text>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed" mt="md">
          {valid ? 'Working it out…' : 'Fill in roles, candidates and months.'}
        </Text>
      )}
    </Card>
  );
}
