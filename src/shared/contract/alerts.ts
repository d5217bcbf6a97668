import { z } from 'zod';
import { Credits, endpoint, Instant } from './common.js';

export const AlertSettings = z.object({
  thresholds: z.array(z.number()).describe('Shares of the allotment (percent) that raise an alert'),
  webhookUrl: z.string().nullable(),
  hasSecret: z.boolean().describe('Whether a signing secret exists (it is shown only when made)'),
});
export type AlertSettings = z.infer<typeof AlertSettings>;

export const Alert = z.object({
  periodStart: Instant,
  thresholdPercent: z.number(),
  raisedAt: Instant,
  balance: Credits.describe('Credits left when it was raised'),
  allotment: Credits,
  resolvedAt: Instant.nullable().describe(
    'When the balance rose back above the threshold (which re-armed it)',
  ),
});

export const WebhookDelivery = z.object({
  id: z.string(),
  eventType: z.string(),
  createdAt: Instant,
  attempts: z.number(),
  nextAttemptAt: Instant.nullable(),
  deliveredAt: Instant.nullable(),
  abandonedAt: Instant.nullable(),
  lastStatus: z.number().nullable().describe("The endpoint's last HTTP status"),
  lastError: z.string().nullable(),
});

const admins = { session: ['account_admin'] } as const;

export const getAlerts = endpoint({
  method: 'GET',
  path: '/api/v1/alerts',
  operationId: 'getAlerts',
  tag: 'alerts',
  summary: "The current period's credits left against the thresholds, and the alerts raised",
  access: admins,
  responses: {
    200: z.object({
      period: z.object({ start: Instant, end: Instant }),
      balance: Credits,
      allotment: Credits,
      percentLeft: z.number().describe('Credits left as a share of the allotment (percent)'),
      thresholds: z.array(z.number()),
      reached: z.array(z.number()).describe('Thresholds the balance is at or below now, highest first'),
      alerts: z.array(Alert).describe('The latest alerts, newest first'),
    }),
  },
});

export const getAlertSettings = endpoint({
  method: 'GET',
  path: '/api/v1/alerts/settings',
  operationId: 'getAlertSettings',
  tag: 'alerts',
  summary: 'Alert thresholds and the webhook endpoint',
  access: admins,
  responses: { 200: AlertSettings },
});

export const saveAlertSettings = endpoint({
  method: 'PUT',
  path: '/api/v1/alerts/settings',
  operationId: 'saveAlertSettings',
  tag: 'alerts',
  summary:
    'Set the thresholds and the webhook URL; the signing secret is made with the first URL and shown once',
  access: admins,
  body: z
    .object({
      thresholds: z.array(z.number().int().min(0).max(100)).max(10),
      webhookUrl: z.string().max(2000).nullable(),
    })
    .strict(),
  responses: {
    200: AlertSettings.extend({ secret: z.string().nullable().describe('The new signing secret, once') }),
  },
  errors: ['invalid_webhook_url', 'webhook_url_not_public'],
});

export const rotateWebhookSecret = endpoint({
  method: 'POST',
  path: '/api/v1/alerts/webhook/secret',
  operationId: 'rotateWebhookSecret',
  tag: 'alerts',
  summary: 'Replace the webhook signing secret; the new one is shown once',
  access: admins,
  responses: { 200: z.object({ secret: z.string() }) },
  errors: ['webhook_not_configured'],
});

export const sendTestWebhook = endpoint({
  method: 'POST',
  path: '/api/v1/alerts/webhook/test',
  operationId: 'sendTestWebhook',
  tag: 'alerts',
  summary: 'Queue a signed test event to the webhook endpoint (sent within seconds)',
  access: admins,
  responses: { 202: z.object({ id: z.string().describe("The test delivery's id") }) },
  errors: ['webhook_not_configured'],
});

export const listWebhookDeliveries = endpoint({
  method: 'GET',
  path: '/api/v1/alerts/webhook/deliveries',
  operationId: 'listWebhookDeliveries',
  tag: 'alerts',
  summary: 'The latest webhook deliveries and their outcome, newest first',
  access: admins,
  responses: { 200: z.object({ deliveries: z.array(WebhookDelivery) }) },
});
