import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  Granularity,
  OpeningInterviews,
  OpeningSort,
  OpeningsPage,
  Summary,
  Timeseries,
  YearOverYear,
} from './types';

/** A range of local dates (both included); undefined ends mean the current billing period. */
export interface RangeParams {
  from?: string;
  to?: string;
}

export function useSummary(range: RangeParams | undefined) {
  return useQuery({
    queryKey: ['consumption', 'summary', range?.from ?? null, range?.to ?? null],
    queryFn: ({ signal }) => api<Summary>('/consumption/summary', { query: { ...range }, signal }),
    enabled: range !== undefined,
    placeholderData: keepPreviousData,
  });
}

export interface OpeningsParams extends RangeParams {
  q?: string;
  sort: OpeningSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export function useOpenings(params: OpeningsParams | undefined) {
  return useQuery({
    queryKey: ['consumption', 'openings', params],
    queryFn: ({ signal }) => api<OpeningsPage>('/consumption/openings', { query: { ...params }, signal }),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useTimeseries(granularity: Granularity, range: RangeParams | undefined) {
  return useQuery({
    queryKey: ['consumption', 'timeseries', granularity, range?.from ?? null, range?.to ?? null],
    queryFn: ({ signal }) =>
      api<Timeseries>('/consumption/timeseries', { query: { granularity, ...range }, signal }),
    enabled: range !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useYearOverYear(year: number | undefined) {
  return useQuery({
    queryKey: ['consumption', 'year-over-year', year ?? null],
    queryFn: ({ signal }) => api<YearOverYear>('/consumption/year-over-year', { query: { year }, signal }),
    enabled: year !== undefined,
  });
}

export function useOpeningInterviews(
  openingId: string | undefined,
  range: RangeParams | undefined,
  page: number,
  status?: string,
) {
  return useQuery({
    queryKey: ['consumption', 'opening-interviews', openingId, range?.from, range?.to, page, status ?? null],
    queryFn: ({ signal }) =>
      api<OpeningInterviews>(`/openings/${encodeURIComponent(openingId ?? '')}/interviews`, {
        query: { ...range, page, pageSize: 25, status },
        signal,
      }),
    enabled: openingId !== undefined && range !== undefined,
    placeholderData: keepPreviousData,
  });
}

/** Opens or closes an opening; the table and the drawer show the new status. */
export function useSetOpeningStatus() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ openingId, status }: { openingId: string; status: 'open' | 'closed' }) =>
      api<{ openingId: string; status: string }>(`/openings/${encodeURIComponent(openingId)}/status`, {
        method: 'PUT',
        body: { status },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['consumption', 'openings'] });
      void client.invalidateQueries({ queryKey: ['consumption', 'opening-interviews'] });
    },
  });
}
