import { Button, Card, Group, MultiSelect, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { LEDGER_KINDS, type LedgerKind } from '../../../shared/contract/index';
import { useLedger } from '../../api/credits';
import { formatCredits, formatDateTime, formatLabel, formatNumber } from '../../lib/format';
import { entryDetail } from '../../lib/ledger';
import { Empty, QueryStates } from '../States';

const KIND_OPTIONS = LEDGER_KINDS.map((k) => ({ value: k, label: formatLabel(k) }));

/** The ledger's entries, newest first by when they took effect, a page at a time, of the kinds picked. */
export function LedgerCard() {
  const [kinds, setKinds] = useState<LedgerKind[]>([]);
  const ledger = useLedger(25, kinds);
  const entries = ledger.data?.pages.flatMap((p) => p.entries) ?? [];
  const total = ledger.data?.pages[0]?.total ?? 0;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="ledger-title">
      <Title order={2} size="h4" id="ledger-title" mb={4}>
        Ledger history
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Every credit in and out, newest first by when it took effect. Entries are never edited; corrections
        are new entries.
      </Text>
      <MultiSelect
        label="Kinds of entry"
        placeholder={kinds.length === 0 ? 'All kinds' : undefined}
        data={KIND_OPTIONS}
        value={kinds}
        onChange={(v) => setKinds(v as LedgerKind[])}
        clearable
        maw={520}
        mb="sm"
        data-testid="ledger-kinds"
      />
      <QueryStates
        query={ledger}
        placeholders={6}
        rowHeight={26}
        isEmpty={entries.length === 0}
        empty={
          kinds.length > 0 ? (
            <Empty title="No entries of these kinds" description="Pick other kinds, or clear the filter." />
          ) : (
            <Empty
              title="No ledger entries yet"
              description="Grants, charges and purchases appear here as they happen."
            />
          )
        }
      >
        {ledger.data && (
          <>
            <Table.ScrollContainer minWidth={980}>
              <Table striped fz="sm" aria-label="Ledger history" data-testid="ledger-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Entry</Table.Th>
                    <Table.Th ta="right">Credits</Table.Th>
                    <Table.Th>Job title</Table.Th>
                    <Table.Th>Candidate</Table.Th>
                    <Table.Th>Details</Table.Th>
                    <Table.Th>By</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {entries.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.effectiveAt)}</Table.Td>
                      <Table.Td>{formatLabel(e.kind)}</Table.Td>
                      <Table.Td
                        ta="right"
                        c={e.credits < 0 ? 'red.8' : 'teal.8'}
                        style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
                      >
                        {e.credits > 0 ? '+' : ''}
                        {formatCredits(e.credits)}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2} data-testid="ledger-job-title">
                          {e.jobTitle ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.candidateId ?? '—'}</Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2}>
                          {entryDetail(e)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2} maw={240} title={e.actor} data-testid="ledger-actor">
                          {e.actorName}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between" mt="sm">
              <Text size="sm" c="dimmed" data-testid="ledger-count">
                {formatNumber(entries.length)} of {formatNumber(total)} {total === 1 ? 'entry' : 'entries'}
              </Text>
              {ledger.hasNextPage && (
                <Button
                  variant="light"
                  onClick={() => void ledger.fetchNextPage()}
                  loading={ledger.isFetchingNextPage}
                >
                  Show older entries
                </Button>
              )}
            </Group>
          </>
        )}
      </QueryStates>
    </Card>
  );
}
