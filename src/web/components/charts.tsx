/**
 * Every chart of the console, in one module loaded on demand (recharts is most of its weight),
 * so the login page and the first screen do not wait for it.
 */
import '@mantine/charts/styles.css';
import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import { Box } from '@mantine/core';
import type { Granularity, TimeseriesPoint, YearOverYear } from '../api/types';
import {
  formatBucket,
  formatCredits,
  formatMonthName,
  formatPoint,
  formatYearOverYearMonth,
} from '../lib/format';

/**
 * The tooltip's heading: the point's full label (a bucket in progress or cut by the range says
 * so), where the axis keeps the short one.
 */
const tooltipLabel = {
  labelFormatter: (label: unknown, payload: readonly { payload?: { tooltip?: string } }[]) =>
    payload[0]?.payload?.tooltip ?? String(label),
};

/** The Usage Trend card: credits per bucket in the range, the previous range beside it. */
export function TrendChart({
  current,
  previous,
  granularity,
  label,
}: {
  current: TimeseriesPoint[];
  previous: TimeseriesPoint[];
  granularity: Granularity;
  label: string;
}) {
  // Buckets not begun are null: the line stops at today instead of falling to zero.
  const data = current.map((p, i) => ({
    bucket: formatBucket(p.start, granularity),
    tooltip: formatPoint(p, granularity),
    current: p.creditsUsed,
    previous: previous[i]?.creditsUsed ?? null,
  }));
  return (
    <Box role="img" aria-label={label} data-testid="trend-chart">
      <LineChart
        h={110}
        data={data}
        dataKey="bucket"
        series={[
          { name: 'current', label: 'This range', color: 'indigo.6' },
          { name: 'previous', label: 'Previous range', color: 'gray.5' },
        ]}
        curveType="monotone"
        withDots={false}
        withYAxis={false}
        gridAxis="none"
        tickLine="none"
        strokeWidth={2}
        xAxisProps={{ interval: 'preserveStartEnd', minTickGap: 24, fontSize: 11 }}
        valueFormatter={formatCredits}
        lineProps={(s) => (s.name === 'previous' ? { strokeDasharray: '4 3' } : {})}
        connectNulls={false}
        tooltipProps={tooltipLabel}
        accessibilityLayer={false}
      />
    </Box>
  );
}

/** Daily, weekly or monthly usage: interviews and credits per bucket. */
export function UsageChart({
  points,
  granularity,
  label,
}: {
  points: TimeseriesPoint[];
  granularity: Granularity;
  label: string;
}) {
  // Buckets not begun are null: nothing is drawn for them, not a zero.
  const data = points.map((p) => ({
    bucket: formatBucket(p.start, granularity),
    tooltip: formatPoint(p, granularity),
    creditsUsed: p.creditsUsed,
    interviews: p.interviews,
  }));
  const series = [
    { name: 'interviews', label: 'Total interviews', color: 'teal.6' },
    { name: 'creditsUsed', label: 'Credits used', color: 'indigo.6' },
  ];
  return (
    <Box role="img" aria-label={label} data-testid="usage-chart">
      {data.length > 62 ? (
        <AreaChart
          h={300}
          data={data}
          dataKey="bucket"
          series={series}
          curveType="monotone"
          withLegend
          withDots={false}
          connectNulls={false}
          valueFormatter={formatCredits}
          tooltipProps={tooltipLabel}
          xAxisProps={{ minTickGap: 24 }}
        />
      ) : (
        <BarChart
          h={300}
          data={data}
          dataKey="bucket"
          series={series}
          withLegend
          valueFormatter={formatCredits}
          tooltipProps={tooltipLabel}
          xAxisProps={{ minTickGap: 12 }}
          maxBarWidth={28}
        />
      )}
    </Box>
  );
}

/**
 * Credits per month of a year against the same month of the year before, like for like: the
 * month in progress against the same days, no bar for months not begun.
 */
export function YearOverYearChart({ yoy, label }: { yoy: YearOverYear; label: string }) {
  const data = yoy.months.map((m) => ({
    month: formatMonthName(m.month),
    tooltip: formatYearOverYearMonth(m),
    thisYear: m.thisYear?.creditsUsed ?? null,
    lastYear: m.lastYear?.creditsUsed ?? null,
  }));
  return (
    <Box role="img" aria-label={label} data-testid="yoy-chart">
      <BarChart
        h={300}
        data={data}
        dataKey="month"
        series={[
          { name: 'lastYear', label: `${yoy.year - 1} credits`, color: 'gray.5' },
          { name: 'thisYear', label: `${yoy.year} credits`, color: 'indigo.6' },
        ]}
        withLegend
        valueFormatter={formatCredits}
        tooltipProps={tooltipLabel}
        maxBarWidth={24}
      />
    </Box>
  );
}

/** A budget's scope: credits used per day over the budget's window. */
export function DailyCreditsChart({
  points,
  label,
}: {
  points: { day: string; credits: number }[];
  label: string;
}) {
  const data = points.map((p) => ({ bucket: formatBucket(p.day, 'day'), credits: p.credits }));
  return (
    <Box role="img" aria-label={label} data-testid="budget-usage-chart">
      <BarChart
        h={180}
        data={data}
        dataKey="bucket"
        series={[{ name: 'credits', label: 'Credits used', color: 'indigo.6' }]}
        valueFormatter={formatCredits}
        xAxisProps={{ minTickGap: 12 }}
        maxBarWidth={20}
      />
    </Box>
  );
}
