import {
  Badge,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import {
  INTERVIEW_FILTERS,
  type InterviewFilter,
  ROW_FIGURES,
  type RowFigure,
  type OpeningStatus as Status,
} from '../../shared/contract/index';
import { type RangeParams, useOpeningInterviews, useSetOpeningStatus } from '../api/consumption';
import type { InterviewRow, OpeningInterviews } from '../api/types';
import { ROW_FIGURE_LABELS, ROW_FIGURE_TAGS } from '../lib/figures';
import {
  formatCredits,
  formatCreditsUnit,
  formatDateRange,
  formatDateTime,
  formatLabel,
  formatNumber,
  formatPercent,
} from '../lib/format';
import { useUsageFilter } from '../lib/usageFilter';
import { MetricLabel } from './Metric';
import { OpeningStatusButton } from './OpeningStatusButton';
import { Pager } from './Pager';
import { Empty, ErrorState, errorMessage } from './States';

const STATE_COLORS: Record<string, string> = {
  completed: 'teal',
  partially_completed: 'yellow',
  started: 'blue',
  invited: 'gray',
  expired: 'red',
  cancelled: 'red',
  simulation: 'grape',
};

/** The rule that charged an interview, in words, with its version. */
function ruleText(i: InterviewRow): string {
  if (!i.rule || i.rule === 'not_charged') {
    return i.state === 'started' || i.state === 'invited' ? 'Not charged (yet)' : 'Not charged';
  }
  const name =
    i.rule === 'partial' ? `Partial (${formatPercent(i.completion)} answered)` : formatLabel(i.rule);
  return i.ruleVersion ? `${name}, v${i.ruleVersion}` : name;
}

/** The opening's status, and the button that closes or reopens it. */
function OpeningStatus({
  openingId,
  jobTitle,
  status,
}: {
  openingId: string;
  jobTitle: string;
  status: Status;
}) {
  const change = useSetOpeningStatus();
  return (
    <Group gap={6}>
      <Badge color={status === 'open' ? 'teal' : 'gray'} variant="light" data-testid="opening-status">
        {status === 'open' ? 'Open' : 'Closed'}
      </Badge>
      <OpeningStatusButton
        jobTitle={jobTitle}
        status={status}
        loading={change.isPending}
        onChange={(next) => change.mutate({ openingId, status: next })}
      />
      {change.isError && (
        <Text size="xs" c="red" role="alert">
          {errorMessage(change.error)}
        </Text>
      )}
    </Group>
  );
}

/** The figure picker's choices: every interview counted, or one figure's. */
const SHOW_CHOICES = [
  { value: 'all', label: 'Every interview' },
  ...ROW_FIGURES.map((f) => ({ value: f, label: ROW_FIGURE_LABELS[f] })),
];

/** The opening's row for the range, with the openings table's labels and definitions. */
function Totals({ totals, jobTitle }: { totals: OpeningInterviews['totals']; jobTitle: string }) {
  return (
    <SimpleGrid
      cols={{ base: 2, xs: 5 }}
      spacing="xs"
      data-testid="drawer-totals"
      role="group"
      aria-label={`Totals of ${jobTitle} in the range`}
    >
      {ROW_FIGURES.map((f) => (
        <Paper key={f} withBorder px="sm" py={4} data-figure={f}>
          <Text size="xs" component="div">
            <MetricLabel metric={f}>{ROW_FIGURE_LABELS[f]}</MetricLabel>
          </Text>
          <Text fw={700} style={{ fontVariantNumeric: 'tabular-nums' }} data-total>
            {f === 'creditsUsed' ? formatCredits(totals[f]) : formatNumber(totals[f])}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/**
 * An opening's row of usage by opening, itemised: the totals, and the interviews counted in them
 * for the range (docs/product.md, The opening drawer) with state, times, credits and rule.
 */
export function OpeningDrawer({
  openingId,
  range,
  onClose,
}: {
  openingId: string | undefined;
  range: RangeParams | undefined;
  onClose: () => void;
}) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<InterviewFilter | null>(null);
  const [countedIn, setCountedIn] = useState<RowFigure | null>(null);
  const narrow = useMediaQuery('(max-width: 48em)');
  // The drawer lists every interview of the opening: the page's filters do not reach it.
  const filtered = Object.keys(useUsageFilter()).length > 0;
  // Another opening starts on its first page with every interview.
  const [shownFor, setShownFor] = useState(openingId);
  if (shownFor !== openingId) {
    setShownFor(openingId);
    setPage(1);
    setStatus(null);
    setCountedIn(null);
  }
  const interviews = useOpeningInterviews(openingId, range, page, {
    status: status ?? undefined,
    countedIn: countedIn ?? undefined,
  });
  const data = interviews.data?.openingId === openingId ? interviews.data : undefined;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const show = (v: string | null) => {
    // One of SHOW_CHOICES: 'all' or a figure.
    setCountedIn(v === null || v === 'all' ? null : (v as RowFigure));
    setPage(1);
  };

  return (
    <Drawer
      opened={openingId !== undefined}
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 1040}
      title={
        <Stack gap={0}>
          <Group gap="xs">
            <Text fw={700} size="lg" data-testid="drawer-title">
              {data?.jobTitle ?? 'Interviews'}
            </Text>
            {data && (
              <OpeningStatus
                openingId={data.openingId}
                jobTitle={data.jobTitle}
                status={data.openingStatus}
              />
            )}
          </Group>
          {data && (
            <Text size="sm" c="dimmed">
              {formatDateRange(data.periodStart, data.periodEnd)} · every interview invited, finished or
              charged in the range{filtered ? ', whatever the page’s filters' : ''}
            </Text>
          )}
        </Stack>
      }
      closeButtonProps={{ 'aria-label': 'Close the interviews' }}
    >
      <Stack>
        {data && <Totals totals={data.totals} jobTitle={data.jobTitle} />}
        <Group gap="sm" align="flex-end">
          {narrow ? (
            <Select
              label="Show"
              data-testid="counted-in-filter"
              data={SHOW_CHOICES}
              value={countedIn ?? 'all'}
              onChange={show}
              allowDeselect={false}
              w="100%"
              comboboxProps={{ withinPortal: true }}
            />
          ) : (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="counted-in-label">
                Show
              </Text>
              <SegmentedControl
                aria-labelledby="counted-in-label"
                data-testid="counted-in-filter"
                data={SHOW_CHOICES}
                value={countedIn ?? 'all'}
                onChange={show}
                size="xs"
              />
            </Stack>
          )}
          <Select
            label="State"
            placeholder="All states"
            data-testid="interview-state-filter"
            data={INTERVIEW_FILTERS.map((s) => ({ value: s, label: formatLabel(s) }))}
            value={status}
            onChange={(v) => {
              // One of the options, which are the filters.
              setStatus(v as InterviewFilter | null);
              setPage(1);
            }}
            clearable
            w={narrow ? '100%' : 200}
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        {interviews.isError ? (
          <ErrorState error={interviews.error} onRetry={() => void interviews.refetch()} />
        ) : !data ? (
          <Stack gap="xs" aria-busy="true">
            {Array.from({ length: 6 }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
              <Skeleton key={i} h={28} />
            ))}
          </Stack>
        ) : data.items.length === 0 ? (
          <Empty
            title="No interviews here"
            description={
              status || countedIn
                ? 'No interview of this opening matches these filters in the range. Show every interview, or clear the state.'
                : 'No interview of this opening was invited, finished or charged in the range. Pick another period on the page.'
            }
          />
        ) : (
          <>
            <Text size="sm" c="dimmed" data-testid="interviews-count">
              {formatNumber(data.total)} {data.total === 1 ? 'interview' : 'interviews'}
              {countedIn ? ` counted in ${ROW_FIGURE_LABELS[countedIn]}` : ''}
            </Text>
            <Table.ScrollContainer minWidth={960}>
              <Table
                striped
                verticalSpacing="xs"
                fz="sm"
                aria-label={`Interviews of ${data.jobTitle}`}
                data-testid="interviews-table"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Candidate</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Invited</Table.Th>
                    <Table.Th>Finished</Table.Th>
                    <Table.Th>Counted in</Table.Th>
                    {/* May take two lines, as "Counted in" does, so the table fits the drawer with its chips whole. */}
                    <Table.Th ta="right">Credits in range</Table.Th>
                    <Table.Th miw={170}>Charge and rule</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((i) => (
                    <Table.Tr key={i.interviewId}>
                      <Table.Td>
                        <Text
                          size="sm"
                          ff="monospace"
                          truncate
                          maw={150}
                          title={i.candidateId ?? i.interviewId}
                        >
                          {i.candidateId ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Badge
                          variant="light"
                          color={STATE_COLORS[i.state] ?? 'gray'}
                          size="sm"
                          tt="none"
                          style={{ minWidth: 'max-content' }}
                        >
                          {formatLabel(i.state)}
                        </Badge>
                        {i.reversedAt && (
                          <Text size="xs" c="dimmed" title={i.reversalReason ?? undefined}>
                            Reversed {formatDateTime(i.reversedAt)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(i.invitedAt)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(i.finishedAt)}</Table.Td>
                      <Table.Td>
                        {/* Chips wrap onto lines of their own rather than being cut ("Compl…"). */}
                        <Group gap={4} data-testid="counted-in">
                          {i.countedIn.map((f) => (
                            <Badge
                              key={f}
                              size="sm"
                              variant="outline"
                              color="gray.7"
                              tt="none"
                              title={ROW_FIGURE_LABELS[f]}
                              data-figure={f}
                              style={{
                                flex: 'none',
                                minWidth: 'max-content',
                                maxWidth: 'none',
                                overflow: 'visible',
                              }}
                            >
                              {ROW_FIGURE_TAGS[f]}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {formatCredits(i.creditsInRange)}
                      </Table.Td>
                      <Table.Td miw={170}>
                        {formatCreditsUnit(i.credits)}
                        <Text size="xs" c="gray.7">
                          {ruleText(i)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {pages > 1 && (
              <Group justify="flex-end">
                <Pager total={pages} value={page} onChange={setPage} size="sm" aria-label="Interview pages" />
              </Group>
            )}
          </>
        )}
      </Stack>
    </Drawer>
  );
}
