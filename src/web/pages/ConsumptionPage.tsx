import { Alert, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { filterParams, isFiltered } from '../../shared/filters';
import { type RangeParams, useSummary } from '../api/consumption';
import { BreakdownTable, UsageBySwitch } from '../components/BreakdownTable';
import { ExpiringCredits } from '../components/credits/ExpiringCredits';
import { ExportDialog } from '../components/ExportDialog';
import { FilterChips } from '../components/FilterChips';
import { OpeningDrawer } from '../components/OpeningDrawer';
import { OpeningsTable } from '../components/OpeningsTable';
import { PeriodPicker } from '../components/PeriodPicker';
import { SummaryCards } from '../components/SummaryCards';
import { UsageOverTime } from '../components/UsageOverTime';
import { useConsumptionState } from '../lib/consumptionState';
import { formatDateRange, formatTimeOfDay, getDisplayTimeZone, localDateOf } from '../lib/format';
import { billingPeriods, customRangeProblem, type LocalRange, presetRange } from '../lib/ranges';
import { UsageFilterContext } from '../lib/usageFilter';

const CURRENT: RangeParams = {};

/**
 * Tenant Management → Consumption: the cards, usage over time, and usage by opening or by an
 * attribute, all under the filters in the URL (every usage query of the page reads them).
 */
export default function ConsumptionPage() {
  const { filter } = useConsumptionState();
  const filterQuery = useMemo(() => filterParams(filter), [filter]);
  return (
    <UsageFilterContext.Provider value={filterQuery}>
      <Consumption />
    </UsageFilterContext.Provider>
  );
}

function Consumption() {
  const state = useConsumptionState();
  const { preset, from, to, set } = state;
  // The current billing period (and the one before it) come from the API.
  const current = useSummary(CURRENT);

  const params: RangeParams | undefined = useMemo(() => {
    if (preset === 'current') return CURRENT;
    const periods = billingPeriods(current.data);
    const chosen = presetRange(preset, { today: localDateOf(new Date()), periods, custom: { from, to } });
    // An incomplete custom range shows the current period until both ends are picked.
    return chosen ?? (preset === 'custom' ? CURRENT : undefined);
  }, [preset, from, to, current.data]);

  const summary = useSummary(params);
  const range: LocalRange | undefined =
    params?.from && params.to
      ? { from: params.from, to: params.to }
      : current.data
        ? { from: current.data.periodStart, to: current.data.periodEnd }
        : undefined;

  const switcher = (
    <UsageBySwitch value={state.by} onChange={(by) => set({ by: by === 'opening' ? null : by })} />
  );
  const filtered = isFiltered(state.filter);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1}>Consumption</Title>
          <Text c="dimmed" size="sm" data-testid="range-label" aria-live="polite">
            {range ? formatDateRange(range.from, range.to) : 'Loading the period…'}
            {preset === 'current'
              ? ' · current billing period'
              : preset === 'previous'
                ? ' · previous billing period'
                : ''}
          </Text>
          {summary.data && (
            // From the read replica the figures may be seconds behind (docs/product.md, Read replica).
            <Text c="dimmed" size="xs" data-testid="data-as-of">
              Data as of {formatTimeOfDay(summary.data.dataAsOf)} · times in {getDisplayTimeZone()}
            </Text>
          )}
        </div>
        <Group gap="sm" align="flex-end">
          <PeriodPicker
            preset={preset}
            range={range}
            onPreset={(p) =>
              set(
                p === 'custom'
                  ? { range: 'custom', from: range?.from, to: range?.to, page: null }
                  : { range: p === 'current' ? null : p, from: null, to: null, page: null },
              )
            }
            onCustom={(f, t) => set({ range: 'custom', from: f, to: t, page: null })}
          />
          <ExportDialog summary={current.data} preset={preset} range={range} />
        </Group>
      </Group>
      {preset === 'custom' && customRangeProblem({ from, to }) && (
        <Alert color="orange" title="This range cannot be shown" data-testid="range-problem">
          The chosen range cannot be shown: {customRangeProblem({ from, to })}. The figures are the current
          billing period’s; pick another range.
        </Alert>
      )}
      <ExpiringCredits linkToCredits />
      <FilterChips filter={state.filter} onChange={(param, value) => set({ [param]: value, page: null })} />
      {filtered && (
        <Text size="sm" c="dimmed" data-testid="filter-note">
          Usage figures, charts, tables, the forecast’s projection and the export count only the interviews
          matching every filter; the remaining balance, the allotment and the runway are the whole account’s.
        </Text>
      )}
      <SummaryCards summary={summary} range={range} />
      <UsageOverTime
        view={state.view}
        range={range}
        onView={(v) => set({ view: v === 'daily' ? null : v })}
      />
      {state.by === 'opening' ? (
        <OpeningsTable state={state} range={params} switcher={switcher} />
      ) : (
        // One table per attribute: another's rows are never shown while this one's load.
        <BreakdownTable key={state.by} by={state.by} range={params} switcher={switcher} />
      )}
      <OpeningDrawer openingId={state.opening} range={params} onClose={() => set({ opening: null })} />
    </Stack>
  );
}
