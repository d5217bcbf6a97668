import { ActionIcon, Table, type TableTrProps, Text, VisuallyHidden } from '@mantine/core';
import { Fragment, type ReactNode, useState } from 'react';
import { COLUMNS, type Column, type FigureKey, type Figures, figure } from './FigureColumns';
import { ChevronIcon } from './icons';
import classes from './OpeningsTable.module.css';

/** The columns a narrow card shows, and the cell that opens the rest. */
const NARROW_COLUMNS = COLUMNS.filter((c) => c.narrow).length + 1;

/** Which rows of a usage table have their other figures open on a narrow card, by row key. */
export function useExpandedRows() {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  return {
    isOpen: (key: string) => expanded.has(key),
    toggle: (key: string) =>
      setExpanded((prev) => {
        const next = new Set(prev);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
  };
}

export type ExpandedRows = ReturnType<typeof useExpandedRows>;

/** The line over a usage table on a narrow card that says where the other figures went. */
export function NarrowHint() {
  return (
    <Text size="sm" c="dimmed" mb="xs" className={classes.narrowOnly}>
      Invited, partially completed, simulations and share: tap › on a row.
    </Text>
  );
}

/** The header over the column of › buttons, named for screen readers only. */
export function MoreFiguresHead() {
  return (
    <Table.Th className={classes.narrowOnly}>
      <VisuallyHidden>More figures</VisuallyHidden>
    </Table.Th>
  );
}

/**
 * A usage table's row (`children`, its cells) with the › button that, on a narrow card, opens
 * the figures the card hides in a row under it, `figuresId`.
 */
export function ExpandableRow({
  expanded,
  rowKey,
  label,
  figuresId,
  figures,
  children,
  ...rowProps
}: TableTrProps & {
  expanded: ExpandedRows;
  rowKey: string;
  /** What the row is, for the button's name ("More figures for …"). */
  label: string;
  figuresId: string;
  figures: Figures;
  children: ReactNode;
}) {
  const open = expanded.isOpen(rowKey);
  return (
    <>
      <Table.Tr {...rowProps}>
        {children}
        <Table.Td className={classes.narrowOnly} w={40} px={4}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-expanded={open}
            aria-controls={figuresId}
            aria-label={`More figures for ${label}`}
            onClick={(e) => {
              e.stopPropagation();
              expanded.toggle(rowKey);
            }}
            data-testid="opening-more"
          >
            <ChevronIcon open={open} />
          </ActionIcon>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr className={classes.narrowOnly} id={figuresId} data-testid="opening-figures">
          <Table.Td colSpan={NARROW_COLUMNS} pt={0}>
            <dl className={classes.figures}>
              {COLUMNS.filter((c): c is Column & { key: FigureKey } => !c.narrow && c.key !== 'jobTitle').map(
                (c) => (
                  <Fragment key={c.key}>
                    <Text component="dt" size="sm" c="dimmed">
                      {c.label}
                    </Text>
                    <Text component="dd" size="sm">
                      {figure(figures, c.key)}
                    </Text>
                  </Fragment>
                ),
              )}
            </dl>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
