import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { milliToCredits } from '../../shared/credits.js';
import { writeAudit } from '../auth/audit.js';
import { actorOf, authOf, requireUser } from '../auth/guard.js';
import { badRequest, conflict } from '../http/errors.js';
import { Credits, errorResponses } from '../http/schemas.js';
import { readAccount } from '../ledger/account.js';
import { loadBillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { isPlainlyPrivate } from './destination.js';
import { newWebhookSecret } from './signature.js';
import {
  loadAlertSettings,
  queueDeliveries,
  recentAlerts,
  recentDeliveries,
  rotateWebhookSecret,
  saveAlertSettings,
} from './store.js';
import { normalizeThresholds, percentLeft, reachedThresholds } from './thresholds.js';

const Settings = z.object({
  thresholds: z.array(z.number()).describe('Shares of the allotment (percent) that raise an alert'),
  webhookUrl: z.string().nullable(),
  hasSecret: z.boolean().describe('Whether a signing secret exists (it is shown only when made)'),
});

const SettingsInput = z
  .object({
    thresholds: z.array(z.number().int().min(0).max(100)).max(10),
    webhookUrl: z.string().max(2000).nullable(),
  })
  .strict();

const Alert = z.object({
  periodStart: z.date(),
  thresholdPercent: z.number(),
  raisedAt: z.date(),
  balance: Credits.describe('Credits left when it was raised'),
  allotment: Credits,
});

const Delivery = z.object({
  id: z.string(),
  eventType: z.string(),
  createdAt: z.date(),
  attempts: z.number(),
  nextAttemptAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  abandonedAt: z.date().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
});

/** An absolute http(s) URL, or a 400 that says what is wrong. */
function checkWebhookUrl(url: string, allowPrivate: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('invalid_webhook_url', 'The webhook URL must be an absolute http or https URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest('invalid_webhook_url', 'The webhook URL must use http or https.');
  }
  if (parsed.username || parsed.password) {
    throw badRequest('invalid_webhook_url', 'The webhook URL must not hold a user name or password.');
  }
  if (!allowPrivate && isPlainlyPrivate(parsed.toString())) {
    throw badRequest(
      'webhook_url_not_public',
      'The webhook URL must be reachable on the internet: not this server nor a private network.',
    );
  }
  return parsed.toString();
}

/** Credit alerts and the webhook that carries them (docs/product.md, Credit alerts); account admins only. */
export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const admins = requireUser('account_admin');

  app.get(
    '/alerts',
    {
      onRequest: admins,
      schema: {
        tags: ['alerts'],
        summary: "The current period's credits left against the thresholds, and the alerts raised",
        response: {
          200: z.object({
            period: z.object({ start: z.date(), end: z.date() }),
            balance: Credits,
            allotment: Credits,
            percentLeft: z.number().describe('Credits left as a share of the allotment (percent)'),
            thresholds: z.array(z.number()),
            reached: z.array(z.number()).describe('Thresholds the balance is at or below now'),
            alerts: z.array(Alert).describe('The latest alerts, newest first'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const now = app.deps.now();
      return app.deps.db.withTenant(tenantId, async (tx) => {
        const ctx = await loadBillingContext(tx, tenantId);
        const { balanceMilli } = await readAccount(tx, tenantId, { lock: false });
        const period = await currentPeriod(tx, ctx, now);
        const { allotmentMilli } = period;
        const alerts = await recentAlerts(tx, tenantId, 20);
        return {
          period: { start: period.start, end: period.end },
          balance: milliToCredits(balanceMilli),
          allotment: milliToCredits(allotmentMilli),
          percentLeft: percentLeft(balanceMilli, allotmentMilli),
          thresholds: ctx.alertThresholds,
          reached: reachedThresholds(ctx.alertThresholds, balanceMilli, allotmentMilli),
          alerts: alerts.map((a) => ({
            periodStart: a.periodStart,
            thresholdPercent: a.thresholdPercent,
            raisedAt: a.raisedAt,
            balance: milliToCredits(a.balanceMilli),
            allotment: milliToCredits(a.allotmentMilli),
          })),
        };
      });
    },
  );

  app.get(
    '/alerts/settings',
    {
      onRequest: admins,
      schema: {
        tags: ['alerts'],
        summary: 'Alert thresholds and the webhook endpoint',
        response: { 200: Settings, ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      return app.deps.db.withTenant(tenantId, (tx) => loadAlertSettings(tx, tenantId));
    },
  );

  app.put(
    '/alerts/settings',
    {
      onRequest: admins,
      schema: {
        tags: ['alerts'],
        summary:
          'Set the thresholds and the webhook URL; the signing secret is made with the first URL and shown once',
        body: SettingsInput,
        response: {
          200: Settings.extend({ secret: z.string().nullable().describe('The new signing secret, once') }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const { tenantId } = auth;
      const allowPrivate = app.deps.config.METERLINE_WEBHOOK_ALLOW_PRIVATE ?? false;
      const webhookUrl =
        request.body.webhookUrl === null ? null : checkWebhookUrl(request.body.webhookUrl, allowPrivate);
      const thresholds = normalizeThresholds(request.body.thresholds);
      return app.deps.db.withTenant(tenantId, async (tx) => {
        const { createdSecret } = await saveAlertSettings(
          tx,
          tenantId,
          { thresholds, webhookUrl },
          newWebhookSecret,
        );
        await writeAudit(
          tx,
          tenantId,
          { actor: actorOf(auth), at: app.deps.now() },
          'alerts.settings_changed',
          {
            thresholds,
            webhookUrl,
          },
        );
        return { ...(await loadAlertSettings(tx, tenantId)), secret: createdSecret };
      });
    },
  );

  app.post(
    '/alerts/webhook/secret',
    {
      onRequest: admins,
      schema: {
        tags: ['alerts'],
        summary: 'Replace the webhook signing secret; the new one is shown once',
        response: { 200: z.object({ secret: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const secret = newWebhookSecret();
      await app.deps.db.withTenant(auth.tenantId, async (tx) => {
        if (!(await rotateWebhookSecret(tx, auth.tenantId, secret))) {
          throw conflict('webhook_not_configured', 'Set a webhook URL first.');
        }
        await writeAudit(
          tx,
          auth.tenantId,
          { actor: actorOf(auth), at: app.deps.now() },
          'alerts.webhook_secret_rotated',
          {},
        );
      });
      return { secret };
    },
  );

  app.post(
    '/alerts/webhook/test',
    {
      onRequest: admins,
      schema: {
        tags: ['alerts'],
        summary: 'Queue a signed test event to the webhook endpoint (sent within seconds)',
        response: { 202: z.object({ id: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = authOf(request);
      const at = app.deps.now();
      const id = randomUUID();
      await app.deps.db.withTenant(tenantId, async (tx) => {
        const settings = await loadAlertSettings(tx, tenantId);
        if (!settings.webhookUrl) throw conflict('webhook_not_configured', 'Set a webhook URL first.');
        const body = JSON.stringify({ id, type: 'webhook.test', createdAt: at.toISOString(), data: {} });
        await queueDeliveries(tx, tenantId, 'webhook.test', [{ id, body }], at);
      });
      return reply.status(202).send({ id });
    },
  );

  app.get(
    '/alerts/webhook/deliveries',
    {
      onRequest: admins,
      schema: {
        tags: ['alerts'],
        summary: 'The latest webhook deliveries and their outcome, newest first',
        response: { 200: z.object({ deliveries: z.array(Delivery) }), ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const deliveries = await app.deps.db.withTenant(tenantId, (tx) => recentDeliveries(tx, tenantId, 50));
      return { deliveries };
    },
  );
};
