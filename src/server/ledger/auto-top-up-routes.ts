import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { actorOf, authOf } from '../auth/guard.js';
import { routeOf } from '../http/route.js';
import { autoTopUpView, changeAutoTopUp } from './auto-top-up-settings.js';
import { loadBillingContext } from './plans.js';

/** Auto top-up's settings (docs/product.md, Auto top-up); account admins change them. */
export const autoTopUpRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.getAutoTopUp),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      return app.deps.db.withTenant(tenantId, async (tx) =>
        autoTopUpView(tx, await loadBillingContext(tx, tenantId), app.deps.now()),
      );
    },
  });

  app.route({
    ...routeOf(contract.setAutoTopUp),
    handler: async (request) => {
      const auth = authOf(request);
      return app.deps.db.withTenant(auth.tenantId, (tx) =>
        changeAutoTopUp(tx, auth.tenantId, request.body, { actor: actorOf(auth), at: app.deps.now() }),
      );
    },
  });
};
