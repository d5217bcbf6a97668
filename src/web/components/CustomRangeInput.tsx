import '@mantine/dates/styles.css';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { formatDate, formatDateRange } from '../lib/format';

/** The custom range picker (loaded on demand with @mantine/dates). Dates are YYYY-MM-DD. */
export default function CustomRangeInput({
  from,
  to,
  onChange,
}: {
  from?: string;
  to?: string;
  onChange: (from: string, to: string) => void;
}) {
  const [value, setValue] = useState<[string | null, string | null]>([from ?? null, to ?? null]);
  return (
    <DatePickerInput
      type="range"
      label="Custom range"
      placeholder="Pick the first and last day"
      value={value}
      onChange={(v) => {
        const next: [string | null, string | null] = [
          v[0] ? String(v[0]).slice(0, 10) : null,
          v[1] ? String(v[1]).slice(0, 10) : null,
        ];
        setValue(next);
        if (next[0] && next[1]) onChange(next[0], next[1]);
      }}
      allowSingleDateInRange
      valueFormatter={({ date }) => {
        // The field reads like every other range on the page (lib/format.ts), not dayjs's format.
        const [from, to] = Array.isArray(date) ? date : [date, null];
        if (!from) return '';
        const first = String(from).slice(0, 10);
        return to ? formatDateRange(first, String(to).slice(0, 10)) : `${formatDate(first)} – …`;
      }}
      numberOfColumns={1}
      w={{ base: '100%', xs: 260 }}
      popoverProps={{ withinPortal: true }}
    />
  );
}
