import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { milliToCredits } from '../../shared/credits.js';
import { writeAudit } from '../auth/audit.js';
import { actorOf, authOf } from '../auth/guard.js';
import { DomainError } from '../errors.js';
import { routeOf } from '../http/route.js';
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
  webhookEvent,
} from './store.js';
import { normalizeThresholds, percentLeft, reachedThresholds } from './thresholds.js';

/** An absolute http(s) URL, or a 400 that says what is wrong. */
function checkWebhookUrl(url: string, allowPrivate: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError('invalid_webhook_url', 'The webhook URL must be an absolute http or https URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new DomainError('invalid_webhook_url', 'The webhook URL must use http or https.');
  }
  if (parsed.username || parsed.password) {
    throw new DomainError('invalid_webhook_url', 'The webhook URL must not hold a user name or password.');
  }
  if (!allowPrivate && isPlainlyPrivate(parsed.toString())) {
    throw new DomainError(
      'webhook_url_not_public',
      'The webhook URL must be reachable on the internet: not this server nor a private network.',
    );
  }
  return parsed.toString();
}

/** Credit alerts and the webhook that carries them (docs/product.md, Credit alerts); account admins only. */
export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.getAlerts),
    handler: async (request) => {
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
            resolvedAt: a.resolvedAt,
          })),
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.getAlertSettings),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      return app.deps.db.withTenant(tenantId, (tx) => loadAlertSettings(tx, tenantId));
    },
  });

  app.route({
    ...routeOf(contract.saveAlertSettings),
    handler: async (request) => {
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
  });

  app.route({
    ...routeOf(contract.rotateWebhookSecret),
    handler: async (request) => {
      const auth = authOf(request);
      const secret = newWebhookSecret();
      await app.deps.db.withTenant(auth.tenantId, async (tx) => {
        if (!(await rotateWebhookSecret(tx, auth.tenantId, secret, app.deps.now()))) {
          throw new DomainError('webhook_not_configured', 'Set a webhook URL first.');
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
  });

  app.route({
    ...routeOf(contract.sendTestWebhook),
    handler: async (request, reply) => {
      const { tenantId } = authOf(request);
      const at = app.deps.now();
      const test = webhookEvent('webhook.test', at, {});
      await app.deps.db.withTenant(tenantId, async (tx) => {
        const settings = await loadAlertSettings(tx, tenantId);
        if (!settings.webhookUrl) throw new DomainError('webhook_not_configured', 'Set a webhook URL first.');
        await queueDeliveries(tx, tenantId, 'webhook.test', [test], at);
      });
      return reply.status(202).send({ id: test.id });
    },
  });

  app.route({
    ...routeOf(contract.listWebhookDeliveries),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const deliveries = await app.deps.db.withTenant(tenantId, (tx) => recentDeliveries(tx, tenantId, 50));
      return { deliveries };
    },
  });
};
