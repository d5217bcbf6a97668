import { Button, Card, Group, Table, Text, Title } from '@mantine/core';
import { useLedger } from '../../api/credits';
import type { LedgerEntry } from '../../api/types';
import { formatCredits, formatDateTime, formatLabel } from '../../lib/format';
import { Empty, QueryStates } from '../States';

function entryDetail(e: LedgerEntry): string {
  const parts = [
    e.interviewId ? `Interview ${e.interviewId}` : undefined,
    e.rule ? `rule ${formatLabel(e.rule)}${e.ruleVersion ? ` v${e.ruleVersion}` : ''}` : undefined,
    e.reason ?? undefined,
    e.reference ?? undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : '—';
}

/** The ledger's entries, newest first, a page at a time. */
export function LedgerCard() {
  const ledger = useLedger(25);
  const entries = ledger.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="ledger-title">
      <Title order={2} size="h4" id="ledger-title" mb={4}>
        Ledger history
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Every credit in and out, newest first. Entries are never edited; corrections are new entries.
      </Text>
      <QueryStates
        query={ledger}
        placeholders={6}
        rowHeight={26}
        isEmpty={entries.length === 0}
        empty={
          <Empty
            title="No ledger entries yet"
            description="Grants, charges and purchases appear here as they happen."
          />
        }
      >
        {ledger.data && (
          <>
            <Table.ScrollContainer minWidth={720}>
              <Table striped fz="sm" aria-label="Ledger history" data-testid="ledger-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Entry</Table.Th>
                    <Table.Th ta="right">Credits</Table.Th>
                    <Table.Th>What for</Table.Th>
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
                        <Text size="sm" lineClamp={2}>
                          {entryDetail(e)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate maw={180}>
                          {e.actor}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between" mt="sm">
              <Text size="sm" c="dimmed">
                {entries.length} entries shown
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
