import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from './client';
import type { AuditPage } from './types';

export interface AuditFilters {
  action: string | null;
  actor: string | null;
}

/** The audit log, newest first, a page of `limit` rows at a time (opaque cursor), filtered. */
export function useAuditLog(filters: AuditFilters, limit = 50) {
  return useInfiniteQuery({
    queryKey: ['audit', filters.action, filters.actor, limit],
    queryFn: ({ pageParam, signal }) =>
      api<AuditPage>('/audit', {
        query: { limit, cursor: pageParam, action: filters.action, actor: filters.actor },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
