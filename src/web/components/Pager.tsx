import { Pagination, type PaginationProps } from '@mantine/core';

/** Mantine's pager with a name on every button: its arrows are icons alone (axe: button-name). */
export function Pager(props: PaginationProps) {
  return (
    <Pagination
      getControlProps={(control) => ({
        'aria-label': control === 'previous' ? 'Previous page' : control === 'next' ? 'Next page' : control,
      })}
      getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
      {...props}
    />
  );
}
