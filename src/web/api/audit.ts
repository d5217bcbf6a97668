import { useInfiniteQuery } from '@tanstack/react-query';
import { listAudit } from '../../shared/contract/index';
import { call } from './client';

export interface AuditFilters {
  action: string | null;
  actor: string | null;
}

/** The audit log, newest first, a page of `limit` rows at a time (opaque cursor), filtered. */
export function useAuditLog(filters: AuditFilters, limit = 50) {
  return useInfiniteQuery({
    queryKey: ['audit', filters.action, filters.actor, limit],
    queryFn: ({ pageParam, signal }) =>
      call(listAudit, {
        query: {
          limit,
          cursor: pageParam,
          action: filters.action ?? undefined,
          actor: filters.actor ?? undefined,
        },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
