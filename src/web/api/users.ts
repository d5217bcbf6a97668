import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { addUser, listUsers, type Role, updateUser } from '../../shared/contract/index';
import { call } from './client';

const usersKey = ['users'] as const;

export function useUsers() {
  return useQuery({
    queryKey: usersKey,
    queryFn: ({ signal }) => call(listUsers, { signal }),
  });
}

export function useInviteUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; name: string; role: Role; password: string }) =>
      call(addUser, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, ...body }: { userId: string; role?: Role; active?: false }) =>
      call(updateUser, { params: { userId }, body }),
    onSuccess: () => client.invalidateQueries({ queryKey: usersKey }),
  });
}
