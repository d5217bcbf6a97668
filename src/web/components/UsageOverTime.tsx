import { Button, Card, Collapse, Group, Skeleton, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTimeseries, useYearOverYear } from '../api/consumption';
import type { TimeseriesPoint, YearOverYear } from '../api/types';
import {
  formatBucket,
  formatChange,
  formatCredits,
  formatCreditsUnit,
  formatDate,
  formatDateRange,
  formatInterviewsUnit,
  formatNumber,
  formatPoint,
  formatYearOverYearMonth,
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

/** What a chart counts when it is not the range picked above, said in plain words beside its heading. */
function OtherRange({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" data-testid="chart-range-note">
      {children}
    </Text>
  );
}

const sumOf = (points: TimeseriesPoint[], k: 'interviews' | 'creditsUsed') =>
  points.reduce((a, p) => a + (p[k] ?? 0), 0);

function SeriesView({ view, range }: { view: Exclude<ViewKey, 'yoy' | 'forecast'>; range: LocalRange }) {
  const window = chartWindow(view, range);
  const ts = useTimeseries(window.granularity, window);
  if (ts.isError) return <ErrorState error={ts.error} onRetry={() => void ts.refetch()} />;
  if (!ts.data) return <ChartSkeleton />;
  const points: TimeseriesPoint[] = ts.data.points;
  const credits = sumOf(points, 'creditsUsed');
  const interviews = sumOf(points, 'interviews');
  const unit = window.granularity;
  const span = formatDateRange(window.from, window.to);
  // While the range runs past today: the last day counted, where the chart stops.
  const begun = points.filter((p) => p.interviews !== null);
  const last = begun[begun.length - 1];
  const through = last && begun.length < points.length ? (last.throughDay ?? last.to) : last?.throughDay;
  const soFar = through ? ` to ${formatDate(through)}` : '';
  const peak = points.reduce<TimeseriesPoint | undefined>(
    (a, p) => (!a || (p.creditsUsed ?? 0) > (a.creditsUsed ?? 0) ? p : a),
    undefined,
  );
  const label = `Interviews and credits used per ${unit}, ${span}: ${formatInterviewsUnit(interviews)}, ${formatCreditsUnit(
    credits,
  )}${soFar}${peak?.creditsUsed ? `; most in ${formatPoint(peak, unit)} (${formatCredits(peak.creditsUsed)})` : ''}.`;
  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="xs" align="flex-start">
        <div>
          <Title order={3} size="h5" data-testid="chart-caption">
            Per {unit}, {span}
          </Title>
          {window.note && (
            <OtherRange>
              Not the whole range picked above ({formatDateRange(range.from, range.to)}): {window.note}.
            </OtherRange>
          )}
        </div>
        <Text size="sm" data-testid="chart-totals">
          {formatInterviewsUnit(interviews)} · {formatCreditsUnit(credits)}
          {soFar}
        </Text>
      </Group>
      {points.every((p) => p.interviews === null) ? (
        <Empty
          title="This range has not begun"
          description="Its days are all after today. Pick an earlier period above."
        />
      ) : interviews === 0 && credits === 0 ? (
        <Empty
          title="No interviews in this range"
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
          formatPoint(p, unit),
          orNotYet(p.interviews, formatNumber),
          orNotYet(p.completed, formatNumber),
          orNotYet(p.creditsUsed, formatCredits),
        ])}
      />
    </Stack>
  );
}

/** A figure of a bucket or month that has not begun: not zero, just not yet. */
const orNotYet = (n: number | null, format: (n: number) => string) => (n === null ? 'not yet' : format(n));

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
  // Like for like: this year so far against the same months (and days) of last year.
  const begun = data.months.filter((x) => x.thisYear);
  const sum = (k: 'thisYear' | 'lastYear') => begun.reduce((a, x) => a + (x[k]?.creditsUsed ?? 0), 0);
  const whole = begun.length === 12 && !begun.some((x) => x.throughDay);
  const label = `Credits used per month in ${year} against ${year - 1}: ${formatCredits(sum('thisYear'))} against ${formatCredits(
    sum('lastYear'),
  )}${whole ? '' : ` in the same ${begun.length === 1 ? 'month' : 'months'} so far`}.`;
  const yearRange = { from: `${year}-01-01`, to: `${year}-12-31` };
  return (
    <Stack gap="xs">
      <div>
        <Title order={3} size="h5" data-testid="chart-caption">
          Per month, {year} against {year - 1}
        </Title>
        {(range.from !== yearRange.from || range.to !== yearRange.to) && (
          <OtherRange>
            Twelve months, not the range picked above ({formatDateRange(range.from, range.to)}): each month of{' '}
            {year} against the same month of {year - 1}.
          </OtherRange>
        )}
      </div>
      {m?.thisYear && m.lastYear && (
        <Text size="sm" data-testid="yoy-compare">
          <b>{monthSpan(m.thisYear, m.throughDay)}:</b> {formatCredits(m.thisYear.creditsUsed)} credits,{' '}
          {formatNumber(m.thisYear.interviews)} interviews ·{' '}
          {monthSpan(m.lastYear, m.throughDay && m.lastYear.periodEnd)}:{' '}
          {formatCredits(m.lastYear.creditsUsed)} credits, {formatNumber(m.lastYear.interviews)} interviews
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
          formatYearOverYearMonth(x),
          orNotYet(x.thisYear?.creditsUsed ?? null, formatCredits),
          orNotYet(x.lastYear?.creditsUsed ?? null, formatCredits),
          orNotYet(x.thisYear?.interviews ?? null, formatNumber),
          orNotYet(x.lastYear?.interviews ?? null, formatNumber),
        ])}
      />
    </Stack>
  );
}

/** "Dec 2026" for a whole month; "1 – 3 Dec 2026" for the days counted so far (to `through`). */
function monthSpan(m: { periodStart: string; periodEnd: string }, through: string | null) {
  return through ? formatDateRange(m.periodStart, through) : formatBucket(m.periodStart, 'month');
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
