import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { discoverSignIn, login, logout, sessionState } from '../../shared/contract/index';
import { setDisplayTimeZone } from '../lib/format';
import { call, setCsrfToken } from './client';
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

/** The signed-in session, or null when there is none (asked without a 401, so none is logged). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      const state = await call(sessionState);
      if (!state.authenticated) {
        setCsrfToken(undefined);
        return null;
      }
      const { authenticated: _, ...session } = state;
      return remember(session);
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

/** How an address signs in: its organisation's provider (`sso`), or undefined for a password. */
export function useDiscoverSignIn() {
  return useMutation({
    mutationFn: async (email: string) => {
      const answer = await call(discoverSignIn, { body: { email } });
      return { email: email.toLowerCase(), sso: answer.method === 'sso' ? answer : undefined };
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
