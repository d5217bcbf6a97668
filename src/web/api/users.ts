import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Role, SessionUser, UserListItem } from './types';

const usersKey = ['users'] as const;

export function useUsers() {
  return useQuery({
    queryKey: usersKey,
    queryFn: ({ signal }) => api<{ users: UserListItem[] }>('/users', { signal }),
  });
}

export function useInviteUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; name: string; role: Role; password: string }) =>
      api<{ user: SessionUser }>('/users', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, ...body }: { userId: string; role?: Role; active?: false }) =>
      api<{ user: UserListItem }>(`/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: usersKey }),
  });
}
