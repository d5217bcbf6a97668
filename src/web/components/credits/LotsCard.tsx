import { Card, Table, Title } from '@mantine/core';
import type { Balance } from '../../api/types';
import { formatCredits, formatDateTime, formatDay, formatLabel } from '../../lib/format';
import { Empty } from '../States';

/** The lots with credits left, in the order consumption draws from them. */
export function LotsCard({ balance }: { balance: Balance }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="lots-title" h="100%">
      <Title order={2} size="h4" id="lots-title" mb="sm">
        Current credit lots
      </Title>
      {balance.lots.length === 0 ? (
        <Empty
          title="No credits available"
          description="Every lot is used or expired. Buy credits above to keep interviewing."
        />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped fz="sm" aria-label="Current credit lots" data-testid="lots-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Source</Table.Th>
                <Table.Th ta="right">Granted</Table.Th>
                <Table.Th ta="right">Remaining</Table.Th>
                <Table.Th>Since</Table.Th>
                <Table.Th>Expires</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {balance.lots.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>{formatLabel(l.kind)}</Table.Td>
                  <Table.Td ta="right">{formatCredits(l.amount)}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {formatCredits(l.remaining)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(l.grantedAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {l.expiresAt ? formatDateTime(l.expiresAt) : 'Never'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
