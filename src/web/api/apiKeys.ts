import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiKeyScope, createApiKey, listApiKeys, revokeApiKey } from '../../shared/contract/index';
import { call } from './client';

const apiKeysKey = ['api-keys'] as const;

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeysKey,
    queryFn: ({ signal }) => call(listApiKeys, { signal }),
  });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scopes: ApiKeyScope[] }) => call(createApiKey, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => call(revokeApiKey, { params: { keyId } }),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
