import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, startOfLocalDate } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import {
  emptyUsageCounts,
  INTERVIEW_FILTERS,
  totalInterviews,
  type UsageCounts,
} from '../../shared/metrics.js';
import { authOf, requireUserOrApiKey } from '../auth/guard.js';
import type { Queryable } from '../db/database.js';
import { badRequest, notFound } from '../http/errors.js';
import { Credits, errorResponses, keyAccess } from '../http/schemas.js';
import { readAccount } from '../ledger/account.js';
import { type BillingContext, loadBillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { findOpening, OPENING_STATUSES } from '../openings/queries.js';
import { bucketStarts } from './buckets.js';
import {
  type Granularity,
  OPENING_SORTS,
  openingInterviews,
  usageByBucket,
  usageByOpening,
  usageTotals,
} from './queries.js';
import { type DateRange, elapsedPart, previousRange, rangeDays, resolveRange } from './range.js';

const RangeQuery = z.object({
  from: z
    .string()
    .optional()
    .describe('First local date (YYYY-MM-DD); with to, else the current billing period'),
  to: z.string().optional().describe('Last local date, included'),
});

const Paging = {
  page: z.number(),
  pageSize: z.number(),
  total: z.number().describe('Rows matching, all pages'),
};

const Figures = z.object({
  totalInterviews: z.number(),
  creditsUsed: Credits,
  completed: z.number(),
  partiallyCompleted: z.number(),
  invited: z.number(),
  simulations: z.number(),
});

const figures = (c: UsageCounts) => ({
  totalInterviews: totalInterviews(c),
  creditsUsed: milliToCredits(c.creditsMilli),
  completed: c.completed,
  partiallyCompleted: c.partiallyCompleted,
  invited: c.invited,
  simulations: c.simulations,
});

const Counts = {
  invited: z.number(),
  started: z.number(),
  completed: z.number(),
  partiallyCompleted: z.number(),
  expired: z.number(),
  cancelled: z.number(),
  simulations: z.number(),
  creditsUsed: Credits,
};

const counts = (c: UsageCounts) => ({
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
  const readers = requireUserOrApiKey({ roles: ['account_admin'], scope: 'usage:read' });

  /** Runs fn in the caller's tenant with its billing context and the requested range. */
  function inTenant<T>(tenantId: string, fn: (tx: Queryable, ctx: BillingContext) => Promise<T>) {
    return app.deps.db.withTenant(tenantId, async (tx) => fn(tx, await loadBillingContext(tx, tenantId)));
  }

  app.get(
    '/consumption/summary',
    {
      onRequest: readers,
      schema: {
        tags: ['consumption'],
        ...keyAccess('usage:read', { session: true }),
        summary:
          'The summary cards: interviews, credits used, balance and allotment, with the previous range',
        querystring: RangeQuery,
        response: {
          200: z.object({
            periodStart: z.string(),
            periodEnd: z.string(),
            ...Figures.shape,
            remainingBalance: Credits,
            allotment: Credits,
            previous: z.object({
              periodStart: z.string(),
              periodEnd: z.string(),
              ...Figures.shape,
              toDate: z
                .object({ periodStart: z.string(), periodEnd: z.string(), ...Figures.shape })
                .nullable()
                .describe(
                  'While the range is in progress: the same number of days from the start of the previous range',
                ),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
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
  );

  app.get(
    '/consumption/openings',
    {
      onRequest: readers,
      schema: {
        tags: ['consumption'],
        ...keyAccess('usage:read', { session: true }),
        summary: 'Usage by opening: sortable, searchable, paginated, with totals',
        querystring: RangeQuery.extend({
          q: z.string().trim().max(200).optional(),
          sort: z.enum(Object.keys(OPENING_SORTS) as [keyof typeof OPENING_SORTS]).default('creditsUsed'),
          order: z.enum(['asc', 'desc']).default('desc'),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(25),
        }),
        response: {
          200: z.object({
            periodStart: z.string(),
            periodEnd: z.string(),
            items: z.array(
              z.object({
                openingId: z.string(),
                jobTitle: z.string(),
                status: z.string(),
                ...Counts,
                share: z.number(),
              }),
            ),
            totals: z.object({ ...Counts, totalInterviews: z.number() }),
            ...Paging,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
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
  );

  app.get(
    '/consumption/timeseries',
    {
      onRequest: readers,
      schema: {
        tags: ['consumption'],
        ...keyAccess('usage:read', { session: true }),
        summary: 'Usage per day, week or month; every bucket present, empty ones as zero',
        querystring: RangeQuery.extend({ granularity: z.enum(['day', 'week', 'month']).default('day') }),
        response: {
          200: z.object({
            granularity: z.enum(['day', 'week', 'month']),
            periodStart: z.string(),
            periodEnd: z.string(),
            points: z.array(z.object({ start: z.string(), interviews: z.number(), ...Counts })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const granularity: Granularity = request.query.granularity;
      return inTenant(tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        if (granularity === 'day' && rangeDays(range) > 2 * 366) {
          throw badRequest('range_too_long', 'Daily points are limited to two years; use week or month.');
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
  );

  app.get(
    '/consumption/year-over-year',
    {
      onRequest: readers,
      schema: {
        tags: ['consumption'],
        ...keyAccess('usage:read', { session: true }),
        summary: 'Twelve months of a year against the same months of the year before',
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
        response: {
          200: z.object({
            year: z.number(),
            months: z.array(
              z.object({
                month: z.number(),
                thisYear: z.object({ interviews: z.number(), creditsUsed: Credits }),
                lastYear: z.object({ interviews: z.number(), creditsUsed: Credits }),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
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
  );

  app.get(
    '/openings/:openingId/interviews',
    {
      onRequest: readers,
      schema: {
        tags: ['consumption'],
        ...keyAccess('usage:read', { session: true }),
        summary:
          "An opening's interviews invited in the range: state, times, credits and the rule that charged them",
        params: z.object({ openingId: z.string().min(1).max(200) }),
        querystring: RangeQuery.extend({
          status: z.enum(INTERVIEW_FILTERS).optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.object({
            openingId: z.string(),
            jobTitle: z.string(),
            openingStatus: z.enum(OPENING_STATUSES),
            periodStart: z.string(),
            periodEnd: z.string(),
            items: z.array(
              z.object({
                interviewId: z.string(),
                candidateId: z.string().nullable(),
                state: z.string(),
                isSimulation: z.boolean(),
                invitedAt: z.date(),
                startedAt: z.date().nullable(),
                finishedAt: z.date().nullable(),
                completion: z.number(),
                credits: Credits,
                rule: z.string().nullable(),
                ruleVersion: z.number().nullable(),
                reversedAt: z.date().nullable(),
                reversalReason: z.string().nullable(),
              }),
            ),
            ...Paging,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const { openingId } = request.params;
      const { status, page, pageSize } = request.query;
      return inTenant(tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        const opening = await findOpening(tx, tenantId, openingId);
        if (!opening) throw notFound(`Opening ${openingId}`);
        const { items, total } = await openingInterviews(tx, tenantId, openingId, {
          fromInstant: startOfLocalDate(range.from, ctx.timeZone),
          toInstant: startOfLocalDate(addDays(range.to, 1), ctx.timeZone),
          status,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        });
        return {
          openingId,
          jobTitle: opening.jobTitle,
          openingStatus: opening.status,
          periodStart: range.from,
          periodEnd: range.to,
          items: items.map(({ id, chargedMilli, chargeRule, chargeRuleVersion, ...i }) => ({
            interviewId: id,
            ...i,
            credits: milliToCredits(chargedMilli),
            rule: chargeRule,
            ruleVersion: chargeRuleVersion,
          })),
          page,
          pageSize,
          total,
        };
      });
    },
  );
};
