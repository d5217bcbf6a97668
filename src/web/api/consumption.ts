import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import type { Dimension } from '../../shared/attribution';
import {
  type Granularity,
  getBreakdown,
  getSummary,
  getTimeseries,
  getYearOverYear,
  type InputOf,
  listAttributes,
  listOpeningInterviews,
  listOpeningUsage,
  type OpeningStatus,
  setOpeningStatus,
} from '../../shared/contract/index';
import { useUsageFilter } from '../lib/usageFilter';
import { call } from './client';

/** The most items the breakdown route gives in one answer. */
export const BREAKDOWN_LIMIT = 1000;

/** A range of local dates (both included); undefined ends mean the current billing period. */
export type RangeParams = { from?: string; to?: string };

export function useSummary(range: RangeParams | undefined) {
  const filter = useUsageFilter();
  return useQuery({
    queryKey: ['consumption', 'summary', range?.from ?? null, range?.to ?? null, filter],
    queryFn: ({ signal }) => call(getSummary, { query: { ...range, ...filter }, signal }),
    enabled: range !== undefined,
    placeholderData: keepPreviousData,
  });
}

export type OpeningsParams = Required<
  Pick<NonNullable<InputOf<typeof listOpeningUsage>['query']>, 'sort' | 'order' | 'page' | 'pageSize'>
> &
  RangeParams & { q?: string };

export function useOpenings(params: OpeningsParams | undefined) {
  const filter = useUsageFilter();
  return useQuery({
    queryKey: ['consumption', 'openings', params, filter],
    queryFn: ({ signal }) => call(listOpeningUsage, { query: { ...params, ...filter }, signal }),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
  });
}

/**
 * Usage by one attribute for the range, every value at once (the most the route gives), so the
 * rows add up to the totals.
 */
export function useBreakdown(by: Dimension, range: RangeParams | undefined) {
  const filter = useUsageFilter();
  return useQuery({
    queryKey: ['consumption', 'breakdown', by, range?.from ?? null, range?.to ?? null, filter],
    queryFn: ({ signal }) =>
      call(getBreakdown, { query: { by, ...range, ...filter, limit: BREAKDOWN_LIMIT }, signal }),
    enabled: range !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useTimeseries(granularity: Granularity, range: RangeParams | undefined) {
  const filter = useUsageFilter();
  return useQuery({
    queryKey: ['consumption', 'timeseries', granularity, range?.from ?? null, range?.to ?? null, filter],
    queryFn: ({ signal }) => call(getTimeseries, { query: { granularity, ...range, ...filter }, signal }),
    enabled: range !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useYearOverYear(year: number | undefined) {
  const filter = useUsageFilter();
  return useQuery({
    queryKey: ['consumption', 'year-over-year', year ?? null, filter],
    queryFn: ({ signal }) => call(getYearOverYear, { query: { year, ...filter }, signal }),
    enabled: year !== undefined,
  });
}

type InterviewsQuery = NonNullable<InputOf<typeof listOpeningInterviews>['query']>;

/**
 * An opening's interviews counted in its row for the range, with the row's totals. A page reached
 * from the one before is read by that page's cursor (keyset: a deep page costs what the first does);
 * a page jumped to by number is read by its number.
 */
export function useOpeningInterviews(
  openingId: string | undefined,
  range: RangeParams | undefined,
  page: number,
  filters: Pick<InterviewsQuery, 'status' | 'countedIn'> = {},
) {
  const { status, countedIn } = filters;
  const cursors = useRef(new Map<string, string>());
  const scope = JSON.stringify([openingId, range?.from, range?.to, status ?? null, countedIn ?? null]);
  return useQuery({
    queryKey: [
      'consumption',
      'opening-interviews',
      openingId,
      range?.from,
      range?.to,
      page,
      status ?? null,
      countedIn ?? null,
    ],
    queryFn: async ({ signal }) => {
      const cursor = cursors.current.get(`${scope}|${page}`);
      const at = cursor === undefined ? { page } : { cursor };
      const answer = await call(listOpeningInterviews, {
        params: { openingId: openingId ?? '' },
        query: { ...range, ...at, pageSize: 25, status, countedIn },
        signal,
      });
      if (answer.nextCursor) cursors.current.set(`${scope}|${page + 1}`, answer.nextCursor);
      return answer;
    },
    enabled: openingId !== undefined && range !== undefined,
    placeholderData: keepPreviousData,
  });
}

/** The tenant's recruiters, departments, locations and tag keys with values: the filter chips' and the switch's choices. */
export function useAttributes() {
  return useQuery({
    queryKey: ['consumption', 'attributes'],
    queryFn: ({ signal }) => call(listAttributes, { signal }),
    staleTime: 60_000,
  });
}

/** A recruiter's name by id, from the attributes; undefined for an id without one (or while loading). */
export function useRecruiterNames(): (id: string) => string | undefined {
  const { data } = useAttributes();
  return useMemo(() => {
    const names = new Map(data?.recruiters.map((r) => [r.id, r.name ?? undefined]));
    return (id: string) => names.get(id);
  }, [data]);
}

/** Opens or closes an opening; the table and the drawer show the new status. */
export function useSetOpeningStatus() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ openingId, status }: { openingId: string; status: OpeningStatus }) =>
      call(setOpeningStatus, { params: { openingId }, body: { status } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['consumption', 'openings'] });
      void client.invalidateQueries({ queryKey: ['consumption', 'opening-interviews'] });
    },
  });
}
