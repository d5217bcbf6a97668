import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/** GET /alerts: the current period's credits left against the alert thresholds. */
export interface AlertsView {
  period: { start: string; end: string };
  balance: number;
  allotment: number;
  percentLeft: number;
  thresholds: number[];
  /** Thresholds the balance is at or below now, highest first. */
  reached: number[];
  alerts: {
    periodStart: string;
    thresholdPercent: number;
    raisedAt: string;
    balance: number;
    allotment: number;
  }[];
}

export interface AlertSettings {
  thresholds: number[];
  webhookUrl: string | null;
  hasSecret: boolean;
}

export interface WebhookDelivery {
  id: string;
  eventType: string;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  abandonedAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

export function useAlerts(enabled = true) {
  return useQuery({
    queryKey: ['alerts'],
    queryFn: ({ signal }) => api<AlertsView>('/alerts', { signal }),
    enabled,
    // Credits are used while the page is open: look again now and then.
    refetchInterval: 60_000,
  });
}

export function useAlertSettings() {
  return useQuery({
    queryKey: ['alerts', 'settings'],
    queryFn: ({ signal }) => api<AlertSettings>('/alerts/settings', { signal }),
  });
}

export function useWebhookDeliveries() {
  return useQuery({
    queryKey: ['alerts', 'deliveries'],
    queryFn: ({ signal }) => api<{ deliveries: WebhookDelivery[] }>('/alerts/webhook/deliveries', { signal }),
    refetchInterval: 10_000,
  });
}

export function useSaveAlertSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { thresholds: number[]; webhookUrl: string | null }) =>
      api<AlertSettings & { secret: string | null }>('/alerts/settings', { method: 'PUT', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts'] }),
  });
}

export function useRotateWebhookSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ secret: string }>('/alerts/webhook/secret', { method: 'POST' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts', 'settings'] }),
  });
}

export function useSendTestWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ id: string }>('/alerts/webhook/test', { method: 'POST' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts', 'deliveries'] }),
  });
}
