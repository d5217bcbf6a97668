import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type AnswerOf,
  getNotificationRecipients,
  type Json,
  type Recipient as RecipientSchema,
  setNotificationRecipients,
  unsubscribe,
} from '../../shared/contract/index';
import { call } from './client';

export type Recipient = Json<typeof RecipientSchema>;
export type RecipientsView = AnswerOf<typeof getNotificationRecipients>;

export function useRecipients() {
  return useQuery({
    queryKey: ['notifications', 'recipients'],
    queryFn: ({ signal }) => call(getNotificationRecipients, { signal }),
  });
}

export function useSaveRecipients() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (recipients: Recipient[]) => call(setNotificationRecipients, { body: { recipients } }),
    onSuccess: (answer) => client.setQueryData(['notifications', 'recipients'], answer),
  });
}

export function useUnsubscribe() {
  return useMutation({ mutationFn: (token: string) => call(unsubscribe, { body: { token } }) });
}
