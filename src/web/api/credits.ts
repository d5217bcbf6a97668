import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  type AnswerOf,
  getAutoTopUp,
  getBalance,
  type LedgerKind,
  listLedger,
  listPurchases,
  listStatements,
  purchaseCredits,
  setAutoTopUp,
} from '../../shared/contract/index';
import { call } from './client';

export function useBalance() {
  return useQuery({
    queryKey: ['credits', 'balance'],
    queryFn: ({ signal }) => call(getBalance, { signal }),
  });
}

/** The statement of every closed billing period and of the one in progress, newest first. */
export function useStatements() {
  return useQuery({
    queryKey: ['credits', 'statements'],
    queryFn: ({ signal }) => call(listStatements, { signal }),
  });
}

/** Every purchase of credits, newest first. */
export function usePurchases() {
  return useQuery({
    queryKey: ['credits', 'purchases'],
    queryFn: ({ signal }) => call(listPurchases, { signal }),
  });
}

/** The ledger, newest first, one page of `limit` entries at a time (cursor paging), of `kinds` only when given. */
export function useLedger(limit = 25, kinds: readonly LedgerKind[] = []) {
  const kind = kinds.length > 0 ? kinds.join(',') : undefined;
  return useInfiniteQuery({
    queryKey: ['credits', 'ledger', limit, kind ?? null],
    queryFn: ({ pageParam, signal }) =>
      call(listLedger, { query: { limit, cursor: pageParam, kind }, signal }),
    placeholderData: keepPreviousData,
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Buys credits; the caller passes one idempotency key per attempt (kept across retries). */
export function usePurchase() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ credits, idempotencyKey }: { credits: number; idempotencyKey: string }) =>
      call(purchaseCredits, { body: { credits }, headers: { 'idempotency-key': idempotencyKey } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['credits'] });
      void client.invalidateQueries({ queryKey: ['consumption', 'summary'] });
    },
  });
}

export type AutoTopUpView = AnswerOf<typeof getAutoTopUp>;

/** Auto top-up's settings and this month's automatic purchases against the cap. */
export function useAutoTopUp() {
  return useQuery({
    queryKey: ['credits', 'auto-top-up'],
    queryFn: ({ signal }) => call(getAutoTopUp, { signal }),
  });
}

export function useSaveAutoTopUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      enabled: boolean;
      belowCredits: number;
      buyCredits: number;
      monthlyCapCredits: number;
    }) => call(setAutoTopUp, { body }),
    onSuccess: (answer) => client.setQueryData(['credits', 'auto-top-up'], answer),
  });
}
