import { Button, Card, Collapse, Group, Skeleton, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTimeseries, useYearOverYear } from '../api/consumption';
import type { TimeseriesPoint, YearOverYear } from '../api/types';
import {
  formatBucket,
  formatChange,
  formatCredits,
  formatDateRange,
  formatMonthName,
  formatNumber,
  localDateOf,
} from '../lib/format';
import { chartWindow, type LocalRange, VIEWS, type ViewKey } from '../lib/ranges';
import { Empty, ErrorState } from './States';

const UsageChart = lazy(() => import('./charts').then((m) => ({ default: m.UsageChart })));
const YearOverYearChart = lazy(() => import('./charts').then((m) => ({ default: m.YearOverYearChart })));
const ForecastView = lazy(() => import('./forecast/ForecastView'));

const ChartSkeleton = () => <Skeleton h={300} aria-label="Loading the chart" />;

/** "Show the numbers": the chart's data as a table, for screen readers and for checking. */
function DataTable({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  const [opened, { toggle }] = useDisclosure(false);
  return (
    <div>
      <Button variant="subtle" size="compact-sm" onClick={toggle} aria-expanded={opened}>
        {opened ? 'Hide the numbers' : 'Show the numbers'}
      </Button>
      <Collapse expanded={opened}>
        <Table.ScrollContainer minWidth={360} mah={320}>
          <Table striped fz="sm" stickyHeader>
            <Table.Thead>
              <Table.Tr>
                {head.map((h, i) => (
                  <Table.Th key={h} ta={i === 0 ? 'left' : 'right'}>
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are fixed per render
                <Table.Tr key={i}>
                  {r.map((c, j) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed
                    <Table.Td key={j} ta={j === 0 ? 'left' : 'right'}>
                      {c}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Collapse>
    </div>
  );
}

function SeriesView({ view, range }: { view: Exclude<ViewKey, 'yoy' | 'forecast'>; range: LocalRange }) {
  const window = chartWindow(view, range);
  const ts = useTimeseries(window.granularity, window);
  if (ts.isError) return <ErrorState error={ts.error} onRetry={() => void ts.refetch()} />;
  if (!ts.data) return <ChartSkeleton />;
  const points: TimeseriesPoint[] = ts.data.points;
  const credits = points.reduce((a, p) => a + p.creditsUsed, 0);
  const interviews = points.reduce((a, p) => a + p.interviews, 0);
  const unit = window.granularity;
  const span = formatDateRange(window.from, window.to);
  const peak = points.reduce<TimeseriesPoint | undefined>(
    (a, p) => (!a || p.creditsUsed > a.creditsUsed ? p : a),
    undefined,
  );
  const label = `Interviews and credits used per ${unit}, ${span}: ${formatNumber(interviews)} interviews, ${formatCredits(
    credits,
  )} credits${peak && peak.creditsUsed > 0 ? `; most on ${formatBucket(peak.start, unit)} (${formatCredits(peak.creditsUsed)})` : ''}.`;
  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="xs">
        <Text size="sm" c="dimmed" data-testid="chart-caption">
          Per {unit}, {span}
          {window.note ? ` (${window.note})` : ''}
        </Text>
        <Text size="sm" data-testid="chart-totals">
          {formatNumber(interviews)} interviews · {formatCredits(credits)} credits
        </Text>
      </Group>
      {interviews === 0 && credits === 0 ? (
        <Empty
          title="No interviews in this window"
          description="Nothing was conducted or charged here. Pick a longer or earlier period above."
        />
      ) : (
        <Suspense fallback={<ChartSkeleton />}>
          <UsageChart points={points} granularity={unit} label={label} />
        </Suspense>
      )}
      <DataTable
        head={[
          unit === 'day' ? 'Day' : unit === 'week' ? 'Week' : 'Month',
          'Interviews',
          'Completed',
          'Credits used',
        ]}
        rows={points.map((p) => [
          formatBucket(p.start, unit),
          formatNumber(p.interviews),
          formatNumber(p.completed),
          formatCredits(p.creditsUsed),
        ])}
      />
    </Stack>
  );
}

function YearOverYearView({ range }: { range: LocalRange }) {
  const year = Number(range.to.slice(0, 4));
  const yoy = useYearOverYear(year);
  if (yoy.isError) return <ErrorState error={yoy.error} onRetry={() => void yoy.refetch()} />;
  if (!yoy.data) return <ChartSkeleton />;
  const data: YearOverYear = yoy.data;
  const today = localDateOf(new Date());
  // The month to compare: this month when the year is the current one, else the range's last month.
  const month = today.startsWith(String(year)) ? Number(today.slice(5, 7)) : Number(range.to.slice(5, 7));
  const m = data.months[month - 1];
  const sum = (k: 'thisYear' | 'lastYear') => data.months.reduce((a, x) => a + x[k].creditsUsed, 0);
  const label = `Credits used per month in ${year} against ${year - 1}: ${formatCredits(sum('thisYear'))} against ${formatCredits(
    sum('lastYear'),
  )}.`;
  return (
    <Stack gap="xs">
      {m && (
        <Text size="sm" data-testid="yoy-compare">
          <b>
            {formatMonthName(month)} {year}:
          </b>{' '}
          {formatCredits(m.thisYear.creditsUsed)} credits, {formatNumber(m.thisYear.interviews)} interviews ·{' '}
          {formatMonthName(month)} {year - 1}: {formatCredits(m.lastYear.creditsUsed)} credits,{' '}
          {formatNumber(m.lastYear.interviews)} interviews
          {formatChange(m.thisYear.creditsUsed, m.lastYear.creditsUsed)
            ? ` (${formatChange(m.thisYear.creditsUsed, m.lastYear.creditsUsed)} credits)`
            : ''}
        </Text>
      )}
      <Suspense fallback={<ChartSkeleton />}>
        <YearOverYearChart yoy={data} label={label} />
      </Suspense>
      <DataTable
        head={[
          'Month',
          `${year} credits`,
          `${year - 1} credits`,
          `${year} interviews`,
          `${year - 1} interviews`,
        ]}
        rows={data.months.map((x) => [
          formatMonthName(x.month),
          formatCredits(x.thisYear.creditsUsed),
          formatCredits(x.lastYear.creditsUsed),
          formatNumber(x.thisYear.interviews),
          formatNumber(x.lastYear.interviews),
        ])}
      />
    </Stack>
  );
}

/** Usage by time period: daily (current month), weekly, monthly, year over year, and the forecast. */
export function UsageOverTime({
  view,
  range,
  onView,
}: {
  view: ViewKey;
  range: LocalRange | undefined;
  onView: (view: ViewKey) => void;
}) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="usage-over-time">
      <Title order={2} size="h4" id="usage-over-time" mb="xs">
        Usage over time
      </Title>
      <Tabs value={view} onChange={(v) => v && onView(v as ViewKey)} keepMounted={false}>
        <Tabs.List aria-label="Time view" mb="sm">
          {VIEWS.map((v) => (
            <Tabs.Tab key={v.value} value={v.value}>
              {v.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {VIEWS.map((v) => (
          <Tabs.Panel key={v.value} value={v.value}>
            {v.value === 'forecast' ? (
              <Suspense fallback={<ChartSkeleton />}>
                <ForecastView />
              </Suspense>
            ) : !range ? (
              <ChartSkeleton />
            ) : v.value === 'yoy' ? (
              <YearOverYearView range={range} />
            ) : (
              <SeriesView view={v.value} range={range} />
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Card>
  );
}
