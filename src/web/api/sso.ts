import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type AnswerOf,
  deleteSsoSettings,
  getSsoSettings,
  type InputOf,
  setSsoSettings,
} from '../../shared/contract/index';
import { call } from './client';

const ssoKey = ['sso'] as const;

export type SsoView = AnswerOf<typeof getSsoSettings>;
export type SsoInput = InputOf<typeof setSsoSettings>['body'];

/** The tenant's single sign-on provider (never its client secret) and the redirect URI to register. */
export function useSsoSettings() {
  return useQuery({ queryKey: ssoKey, queryFn: ({ signal }) => call(getSsoSettings, { signal }) });
}

export function useSaveSsoSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SsoInput) => call(setSsoSettings, { body }),
    onSuccess: (answer) => client.setQueryData(ssoKey, answer),
  });
}

export function useDeleteSsoSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(deleteSsoSettings),
    onSuccess: () => client.invalidateQueries({ queryKey: ssoKey }),
  });
}
