import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import * as contract from '../../shared/contract/index.js';
import { milliToCredits } from '../../shared/credits.js';
import { emptyUsageCounts, totalInterviews, type UsageCounts } from '../../shared/metrics.js';
import { authOf } from '../auth/guard.js';
import type { Queryable } from '../db/database.js';
import { DomainError, notFound } from '../errors.js';
import { routeOf } from '../http/route.js';
import { readAccount } from '../ledger/account.js';
import { type BillingContext, loadBillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { findOpening } from '../openings/queries.js';
import { bucketStarts } from './buckets.js';
import { openingInterviews, usageByBucket, usageByOpening, usageTotals } from './queries.js';
import { type DateRange, elapsedPart, previousRange, rangeDays, resolveRange } from './range.js';

const figures = (c: UsageCounts): z.output<typeof contract.Figures> => ({
  totalInterviews: totalInterviews(c),
  creditsUsed: milliToCredits(c.creditsMilli),
  completed: c.completed,
  partiallyCompleted: c.partiallyCompleted,
  invited: c.invited,
  simulations: c.simulations,
});

const counts = (c: UsageCounts): z.output<typeof contract.Counts> => ({
  invited: c.invited,
  started: c.started,
  completed: c.completed,
  partiallyCompleted: c.partiallyCompleted,
  expired: c.expired,
  cancelled: c.cancelled,
  simulations: c.simulations,
  creditsUsed: milliToCredits(c.creditsMilli),
});

/** Usage share in [0, 1], to four decimals. */
const share = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

export const consumptionRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Runs fn in the caller's tenant with its billing context and the requested range. */
  function inTenant<T>(tenantId: string, fn: (tx: Queryable, ctx: BillingContext) => Promise<T>) {
    return app.deps.db.withTenant(tenantId, async (tx) => fn(tx, await loadBillingContext(tx, tenantId)));
  }

  app.route({
    ...routeOf(contract.getSummary),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const now = app.deps.now();
      return inTenant(tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, now);
        const prev = previousRange(range, ctx);
        const elapsed = elapsedPart(range, prev, ctx, now);
        const { balanceMilli } = await readAccount(tx, tenantId, { lock: false });
        const period = await currentPeriod(tx, ctx, now);
        return {
          periodStart: range.from,
          periodEnd: range.to,
          ...figures(await usageTotals(tx, tenantId, range)),
          remainingBalance: milliToCredits(balanceMilli),
          allotment: milliToCredits(period.allotmentMilli),
          previous: {
            periodStart: prev.from,
            periodEnd: prev.to,
            ...figures(await usageTotals(tx, tenantId, prev)),
            toDate: elapsed && {
              periodStart: elapsed.from,
              periodEnd: elapsed.to,
              ...figures(await usageTotals(tx, tenantId, elapsed)),
            },
          },
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.listOpeningUsage),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { q, sort, order, page, pageSize } = request.query;
      return inTenant(tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        const totals = await usageTotals(tx, tenantId, range);
        const { items, total } = await usageByOpening(tx, tenantId, range, {
          q: q || undefined,
          sort,
          order,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        });
        return {
          periodStart: range.from,
          periodEnd: range.to,
          items: items.map((o) => ({
            openingId: o.openingId,
            jobTitle: o.jobTitle,
            status: o.status,
            ...counts(o),
            share: share(o.creditsMilli, totals.creditsMilli),
          })),
          totals: { ...counts(totals), totalInterviews: totalInterviews(totals) },
          page,
          pageSize,
          total,
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.getTimeseries),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { granularity } = request.query;
      return inTenant(tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        if (granularity === 'day' && rangeDays(range) > 2 * 366) {
          throw new DomainError(
            'range_too_long',
            'Daily points are limited to two years; use week or month.',
          );
        }
        const sums = await usageByBucket(tx, tenantId, range, granularity);
        return {
          granularity,
          periodStart: range.from,
          periodEnd: range.to,
          points: bucketStarts(range, granularity).map((start) => {
            const c = sums.get(start) ?? emptyUsageCounts();
            return { start, interviews: totalInterviews(c), ...counts(c) };
          }),
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.getYearOverYear),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      return inTenant(tenantId, async (tx, ctx) => {
        const year = request.query.year ?? Number(resolveRange({}, ctx, app.deps.now()).to.slice(0, 4));
        const range: DateRange = { from: `${year - 1}-01-01`, to: `${year}-12-31` };
        const sums = await usageByBucket(tx, tenantId, range, 'month');
        const at = (y: number, m: number) => {
          const c = sums.get(`${y}-${String(m).padStart(2, '0')}-01`) ?? emptyUsageCounts();
          return { interviews: totalInterviews(c), creditsUsed: milliToCredits(c.creditsMilli) };
        };
        return {
          year,
          months: Array.from({ length: 12 }, (_, i) => ({
            month: i + 1,
            thisYear: at(year, i + 1),
            lastYear: at(year - 1, i + 1),
          })),
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.listOpeningInterviews),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { openingId } = request.params;
      const { status, countedIn, page, pageSize } = request.query;
      return inTenant(tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        const opening = await findOpening(tx, tenantId, openingId);
        if (!opening) throw notFound(`Opening ${openingId}`);
        const { items, total, totals } = await openingInterviews(tx, tenantId, openingId, {
          range,
          timeZone: ctx.timeZone,
          status,
          countedIn,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        });
        const { creditsMilli, ...counted } = totals;
        return {
          openingId,
          jobTitle: opening.jobTitle,
          openingStatus: opening.status,
          periodStart: range.from,
          periodEnd: range.to,
          totals: { ...counted, creditsUsed: milliToCredits(creditsMilli) },
          items: items.map(
            ({ id, chargedMilli, chargeRule, chargeRuleVersion, creditsInRangeMilli, ...i }) => ({
              interviewId: id,
              ...i,
              credits: milliToCredits(chargedMilli),
              rule: chargeRule,
              ruleVersion: chargeRuleVersion,
              creditsInRange: milliToCredits(creditsInRangeMilli),
            }),
          ),
          page,
          pageSize,
          total,
        };
      });
    },
  });
};
