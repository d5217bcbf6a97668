import { Group, Select, Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { isPreset, type LocalRange, PRESETS, type PresetKey } from '../lib/ranges';

const CustomRangeInput = lazy(() => import('./CustomRangeInput'));

/** The period picker: presets, or a custom range of dates (kept in the URL by the page). */
export function PeriodPicker({
  preset,
  range,
  onPreset,
  onCustom,
}: {
  preset: PresetKey;
  range: LocalRange | undefined;
  onPreset: (preset: PresetKey) => void;
  onCustom: (from: string, to: string) => void;
}) {
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <Select
        label="Period"
        data={PRESETS}
        value={preset}
        onChange={(v) => {
          if (isPreset(v)) onPreset(v);
        }}
        allowDeselect={false}
        w={{ base: '100%', xs: 230 }}
        comboboxProps={{ withinPortal: true }}
        data-testid="period-picker"
      />
      {preset === 'custom' && (
        <Suspense fallback={<Skeleton h={36} w={260} />}>
          <CustomRangeInput from={range?.from} to={range?.to} onChange={onCustom} />
        </Suspense>
      )}
    </Group>
  );
}
