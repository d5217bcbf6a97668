import { Card, Group, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef } from 'react';
import type { Dimension } from '../../shared/attribution';
import { type RangeParams, useAttributes, useBreakdown } from '../api/consumption';
import type { Breakdown } from '../api/types';
import { totalShare } from '../lib/figures';
import { formatNumber } from '../lib/format';
import { type UsageBy, usageByChoices, usageByLabel } from '../lib/usageBy';
import { ExpandableRow, MoreFiguresHead, NarrowHint, useExpandedRows } from './ExpandableRow';
import {
  COLUMNS,
  type Column,
  ColumnLabel,
  cellClass,
  type FigureKey,
  type Figures,
  figure,
} from './FigureColumns';
import { DefinitionHint } from './Metric';
import classes from './OpeningsTable.module.css';
import { Empty, QueryStates } from './States';

/**
 * Whether the switch held the focus when its choice changed. A choice swaps the card the switch
 * sits in, so the new card's switch takes the focus back: arrowing through the choices goes on.
 */
let refocusSwitch = false;

/** The "Usage by" choice, beside the usage table's title. */
export function UsageBySwitch({ value, onChange }: { value: UsageBy; onChange: (by: UsageBy) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const attributes = useAttributes();
  const tagKeys = attributes.data?.tags.map((t) => t.key) ?? [];
  // A tag named in the URL is offered even before (or without) the listing.
  const choices = usageByChoices(
    value.startsWith('tag:') && !tagKeys.includes(value.slice(4)) ? [...tagKeys, value.slice(4)] : tagKeys,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs for each new choice
  useEffect(() => {
    if (!refocusSwitch) return;
    refocusSwitch = false;
    ref.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
  }, [value]);
  return (
    <SegmentedControl
      ref={ref}
      aria-label="Usage by"
      size="xs"
      value={value}
      onChange={(v) => {
        refocusSwitch = ref.current?.contains(document.activeElement) ?? false;
        onChange(v as UsageBy);
      }}
      data={choices.map((o) => ({ value: o.value, label: o.label }))}
      data-testid="usage-by"
    />
  );
}

/** The openings table's figures and their heads; the share is of a value rather than an opening. */
const FIGURE_COLUMNS = COLUMNS.filter((c): c is Column & { key: FigureKey } => c.key !== 'jobTitle').map(
  (c) => (c.key === 'share' ? { ...c, metric: 'valueShare' as const } : c),
);

type Item = Breakdown['items'][number];

const rowId = (item: Item) => (item.key === null ? 'none' : `value:${item.key}`);

/**
 * Usage by recruiter, department or location for the range: the openings table's figures for each
 * value, most credits first (the route's order), "(none)" for interviews without one, and a totals
 * row equal to the cards. On a narrow card the label, Completed and Credits Used stay; the rest
 * open under their row.
 */
export function BreakdownTable({
  by,
  range,
  switcher,
}: {
  by: Dimension;
  range: RangeParams | undefined;
  switcher: ReactNode;
}) {
  const breakdown = useBreakdown(by, range);
  const label = usageByLabel(by);
  const title = `Usage by ${label.toLowerCase()}`;
  // Keyed by rowId; the totals row is 'total'.
  const expanded = useExpandedRows();

  const data = breakdown.data;
  const totals: Figures | undefined = data && { ...data.totals, share: totalShare(data.totals.creditsUsed) };

  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby="usage-by-value"
      className={classes.card}
    >
      <Group gap="sm" mb="sm">
        <Title order={2} size="h4" id="usage-by-value">
          {title}
        </Title>
        {switcher}
      </Group>
      <QueryStates
        query={breakdown}
        placeholders={5}
        rowHeight={28}
        isEmpty={data?.items.length === 0}
        empty={
          <Empty
            title="No interviews in this range"
            description="No interviews had invitations or usage here. Pick another period above."
          />
        }
      >
        {data && totals && (
          <>
            <NarrowHint />
            <Table.ScrollContainer minWidth={0}>
              <Table
                verticalSpacing="xs"
                aria-label={title}
                aria-busy={breakdown.isFetching || undefined}
                data-testid="breakdown-table"
                className={classes.table}
                style={{ opacity: breakdown.isPlaceholderData ? 0.6 : 1 }}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th className={classes.title} style={{ verticalAlign: 'bottom' }}>
                      {label}
                    </Table.Th>
                    {FIGURE_COLUMNS.map((c) => (
                      <Table.Th
                        key={c.key}
                        ta="right"
                        aria-sort={c.key === 'creditsUsed' ? 'descending' : undefined}
                        className={cellClass(c)}
                        style={{ verticalAlign: 'bottom' }}
                      >
                        <Group gap={2} justify="flex-end" wrap="nowrap" className={classes.head}>
                          <Text size="sm" fw={600} ta="right" lh={1.25}>
                            <ColumnLabel column={c} />
                          </Text>
                          {c.metric && <DefinitionHint metric={c.metric} label={c.label} />}
                        </Group>
                      </Table.Th>
                    ))}
                    <MoreFiguresHead />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((item, i) => {
                    const id = rowId(item);
                    const figuresId = `breakdown-figures-${i}`;
                    return (
                      <ExpandableRow
                        key={id}
                        expanded={expanded}
                        rowKey={id}
                        label={item.label}
                        figuresId={figuresId}
                        figures={item}
                        data-testid="breakdown-row"
                      >
                        <Table.Td
                          className={classes.title}
                          fs={item.key === null ? 'italic' : undefined}
                          data-testid="breakdown-label"
                        >
                          {item.label}
                        </Table.Td>
                        {FIGURE_COLUMNS.map((c) => (
                          <Table.Td
                            key={c.key}
                            className={cellClass(c)}
                            ta="right"
                            style={{ fontVariantNumeric: 'tabular-nums' }}
                            data-figure={c.key}
                          >
                            {figure(item, c.key)}
                          </Table.Td>
                        ))}
                      </ExpandableRow>
                    );
                  })}
                </Table.Tbody>
                <Table.Tfoot>
                  <ExpandableRow
                    expanded={expanded}
                    rowKey="total"
                    label="the total"
                    figuresId="breakdown-figures-total"
                    figures={totals}
                    data-testid="breakdown-totals"
                    style={{ fontWeight: 700 }}
                  >
                    <Table.Th className={classes.title}>Total</Table.Th>
                    {FIGURE_COLUMNS.map((c) => (
                      <Table.Th key={c.key} ta="right" className={cellClass(c)} data-figure={c.key}>
                        {figure(totals, c.key)}
                      </Table.Th>
                    ))}
                  </ExpandableRow>
                </Table.Tfoot>
              </Table>
            </Table.ScrollContainer>
            <Text size="sm" c="dimmed" mt="sm" data-testid="breakdown-note">
              {formatNumber(data.total)} {data.total === 1 ? 'row' : 'rows'}, most credits first
              {data.items.some((item) => item.key === null)
                ? ` · (none): interviews whose events named no ${label.toLowerCase()}`
                : ''}
              {data.total > data.items.length
                ? ` · showing the ${formatNumber(data.items.length)} with the most credits; the total counts them all`
                : ''}
            </Text>
          </>
        )}
      </QueryStates>
    </Card>
  );
}
