import { Badge, Button, Collapse, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  type Backtest,
  type Candidate,
  type Forecast,
  type ModelName,
  useForecast,
} from '../../api/forecast';
import { formatBucket, formatCredits, formatPercent } from '../../lib/format';
import { ErrorState } from '../States';
import { BAND } from './band';
import ForecastChart from './ForecastChart';
import { Planner } from './Planner';
import { RunwayCards } from './RunwayCards';

const MODEL_LABELS: Record<ModelName, string> = {
  'holt-winters': 'Holt-Winters (seasonal)',
  holt: 'Holt (trend)',
  'seasonal-naive': 'Same month last year',
  naive: 'Same as last month',
  'recent-rate': 'Recent daily rate',
  none: 'No projection',
};

/** The backtest's candidates in a few words ('holt-winters-log-damped' → 'Holt-Winters, log scale, damped trend'). */
function candidateLabel(name: string): string {
  const fixed: Record<string, string> = {
    naive: 'Same as last month',
    'seasonal-naive': 'Same month last year',
    'recent-rate': 'Recent daily rate',
    holt: 'Holt, linear trend',
    'holt-damped': 'Holt, damped trend',
  };
  const known = fixed[name];
  if (known) return known;
  const season = name.includes('-log')
    ? 'log scale'
    : name.includes('multiplicative')
      ? 'multiplicative'
      : 'additive';
  return `Holt-Winters, ${season}, ${name.endsWith('-damped') ? 'damped' : 'linear'} trend`;
}

const month = (m: string) => formatBucket(`${m}-01`, 'month');
const pct = (x: number | null) => (x === null ? 'n/a' : formatPercent(x / 100));

/** The backtest in one line: how far the served model was off on the held-out months, beside the naive guesses. */
function BacktestLine({ backtest }: { backtest: Backtest | null }) {
  if (!backtest) {
    return (
      <Text size="sm" c="dimmed" data-testid="backtest-line">
        Backtest: not yet — it needs a year of complete months (six to fit on, six to check against).
      </Text>
    );
  }
  const b = backtest;
  return (
    <Text size="sm" data-testid="backtest-line">
      <b>Backtest</b> (from {b.origins} starting point{b.origins === 1 ? '' : 's'}, 1–{b.horizonMonths} months
      ahead, over the last {b.heldOutMonths} complete months): off by{' '}
      <b data-testid="backtest-mape">{pct(b.mape)}</b> ({formatCredits(b.errorCredits)} credits a month) ·
      “same as last month” {pct(b.naiveLastMonthMape)} ({formatCredits(b.naiveLastMonthErrorCredits)}) · “same
      month last year” {pct(b.naiveLastYearMape)}
      {b.naiveLastYearErrorCredits === null ? '' : ` (${formatCredits(b.naiveLastYearErrorCredits)})`} · the{' '}
      {BAND} held {formatPercent(b.band.coverage)} of those months
    </Text>
  );
}

function CandidatesTable({ candidates }: { candidates: Candidate[] }) {
  return (
    <Table striped fz="sm" mt="sm" data-testid="candidates-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Model compared in the backtest</Table.Th>
          <Table.Th ta="right">MAPE</Table.Th>
          <Table.Th ta="right">Credits off a month</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {candidates.map((c) => (
          <Table.Tr key={c.name} fw={c.served ? 700 : undefined}>
            <Table.Td>
              {candidateLabel(c.name)}
              {c.served ? ' (served)' : ''}
            </Table.Td>
            <Table.Td ta="right">{pct(c.backtestMape)}</Table.Td>
            <Table.Td ta="right">{formatCredits(c.backtestErrorCredits)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function NumbersTable({ forecast }: { forecast: Forecast }) {
  const [opened, { toggle }] = useDisclosure(false);
  const b = forecast.backtest;
  return (
    <div>
      <Button variant="subtle" size="compact-sm" onClick={toggle} aria-expanded={opened}>
        {opened ? 'Hide the numbers' : 'Show the numbers'}
      </Button>
      <Collapse expanded={opened}>
        <Table.ScrollContainer minWidth={360} mah={360}>
          <Table striped fz="sm" stickyHeader data-testid="forecast-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Month</Table.Th>
                <Table.Th ta="right">Projected</Table.Th>
                <Table.Th ta="right">{BAND}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {forecast.months.map((m, i) => (
                <Table.Tr key={m.month}>
                  <Table.Td>
                    {month(m.month)}
                    {i === 0 ? ` (${formatCredits(forecast.currentMonthSoFar)} so far)` : ''}
                  </Table.Td>
                  <Table.Td ta="right">{formatCredits(m.credits)}</Table.Td>
                  <Table.Td ta="right">
                    {formatCredits(m.lower)} – {formatCredits(m.upper)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {b && (
            <Table striped fz="sm" mt="sm" data-testid="backtest-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Held-out month (latest starting point)</Table.Th>
                  <Table.Th ta="right">Actual</Table.Th>
                  <Table.Th ta="right">Model</Table.Th>
                  <Table.Th ta="right">Same as last month</Table.Th>
                  <Table.Th ta="right">Same month last year</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {b.points.map((p) => (
                  <Table.Tr key={p.month}>
                    <Table.Td>{month(p.month)}</Table.Td>
                    <Table.Td ta="right">{formatCredits(p.actual)}</Table.Td>
                    <Table.Td ta="right">{formatCredits(p.forecast)}</Table.Td>
                    <Table.Td ta="right">{formatCredits(p.naiveLastMonth)}</Table.Td>
                    <Table.Td ta="right">
                      {p.naiveLastYear === null ? '—' : formatCredits(p.naiveLastYear)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {forecast.model.candidates.length > 0 && <CandidatesTable candidates={forecast.model.candidates} />}
        </Table.ScrollContainer>
      </Collapse>
    </div>
  );
}

/** The Forecast view: projection with its band, backtest, runway, end of period and the planner. */
export default function ForecastView() {
  const forecast = useForecast();
  if (forecast.isError) return <ErrorState error={forecast.error} onRetry={() => void forecast.refetch()} />;
  if (!forecast.data) return <Skeleton h={320} role="status" aria-label="Loading the forecast" />;
  const f = forecast.data;
  const next = f.months[1];
  const aria = `Credits used per month and the projection for the next ${f.months.length} months with an ${BAND}${
    next
      ? `; ${month(next.month)}: ${formatCredits(next.credits)} (${formatCredits(next.lower)} to ${formatCredits(next.upper)})`
      : ''
  }.`;
  return (
    <Stack gap="sm" data-testid="forecast-view">
      <Group gap="xs" align="flex-start">
        <Tooltip
          label={f.model.band}
          multiline
          w={300}
          withArrow
          events={{ hover: true, focus: true, touch: true }}
        >
          <Badge
            variant="light"
            color="indigo"
            data-testid="forecast-model"
            style={{ flexShrink: 0 }}
            tabIndex={0}
          >
            {MODEL_LABELS[f.model.name]}
          </Badge>
        </Tooltip>
        <Text size="sm" c="dimmed" data-testid="forecast-reason">
          {f.model.reason}
        </Text>
      </Group>
      <ForecastChart forecast={f} aria={aria} />
      <BacktestLine backtest={f.backtest} />
      <RunwayCards forecast={f} />
      <Planner observedCompletion={f.completionRate} />
      <NumbersTable forecast={f} />
    </Stack>
  );
}
