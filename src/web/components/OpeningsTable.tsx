import {
  Anchor,
  Badge,
  Button,
  Card,
  CloseButton,
  Group,
  Select,
  Skeleton,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { type ReactNode, useEffect, useState } from 'react';
import { useBudgets } from '../api/budgets';
import { type RangeParams, useOpenings } from '../api/consumption';
import type { OpeningRow, OpeningSort } from '../api/types';
import type { ConsumptionState } from '../lib/consumptionState';
import { PAGE_SIZES } from '../lib/consumptionState';
import { totalShare } from '../lib/figures';
import { formatNumber } from '../lib/format';
import { ExpandableRow, MoreFiguresHead, NarrowHint, useExpandedRows } from './ExpandableRow';
import { COLUMNS, ColumnLabel, cellClass, type Figures, figure } from './FigureColumns';
import { SearchIcon, SortIcon } from './icons';
import { DefinitionHint } from './Metric';
import { OpeningBudget } from './OpeningBudget';
import classes from './OpeningsTable.module.css';
import { Pager } from './Pager';
import { Empty, ErrorState } from './States';

const figuresId = (openingId: string) => `opening-figures-${openingId || 'total'}`;

/**
 * Usage by opening: sort by a header, search, pages, a totals row; a row opens its interviews.
 * `switcher` (the "Usage by" choice) goes beside the title.
 */
export function OpeningsTable({
  state,
  range,
  switcher,
}: {
  state: ConsumptionState;
  range: RangeParams | undefined;
  switcher?: ReactNode;
}) {
  const { sort, order, q, page, size, set } = state;
  const openings = useOpenings(range && { ...range, q: q || undefined, sort, order, page, pageSize: size });
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const applySearch = useDebouncedCallback(
    (value: string) => set({ q: value.trim() || null, page: null }),
    300,
  );

  const sortBy = (key: OpeningSort) => {
    const nextOrder =
      key === sort ? (order === 'desc' ? 'asc' : 'desc') : key === 'jobTitle' ? 'asc' : 'desc';
    set({
      sort: key === 'creditsUsed' ? null : key,
      order: nextOrder === 'desc' ? null : nextOrder,
      page: null,
    });
  };
  const open = (row: OpeningRow) => set({ opening: row.openingId }, { push: true });
  // Keyed by opening id; the totals row is ''.
  const expanded = useExpandedRows();

  // The openings' budgets, read once for the table (the list of budgets is short).
  const budgets = useBudgets();
  const budgetOf = new Map(
    (budgets.data?.items ?? []).filter((b) => b.scope.kind === 'opening').map((b) => [b.scope.value, b]),
  );
  const data = openings.data;
  const totals: Figures | undefined = data && { ...data.totals, share: totalShare(data.totals.creditsUsed) };
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby="usage-by-opening"
      className={classes.card}
    >
      <Group justify="space-between" mb="sm" gap="sm">
        <Group gap="sm">
          <Title order={2} size="h4" id="usage-by-opening">
            Usage by opening
          </Title>
          {switcher}
        </Group>
        <TextInput
          aria-label="Search openings by job title or id"
          placeholder="Search job title"
          leftSection={<SearchIcon size={16} />}
          rightSection={
            search ? (
              <CloseButton
                size="sm"
                aria-label="Clear search"
                onClick={() => {
                  setSearch('');
                  set({ q: null, page: null });
                }}
              />
            ) : null
          }
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            applySearch(e.currentTarget.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ q: search.trim() || null, page: null });
          }}
          w={{ base: '100%', xs: 280 }}
          data-testid="openings-search"
        />
      </Group>

      {openings.isError && !data ? (
        <ErrorState
          error={openings.error}
          onRetry={() => void openings.refetch()}
          title="Usage by opening could not be loaded"
        />
      ) : (
        <>
          <NarrowHint />
          <Table.ScrollContainer minWidth={0}>
            <Table
              highlightOnHover
              verticalSpacing="xs"
              aria-label="Usage by opening"
              aria-busy={openings.isFetching || undefined}
              data-testid="openings-table"
              className={classes.table}
              style={{ opacity: openings.isPlaceholderData ? 0.6 : 1 }}
            >
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((c) => {
                    const sortable = c.key !== 'share';
                    const active = sortable && c.key === sort;
                    return (
                      <Table.Th
                        key={c.key}
                        ta={c.numeric ? 'right' : 'left'}
                        aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
                        className={cellClass(c)}
                        style={{ verticalAlign: 'bottom' }}
                      >
                        <Group
                          gap={2}
                          justify={c.numeric ? 'flex-end' : 'flex-start'}
                          wrap="nowrap"
                          className={classes.head}
                        >
                          {sortable ? (
                            <UnstyledButton
                              onClick={() => sortBy(c.key as OpeningSort)}
                              aria-label={`Sort by ${c.label}${active ? `, now ${order === 'asc' ? 'ascending' : 'descending'}` : ''}`}
                              data-testid={`sort-${c.key}`}
                              data-active={active || undefined}
                            >
                              <Group
                                gap={4}
                                wrap="nowrap"
                                justify={c.numeric ? 'flex-end' : 'flex-start'}
                                className={classes.head}
                              >
                                <Text
                                  size="sm"
                                  fw={600}
                                  ta={c.numeric ? 'right' : 'left'}
                                  lh={1.25}
                                  c={active ? 'indigo.7' : undefined}
                                >
                                  <ColumnLabel column={c} />
                                </Text>
                                <SortIcon direction={active ? order : undefined} style={{ flex: 'none' }} />
                              </Group>
                            </UnstyledButton>
                          ) : (
                            <Text size="sm" fw={600}>
                              {c.label}
                            </Text>
                          )}
                          {c.metric && <DefinitionHint metric={c.metric} label={c.label} />}
                        </Group>
                      </Table.Th>
                    );
                  })}
                  <MoreFiguresHead />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {!data
                  ? Array.from({ length: 5 }, (_, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
                      <Table.Tr key={i}>
                        {COLUMNS.map((c) => (
                          <Table.Td key={c.key} className={cellClass(c)}>
                            <Skeleton h={14} />
                          </Table.Td>
                        ))}
                        <Table.Td className={classes.narrowOnly} />
                      </Table.Tr>
                    ))
                  : data.items.map((row) => (
                      <ExpandableRow
                        key={row.openingId}
                        expanded={expanded}
                        rowKey={row.openingId}
                        label={row.jobTitle}
                        figuresId={figuresId(row.openingId)}
                        figures={row}
                        onClick={() => open(row)}
                        style={{ cursor: 'pointer' }}
                        data-testid="opening-row"
                      >
                        {COLUMNS.map((c) => (
                          <Table.Td
                            key={c.key}
                            className={cellClass(c)}
                            ta={c.numeric ? 'right' : 'left'}
                            style={{ fontVariantNumeric: 'tabular-nums' }}
                          >
                            {c.key === 'jobTitle' ? (
                              <Anchor
                                component="button"
                                type="button"
                                fz="sm"
                                ta="left"
                                onClick={(e) => {
                                  e.stopPropagation();
                                  open(row);
                                }}
                                aria-label={`${row.jobTitle}${row.status === 'closed' ? ' (closed)' : ''}: show its interviews`}
                              >
                                {row.jobTitle}
                                {row.status === 'closed' && (
                                  <Badge size="xs" color="gray" variant="light" ml={6} component="span">
                                    Closed
                                  </Badge>
                                )}
                              </Anchor>
                            ) : (
                              <>
                                {figure(row, c.key)}
                                {c.key === 'creditsUsed' && (
                                  <OpeningBudget budget={budgetOf.get(row.openingId)} />
                                )}
                              </>
                            )}
                          </Table.Td>
                        ))}
                      </ExpandableRow>
                    ))}
              </Table.Tbody>
              {data && totals && data.total > 0 && (
                <Table.Tfoot>
                  <ExpandableRow
                    expanded={expanded}
                    rowKey=""
                    label="the total"
                    figuresId={figuresId('')}
                    figures={totals}
                    data-testid="openings-totals"
                    style={{ fontWeight: 700 }}
                  >
                    {COLUMNS.map((c) =>
                      c.key === 'jobTitle' ? (
                        <Table.Th key={c.key}>Total{q ? ', all openings' : ''}</Table.Th>
                      ) : (
                        <Table.Th key={c.key} ta="right" className={cellClass(c)}>
                          {figure(totals, c.key)}
                        </Table.Th>
                      ),
                    )}
                  </ExpandableRow>
                </Table.Tfoot>
              )}
            </Table>
          </Table.ScrollContainer>
          {data && data.total === 0 && (
            <Empty
              title={q ? `No opening matches “${q}”` : 'No interviews in this range'}
              description={
                q
                  ? 'Check the spelling, search part of the title, or clear the search.'
                  : 'No opening had invitations or interviews here. Pick another period above.'
              }
              action={
                q ? (
                  <Button variant="light" onClick={() => set({ q: null, page: null })}>
                    Clear the search
                  </Button>
                ) : undefined
              }
            />
          )}
          {data && data.total > 0 && (
            <Group justify="space-between" mt="sm" gap="sm">
              <Text size="sm" c="dimmed" data-testid="openings-count">
                {formatNumber((data.page - 1) * data.pageSize + 1)}–
                {formatNumber(Math.min(data.total, data.page * data.pageSize))} of {formatNumber(data.total)}{' '}
                openings
              </Text>
              <Group gap="sm">
                <Select
                  aria-label="Openings per page"
                  data={PAGE_SIZES.map((n) => ({ value: String(n), label: `${n} per page` }))}
                  value={String(size)}
                  onChange={(v) => v && set({ size: v === String(PAGE_SIZES[0]) ? null : v, page: null })}
                  allowDeselect={false}
                  w={130}
                  size="xs"
                />
                <Pager
                  total={pages}
                  value={Math.min(page, pages)}
                  onChange={(p) => set({ page: p === 1 ? null : p })}
                  size="sm"
                  siblings={1}
                />
              </Group>
            </Group>
          )}
        </>
      )}
    </Card>
  );
}
