import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type AlertSettings as AlertSettingsSchema,
  type AnswerOf,
  getAlertSettings,
  getAlerts,
  type Json,
  listWebhookDeliveries,
  rotateWebhookSecret,
  saveAlertSettings,
  sendTestWebhook,
  type WebhookDelivery as WebhookDeliverySchema,
} from '../../shared/contract/index';
import { call } from './client';

/** GET /alerts: the current period's credits left against the alert thresholds. */
export type AlertsView = AnswerOf<typeof getAlerts>;
export type AlertSettings = Json<typeof AlertSettingsSchema>;
export type WebhookDelivery = Json<typeof WebhookDeliverySchema>;

export function useAlerts(enabled = true) {
  return useQuery({
    queryKey: ['alerts'],
    queryFn: ({ signal }) => call(getAlerts, { signal }),
    enabled,
    // Credits are used while the page is open: look again now and then.
    refetchInterval: 60_000,
  });
}

export function useAlertSettings() {
  return useQuery({
    queryKey: ['alerts', 'settings'],
    queryFn: ({ signal }) => call(getAlertSettings, { signal }),
  });
}

export function useWebhookDeliveries() {
  return useQuery({
    queryKey: ['alerts', 'deliveries'],
    queryFn: ({ signal }) => call(listWebhookDeliveries, { signal }),
    refetchInterval: 10_000,
  });
}

export function useSaveAlertSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { thresholds: number[]; webhookUrl: string | null }) =>
      call(saveAlertSettings, { body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts'] }),
  });
}

export function useRotateWebhookSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(rotateWebhookSecret),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts', 'settings'] }),
  });
}

export function useSendTestWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(sendTestWebhook),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts', 'deliveries'] }),
  });
}
