import { Anchor, Badge, Card, Grid, Skeleton, Table, Title, VisuallyHidden } from '@mantine/core';
import { downloadReceipt, downloadStatement, pathOf } from '../../../shared/contract/index';
import { usePurchases, useStatements } from '../../api/credits';
import { formatCredits, formatDateRange, formatDay, formatMoney } from '../../lib/format';
import { Empty, ErrorState } from '../States';

/** Each closed billing period's statement, and the one in progress, as PDFs to download. */
function Statements() {
  const statements = useStatements();
  if (statements.isError && !statements.data) {
    return <ErrorState error={statements.error} onRetry={() => void statements.refetch()} />;
  }
  if (!statements.data) return <Skeleton h={120} />;
  const items = statements.data.items;
  if (items.length === 0) {
    return <Empty title="No statements yet" description="The first billing period has not opened." />;
  }
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table striped fz="sm" aria-label="Statements" data-testid="statements-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Period</Table.Th>
            <Table.Th ta="right">Closing balance</Table.Th>
            <Table.Th>Statement</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((s) => (
            <Table.Tr key={s.periodStart}>
              <Table.Td>
                {/* The range stays whole; the badge goes under it when the row is narrow (390 px). */}
                <span style={{ whiteSpace: 'nowrap' }}>{formatDateRange(s.periodStart, s.periodEnd)}</span>{' '}
                {s.closed ? null : (
                  <Badge variant="light" size="sm">
                    in progress
                  </Badge>
                )}
              </Table.Td>
              <Table.Td ta="right">{formatCredits(s.closingBalance)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor href={pathOf(downloadStatement, { periodStart: s.periodStart })} download>
                  Download PDF
                  <VisuallyHidden>
                    {' '}
                    of the statement for {formatDateRange(s.periodStart, s.periodEnd)}
                  </VisuallyHidden>
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Every purchase of credits with its receipt to download. */
function Receipts() {
  const purchases = usePurchases();
  if (purchases.isError && !purchases.data) {
    return <ErrorState error={purchases.error} onRetry={() => void purchases.refetch()} />;
  }
  if (!purchases.data) return <Skeleton h={120} />;
  const items = purchases.data.items;
  if (items.length === 0) {
    return (
      <Empty title="No purchases yet" description="Credits bought above are listed here with a receipt." />
    );
  }
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped fz="sm" aria-label="Purchases" data-testid="purchases-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th ta="right">Credits</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
            <Table.Th>Bought by</Table.Th>
            <Table.Th>Receipt</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((p) => (
            <Table.Tr key={p.purchaseId}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(p.createdAt)}</Table.Td>
              <Table.Td ta="right">{formatCredits(p.credits)}</Table.Td>
              <Table.Td ta="right">{formatMoney(p.totalCents, p.currency)}</Table.Td>
              <Table.Td>{p.actorName}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor href={pathOf(downloadReceipt, { purchaseId: p.purchaseId })} download>
                  Download PDF
                  <VisuallyHidden>
                    {' '}
                    of the receipt for {formatCredits(p.credits)} credits on {formatDay(p.createdAt)}
                  </VisuallyHidden>
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Plan & credits: statements beside purchases and their receipts. */
export function StatementsCard() {
  return (
    <Grid>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Card withBorder padding="md" component="section" aria-labelledby="statements-title" h="100%">
          <Title order={2} size="h4" id="statements-title" mb="sm">
            Statements
          </Title>
          <Statements />
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Card withBorder padding="md" component="section" aria-labelledby="purchases-title" h="100%">
          <Title order={2} size="h4" id="purchases-title" mb="sm">
            Purchases and receipts
          </Title>
          <Receipts />
        </Card>
      </Grid.Col>
    </Grid>
  );
}
