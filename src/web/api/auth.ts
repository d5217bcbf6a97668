import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { login, logout, me } from '../../shared/contract/index';
import { setDisplayTimeZone } from '../lib/format';
import { ApiError, call, setCsrfToken } from './client';
import type { Session } from './types';

export const sessionKey = ['session'] as const;

/** Drops every cached answer but the session: the next user must not see the last one's data. */
function forgetData(client: QueryClient) {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
}

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  setDisplayTimeZone(session.tenant.timeZone);
  return session;
}

/** The signed-in session, or null when there is none (401). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        return remember(await call(me));
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(undefined);
          return null;
        }
        throw err;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => call(login, { body }),
    onSuccess: (session) => {
      forgetData(client);
      client.setQueryData(sessionKey, remember(session));
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(logout),
    onSettled: () => {
      setCsrfToken(undefined);
      forgetData(client);
      client.setQueryData(sessionKey, null);
    },
  });
}
