import type { OpeningSort } from '../api/types';
import { isPreset, isView, type PresetKey, type ViewKey } from './ranges';
import { useSearchParams } from './router';
import { usageByOf } from './usageBy';
import { filterOfSearch } from './usageFilter';

export const SORTS: readonly OpeningSort[] = [
  'jobTitle',
  'invited',
  'completed',
  'partiallyCompleted',
  'simulations',
  'creditsUsed',
];
export const PAGE_SIZES = [10, 25, 50, 100] as const;

const isSort = (v: string | null): v is OpeningSort => SORTS.includes(v as OpeningSort);

/**
 * The Consumption page's state, all of it in the query string: range (+ from/to for a custom
 * range), view, what usage is cut by, the filters (recruiterId, department, location, tag.<key>),
 * the openings table's sort/order/q/page/size, and the opening whose interviews are open.
 */
export function useConsumptionState() {
  const [params, set] = useSearchParams();
  const range = params.get('range');
  const view = params.get('view');
  const sort = params.get('sort');
  const page = Number(params.get('page'));
  const size = Number(params.get('size'));
  return {
    preset: (isPreset(range) ? range : 'current') as PresetKey,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    view: (isView(view) ? view : 'daily') as ViewKey,
    by: usageByOf(params.get('by')),
    filter: filterOfSearch(params),
    sort: isSort(sort) ? sort : ('creditsUsed' as OpeningSort),
    order: params.get('order') === 'asc' ? ('asc' as const) : ('desc' as const),
    q: params.get('q') ?? '',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[0],
    opening: params.get('opening') ?? undefined,
    set,
  };
}

export type ConsumptionState = ReturnType<typeof useConsumptionState>;
