import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { writeAudit } from '../auth/audit.js';
import { actorOf, authOf } from '../auth/guard.js';
import { DomainError } from '../errors.js';
import { routeOf } from '../http/route.js';
import { loadRecipients, saveRecipients, unsubscribeByToken } from './recipients.js';

export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const emailEnabled = () => Boolean(app.deps.config.METERLINE_SMTP_URL);

  app.route({
    ...routeOf(contract.getNotificationRecipients),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const recipients = await app.deps.db.withTenant(tenantId, (tx) => loadRecipients(tx, tenantId));
      return { recipients, emailEnabled: emailEnabled() };
    },
  });

  app.route({
    ...routeOf(contract.setNotificationRecipients),
    handler: async (request) => {
      const auth = authOf(request);
      const { recipients } = request.body;
      const saved = await app.deps.db.withTenant(auth.tenantId, async (tx) => {
        await saveRecipients(tx, auth.tenantId, recipients, app.deps.now());
        await writeAudit(
          tx,
          auth.tenantId,
          { actor: actorOf(auth), at: app.deps.now() },
          'notifications.recipients_changed',
          { recipients },
        );
        return loadRecipients(tx, auth.tenantId);
      });
      return { recipients: saved, emailEnabled: emailEnabled() };
    },
  });

  app.route({
    ...routeOf(contract.unsubscribe),
    handler: async (request) => {
      const email = await unsubscribeByToken(app.deps.db, request.body.token);
      if (!email) throw new DomainError('unknown_unsubscribe_token', 'This unsubscribe link is not known.');
      return { email };
    },
  });
};
