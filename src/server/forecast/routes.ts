import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { localDate } from '../../shared/calendar.js';
import * as contract from '../../shared/contract/index.js';
import { creditsToMilli, milliToCredits } from '../../shared/credits.js';
import { authOf } from '../auth/guard.js';
import { filterOfQuery } from '../consumption/filters.js';
import { readsFor } from '../http/reads.js';
import { routeOf } from '../http/route.js';
import { loadBillingContext } from '../ledger/plans.js';
import { computeForecast } from './forecast.js';
import { creditsPerInvitation, loadLedgerState } from './load.js';
import { planNeeds, planPace } from './planner.js';
import { simulateLedger } from './runway.js';

export const forecastRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.getForecast),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const filter = filterOfQuery(request.query);
      return readsFor(request).db.withTenant(tenantId, async (tx) =>
        computeForecast(
          tx,
          await loadBillingContext(tx, tenantId),
          app.deps.now(),
          request.query.months,
          filter,
        ),
      );
    },
  });

  app.route({
    ...routeOf(contract.getPlan),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const q = request.query;
      const now = app.deps.now();
      return readsFor(request).db.withTenant(tenantId, async (tx) => {
        const ctx = await loadBillingContext(tx, tenantId);
        const today = localDate(now, ctx.timeZone);
        const observed = await creditsPerInvitation(tx, tenantId, today);
        const completion = q.completion ?? observed ?? 1;
        const needs = planNeeds({ ...q, completion });
        const ledger = await loadLedgerState(tx, tenantId, now);
        const sim = simulateLedger({
          ctx,
          now,
          lots: ledger.lots,
          overageMilli: ledger.overageMilli,
          monthly: planPace(creditsToMilli(needs.creditsWithBuffer), today, q.months),
          pipelineMilli: 0,
          horizonMonths: q.months,
          topUp: true,
        });
        return {
          roles: q.roles,
          candidates: q.candidates,
          completion,
          completionSource:
            q.completion !== undefined
              ? ('given' as const)
              : observed !== null
                ? ('observed' as const)
                : ('default' as const),
          months: q.months,
          buffer: q.buffer,
          ...needs,
          balance: milliToCredits(ledger.balanceMilli),
          granted: milliToCredits(sim.grantedMilli),
          rollingOver: milliToCredits(sim.rolledMilli),
          expiring: Math.round(milliToCredits(Math.max(0, sim.expiredMilli)) * 10) / 10,
          toBuy: Math.ceil(milliToCredits(sim.shortfallMilli) - 1e-9),
        };
      });
    },
  });
};
