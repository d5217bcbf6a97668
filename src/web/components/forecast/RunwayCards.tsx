import { Card, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Forecast } from '../../api/forecast';
import { formatCredits, formatDate, formatDateRange, formatNumber, formatPercent } from '../../lib/format';
import { BAND } from './band';

const NEXT_MONTHS = 3;
const BUFFER = 0.2;

function FigureCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Card withBorder padding="md" data-testid={testId} component="section">
      <Text size="sm" c="dimmed" fw={600} component="h3" m={0}>
        {title}
      </Text>
      <Stack gap={4} mt={6}>
        {children}
      </Stack>
    </Card>
  );
}

function Big({ children, testId, color }: { children: ReactNode; testId: string; color?: string }) {
  return (
    <Text
      fz={24}
      fw={700}
      lh={1.15}
      c={color}
      data-testid={testId}
      style={{ fontVariantNumeric: 'tabular-nums' }}
    >
      {children}
    </Text>
  );
}

/** The runway, the end of the billing period, and the next months with the buffer. */
export function RunwayCards({ forecast }: { forecast: Forecast }) {
  const { runway, endOfPeriod: period } = forecast;
  const next = forecast.months.slice(1, 1 + NEXT_MONTHS);
  const sum = (k: 'credits' | 'lower' | 'upper') => next.reduce((a, m) => a + m[k], 0);
  const share = period.allotment > 0 ? Math.min(100, (100 * period.projected) / period.allotment) : 0;
  const over = period.allotment > 0 && period.projected > period.allotment;
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
      <FigureCard title="Balance runs out" testId="card-runway">
        <Big testId="runway-date" color={runway.date ? 'orange.8' : 'teal.8'}>
          {runway.date ? formatDate(runway.date) : 'Not within 12 months'}
        </Big>
        <Text size="xs" c="dimmed" data-testid="runway-band">
          {runway.date
            ? `${BAND}: ${formatDate(runway.early ?? runway.date)} to ${runway.late ? formatDate(runway.late) : 'after 12 months'}`
            : runway.early
              ? `At the band’s high pace: ${formatDate(runway.early)}`
              : 'Not even at the band’s high pace'}
        </Text>
        <Text size="xs" c="dimmed">
          From {formatCredits(runway.balance)} credits now, with each period’s grant and rollover, expiring
          lots, and {formatNumber(runway.openInvitations)} open invitations (≈{' '}
          {formatCredits(runway.expectedFromInvitations)} credits).
        </Text>
      </FigureCard>
      <FigureCard
        title={`End of period (${formatDateRange(period.periodStart, period.periodEnd)})`}
        testId="card-end-of-period"
      >
        <Big testId="period-projected" color={over ? 'orange.8' : undefined}>
          {formatCredits(Math.round(period.projected))}{' '}
          <Text span fz="sm" c="dimmed" fw={500}>
            of {formatCredits(period.allotment)} allotted
          </Text>
        </Big>
        <Progress
          value={share}
          color={over ? 'orange' : 'indigo'}
          size="sm"
          aria-label="Projected use of the allotment"
        />
        <Text size="xs" c="dimmed">
          {formatCredits(period.usedSoFar)} used so far · {BAND} {formatCredits(Math.round(period.lower))}–
          {formatCredits(Math.round(period.upper))}
        </Text>
        <Text size="xs" c="dimmed" data-testid="period-expiring">
          At this pace {formatCredits(period.expiringUnused)} credits expire unused
          {period.rollingOver > 0 ? ` and ${formatCredits(period.rollingOver)} roll over` : ''}.
        </Text>
      </FigureCard>
      <FigureCard title={`Next ${NEXT_MONTHS} months`} testId="card-next-months">
        <Big testId="next-months-credits">{formatCredits(Math.round(sum('credits')))} credits</Big>
        <Text size="xs" c="dimmed">
          {BAND} {formatCredits(Math.round(sum('lower')))}–{formatCredits(Math.round(sum('upper')))}
        </Text>
        <Text size="xs" c="dimmed" data-testid="next-months-buffer">
          With the recommended +{formatPercent(BUFFER)} buffer:{' '}
          {formatCredits(Math.ceil(sum('credits') * (1 + BUFFER)))} credits
        </Text>
      </FigureCard>
    </SimpleGrid>
  );
}
