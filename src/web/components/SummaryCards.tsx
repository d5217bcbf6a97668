import { Card, Group, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTimeseries } from '../api/consumption';
import { useBalance } from '../api/credits';
import type { Summary } from '../api/types';
import { formatChange, formatCredits, formatDateRange, formatNumber } from '../lib/format';
import { type LocalRange, rangeDays, trendGranularity } from '../lib/ranges';
import { BalanceBreakdown } from './credits/BalanceBreakdown';
import { CreditsValue } from './credits/CreditsValue';
import { DefinitionHint, MetricLabel } from './Metric';
import { ErrorState } from './States';

const TrendChart = lazy(() => import('./charts').then((m) => ({ default: m.TrendChart })));

function StatCard({
  title,
  testId,
  children,
  loading,
}: {
  title: ReactNode;
  testId: string;
  children: ReactNode;
  loading?: boolean;
}) {
  return (
    <Card withBorder padding="md" data-testid={testId} component="section" aria-busy={loading || undefined}>
      <Text size="sm" c="dimmed" fw={600} component="h2" m={0}>
        {title}
      </Text>
      <Stack gap={6} mt={6} style={{ opacity: loading ? 0.55 : 1, transition: 'opacity 120ms' }}>
        {children}
      </Stack>
    </Card>
  );
}

function Big({ children, testId }: { children: ReactNode; testId: string }) {
  return (
    <Text fz={30} fw={700} lh={1.1} data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
      {children}
    </Text>
  );
}

/** Set against the previous range: its same days so far while this one is in progress, else all of it. */
function Compare({
  summary,
  metric,
  format,
}: {
  summary: Summary;
  metric: 'totalInterviews' | 'creditsUsed';
  format: (n: number) => string;
}) {
  const base = summary.previous.toDate ?? summary.previous;
  const current = summary[metric];
  const previous = base[metric];
  // A range still to come has nothing to set against the previous one yet: its 0 is not a fall.
  if (!summary.begun) {
    return (
      <Text size="xs" c="dimmed">
        Not begun yet; {format(previous)} in the previous range
      </Text>
    );
  }
  const change = formatChange(current, previous);
  const up = current > previous;
  const days = rangeDays({ from: base.periodStart, to: base.periodEnd });
  return (
    <Text size="xs" c="dimmed">
      {change && (
        <Text span fw={600} c={current === previous ? 'dimmed' : up ? 'teal.7' : 'orange.7'} size="xs">
          {change}{' '}
        </Text>
      )}
      vs {format(previous)}{' '}
      {summary.previous.toDate
        ? `in the first ${days} ${days === 1 ? 'day' : 'days'} of the previous range`
        : 'in the previous range'}
    </Text>
  );
}

/** The four summary cards of the help article for one range. */
export function SummaryCards({
  summary,
  range,
}: {
  summary: UseQueryResult<Summary>;
  range: LocalRange | undefined;
}) {
  // The balance's parts and the plan's price; the cards read without them until they come.
  const balance = useBalance();
  if (summary.isError && !summary.data) {
    return (
      <ErrorState
        error={summary.error}
        onRetry={() => void summary.refetch()}
        title="The summary could not be loaded"
      />
    );
  }
  const s = summary.data;
  const loading = summary.isFetching && summary.isPlaceholderData;
  if (!s) {
    return (
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} aria-busy="true" aria-label="Loading the summary">
        {[0, 1, 2, 3].map((i) => (
          <Card withBorder key={i} padding="md">
            <Skeleton h={14} w="50%" />
            <Skeleton h={30} w="70%" mt="sm" />
            <Skeleton h={12} w="80%" mt="sm" />
          </Card>
        ))}
      </SimpleGrid>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
      <StatCard
        title={<MetricLabel metric="totalInterviews">Total Interviews</MetricLabel>}
        testId="card-total-interviews"
        loading={loading}
      >
        <Big testId="value-total-interviews">{formatNumber(s.totalInterviews)}</Big>
        <Text size="xs" c="dimmed">
          {formatNumber(s.completed)} completed · {formatNumber(s.partiallyCompleted)} partial
        </Text>
        <Compare summary={s} metric="totalInterviews" format={formatNumber} />
      </StatCard>
      <StatCard
        title={<MetricLabel metric="creditsUsed">Credits Used</MetricLabel>}
        testId="card-credits-used"
        loading={loading}
      >
        <Big testId="value-credits-used">{formatCredits(s.creditsUsed)}</Big>
        <Text size="xs" c="dimmed">
          {formatDateRange(s.periodStart, s.periodEnd)}
        </Text>
        {balance.data && <CreditsValue credits={s.creditsUsed} plan={balance.data.plan} />}
        <Compare summary={s} metric="creditsUsed" format={formatCredits} />
      </StatCard>
      <StatCard
        title={<MetricLabel metric="remainingBalance">Remaining Balance</MetricLabel>}
        testId="card-remaining-balance"
        loading={loading}
      >
        <Big testId="value-remaining-balance">{formatCredits(s.remainingBalance)}</Big>
        {balance.data && <BalanceBreakdown balance={balance.data} />}
        <Group gap={4} wrap="nowrap">
          <Text size="xs" c="dimmed" data-testid="value-allotment">
            The plan grants {formatCredits(s.allotment)} a period
          </Text>
          <DefinitionHint metric="allotment" label="the allotment" />
        </Group>
        <Text size="xs" c="dimmed">
          Available now, whatever range is picked
        </Text>
      </StatCard>
      <StatCard title={<TrendTitle />} testId="card-usage-trend" loading={loading}>
        <UsageTrend summary={s} range={range} />
      </StatCard>
    </SimpleGrid>
  );
}

/** The trend plots credits used, so its definition is the one of credits used. */
const TrendTitle = () => <MetricLabel metric="usageTrend">Usage Trend</MetricLabel>;

function UsageTrend({ summary, range }: { summary: Summary; range: LocalRange | undefined }) {
  const current = range ?? { from: summary.periodStart, to: summary.periodEnd };
  const previous = { from: summary.previous.periodStart, to: summary.previous.periodEnd };
  const granularity = trendGranularity(current);
  const cur = useTimeseries(granularity, current);
  const prev = useTimeseries(granularity, previous);
  if (cur.isError || prev.isError) {
    return (
      <ErrorState
        error={cur.error ?? prev.error}
        onRetry={() => {
          void cur.refetch();
          void prev.refetch();
        }}
        title="The trend could not be loaded"
      />
    );
  }
  if (!cur.data || !prev.data) return <Skeleton h={110} />;
  const unit = granularity === 'day' ? 'day' : granularity;
  const label = `Credits used per ${unit}: ${formatCredits(summary.creditsUsed)} in ${formatDateRange(
    current.from,
    current.to,
  )}, against ${formatCredits(summary.previous.creditsUsed)} in ${formatDateRange(previous.from, previous.to)}.`;
  return (
    <>
      <Suspense fallback={<Skeleton h={110} />}>
        <TrendChart
          current={cur.data.points}
          previous={prev.data.points}
          granularity={granularity}
          label={label}
        />
      </Suspense>
      <Text size="xs" c="dimmed">
        Credits per {unit}; dashed: {formatDateRange(previous.from, previous.to)}
      </Text>
    </>
  );
}
