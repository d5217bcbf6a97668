import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { addDays, localDate } from '../../shared/calendar.js';
import * as contract from '../../shared/contract/index.js';
import { milliToCredits } from '../../shared/credits.js';
import { actorOf, sessionOf } from '../auth/guard.js';
import type { Database, Queryable } from '../db/database.js';
import { routeOf } from '../http/route.js';
import { loadBillingContext } from '../ledger/plans.js';
import { checkBudget } from './input.js';
import { type BudgetRow, createBudget, deleteBudget, findBudget, updateBudget } from './store.js';
import { scopeDailyUsage, windowOf } from './usage.js';
import { budgetViews, listBudgetViews } from './view.js';

/** Days of a total budget's usage chart. */
const TOTAL_CHART_DAYS = 90;

/** The API's view of the budgets `pick` reads, in one transaction. */
async function viewsOf(
  db: Database,
  tenantId: string,
  now: Date,
  pick: (tx: Queryable) => Promise<BudgetRow[]>,
) {
  return db.withTenant(tenantId, async (tx) => {
    const ctx = await loadBillingContext(tx, tenantId);
    return budgetViews(tx, ctx, await pick(tx), now);
  });
}

/** The API's view of one budget just written. */
async function viewOf(db: Database, tenantId: string, now: Date, row: BudgetRow) {
  const [view] = await viewsOf(db, tenantId, now, async () => [row]);
  if (!view) throw new Error(`No view of budget ${row.id}`);
  return view;
}

/** Budgets (docs/product.md, Budgets): account admins only, every change audited. */
export const budgetRoutes: FastifyPluginAsyncZod = async (app) => {
  const auditOf = (request: Parameters<typeof sessionOf>[0]) => ({
    actor: actorOf(sessionOf(request)),
    at: app.deps.now(),
  });

  app.route({
    ...routeOf(contract.listBudgets),
    handler: async (request) => {
      const { tenantId } = sessionOf(request);
      return { items: await listBudgetViews(app.deps.db, tenantId, app.deps.now()) };
    },
  });

  app.route({
    ...routeOf(contract.createBudget),
    handler: async (request, reply) => {
      const { tenantId } = sessionOf(request);
      const settings = checkBudget(request.body);
      const created = await createBudget(app.deps.db, tenantId, settings, auditOf(request));
      return reply.status(201).send(await viewOf(app.deps.db, tenantId, app.deps.now(), created));
    },
  });

  app.route({
    ...routeOf(contract.updateBudget),
    handler: async (request) => {
      const { tenantId } = sessionOf(request);
      const settings = checkBudget(request.body);
      const updated = await updateBudget(
        app.deps.db,
        tenantId,
        request.params.budgetId,
        settings,
        auditOf(request),
      );
      return viewOf(app.deps.db, tenantId, app.deps.now(), updated);
    },
  });

  app.route({
    ...routeOf(contract.deleteBudget),
    handler: async (request, reply) => {
      const { tenantId } = sessionOf(request);
      await deleteBudget(app.deps.db, tenantId, request.params.budgetId, auditOf(request));
      return reply.status(204).send();
    },
  });

  app.route({
    ...routeOf(contract.getBudgetUsage),
    handler: async (request) => {
      const { tenantId } = sessionOf(request);
      const now = app.deps.now();
      return app.deps.db.withTenant(tenantId, async (tx) => {
        const budget = await findBudget(tx, tenantId, request.params.budgetId);
        const ctx = await loadBillingContext(tx, tenantId);
        const today = localDate(now, ctx.timeZone);
        const window = windowOf(budget.window, ctx, now);
        const from = window.from ?? addDays(today, -(TOTAL_CHART_DAYS - 1));
        // The window's days so far (a window holds today, so `to` is today at most).
        const to = window.to !== null && window.to < today ? window.to : today;
        const daily = await scopeDailyUsage(tx, tenantId, budget.scope, { from, to });
        const points = [];
        for (let day = from; day <= to; day = addDays(day, 1)) {
          points.push({ day, credits: milliToCredits(daily.get(day) ?? 0) });
        }
        return { from, to, points };
      });
    },
  });
};
