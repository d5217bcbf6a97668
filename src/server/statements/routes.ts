import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { milliToCredits } from '../../shared/credits.js';
import { actorOf, authOf } from '../auth/guard.js';
import { routeOf } from '../http/route.js';
import { loadBillingContext } from '../ledger/plans.js';
import { type PdfDownload, purchasesOf, receiptDownload, statementDownload } from './documents.js';
import { statementInCredits, statementsOf } from './figures.js';

/** Streams a PDF to the reply as an attachment. */
function sendPdf(reply: FastifyReply, { fileName, doc }: PdfDownload) {
  return reply
    .header('content-type', contract.PDF_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(doc);
}

export const statementRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.listStatements),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const statements = await app.deps.db.withTenant(tenantId, async (tx) =>
        statementsOf(tx, await loadBillingContext(tx, tenantId)),
      );
      return {
        items: statements.map(statementInCredits),
      };
    },
  });

  app.route({
    ...routeOf(contract.downloadStatement),
    handler: async (request, reply) => {
      const auth = authOf(request);
      const pdf = await statementDownload(app.deps.db, auth.tenantId, request.params.periodStart, {
        actor: actorOf(auth),
        now: app.deps.now(),
      });
      return sendPdf(reply, pdf);
    },
  });

  app.route({
    ...routeOf(contract.listPurchases),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const purchases = await app.deps.db.withTenant(tenantId, (tx) => purchasesOf(tx, tenantId));
      return {
        items: purchases.map(({ creditsMilli, ...p }) => ({ ...p, credits: milliToCredits(creditsMilli) })),
      };
    },
  });

  app.route({
    ...routeOf(contract.downloadReceipt),
    handler: async (request, reply) => {
      const auth = authOf(request);
      const pdf = await receiptDownload(app.deps.db, auth.tenantId, request.params.purchaseId, {
        actor: actorOf(auth),
        now: app.deps.now(),
      });
      return sendPdf(reply, pdf);
    },
  });
};
