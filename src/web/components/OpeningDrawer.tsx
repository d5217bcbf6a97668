import { Badge, Drawer, Group, Pagination, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import {
  INTERVIEW_FILTERS,
  type InterviewFilter,
  type OpeningStatus as Status,
} from '../../shared/contract/index';
import { type RangeParams, useOpeningInterviews, useSetOpeningStatus } from '../api/consumption';
import type { InterviewRow } from '../api/types';
import {
  formatCredits,
  formatDateRange,
  formatDateTime,
  formatLabel,
  formatNumber,
  formatPercent,
} from '../lib/format';
import { OpeningStatusButton } from './OpeningStatusButton';
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

/** An opening's interviews in the range: state, times, credits and the rule that charged each. */
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
  const narrow = useMediaQuery('(max-width: 48em)');
  // Another opening starts on its first page with every state.
  const [shownFor, setShownFor] = useState(openingId);
  if (shownFor !== openingId) {
    setShownFor(openingId);
    setPage(1);
    setStatus(null);
  }
  const interviews = useOpeningInterviews(openingId, range, page, status ?? undefined);
  const data = interviews.data?.openingId === openingId ? interviews.data : undefined;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <Drawer
      opened={openingId !== undefined}
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 880}
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
              Interviews invited {formatDateRange(data.periodStart, data.periodEnd)} ·{' '}
              {formatNumber(data.total)} in all
            </Text>
          )}
        </Stack>
      }
      closeButtonProps={{ 'aria-label': 'Close the interviews' }}
    >
      <Stack>
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
          w={220}
          comboboxProps={{ withinPortal: true }}
        />
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
              status
                ? 'No interview of this opening is in that state in the range. Clear the state filter.'
                : 'This opening had no invitations in the range. Pick another period on the page.'
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={720}>
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
                    <Table.Th ta="right">Credits</Table.Th>
                    <Table.Th miw={150}>Rule</Table.Th>
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
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {formatCredits(i.credits)}
                      </Table.Td>
                      <Table.Td miw={150}>{ruleText(i)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {pages > 1 && (
              <Group justify="flex-end">
                <Pagination
                  total={pages}
                  value={page}
                  onChange={setPage}
                  size="sm"
                  aria-label="Interview pages"
                />
              </Group>
            )}
          </>
        )}
      </Stack>
    </Drawer>
  );
}
