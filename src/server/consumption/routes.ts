import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Dimension } from '../../shared/attribution.js';
import { USAGE_COUNTERS } from '../../shared/contract/consumption.js';
import * as contract from '../../shared/contract/index.js';
import { milliToCredits } from '../../shared/credits.js';
import { emptyUsageCounts, totalInterviews, type UsageCounts } from '../../shared/metrics.js';
import { authOf } from '../auth/guard.js';
import { type Database, type Queryable, settleAll } from '../db/database.js';
import { DomainError, notFound } from '../errors.js';
import { readsFor } from '../http/reads.js';
import { routeOf } from '../http/route.js';
import { readAccount } from '../ledger/account.js';
import { type BillingContext, loadBillingContext } from '../ledger/plans.js';
import { currentPeriod } from '../ledger/queries.js';
import { findOpening } from '../openings/queries.js';
import { breakdownRows } from './breakdown.js';
import { type Bucket, bucketsOf } from './buckets.js';
import { decodeDrawerCursor, drawerQuery, encodeDrawerCursor } from './drawer-cursor.js';
import { filterOfQuery } from './filters.js';
import {
  attributeValues,
  openingInterviews,
  openingRowFigures,
  usageByBucket,
  usageByOpening,
  usageByValue,
  usageTotals,
} from './queries.js';
import { type DateRange, elapsedPart, previousRange, rangeDays, resolveRange, today } from './range.js';

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

/** Every count of a bucket that has not happened yet (the time series' null points). */
const notYet = Object.fromEntries([...USAGE_COUNTERS, 'creditsUsed'].map((k) => [k, null])) as Record<
  keyof z.output<typeof contract.Counts>,
  null
>;

/**
 * A bucket's counts, or null while it has not happened: every day of it after today and nothing
 * recorded on them. Events may be dated up to a day ahead of the clock; what they recorded is
 * shown, so the points always add up to the summary (docs/product.md, Time series and comparisons).
 */
function countsOf(b: Bucket, sums: Map<string, UsageCounts>): UsageCounts | null {
  return sums.get(b.start) ?? (b.begun ? emptyUsageCounts() : null);
}

/** Usage share in [0, 1], to four decimals. */
const share = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

export const consumptionRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Runs fn in the tenant with its billing context, on `db`: where the caller's reads go (readsFor). */
  function inTenant<T>(
    db: Database,
    tenantId: string,
    fn: (tx: Queryable, ctx: BillingContext) => Promise<T>,
  ) {
    return db.withTenant(tenantId, async (tx) => fn(tx, await loadBillingContext(tx, tenantId)));
  }

  app.route({
    ...routeOf(contract.getSummary),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const now = app.deps.now();
      const filter = filterOfQuery(request.query);
      const { db, dataAsOf } = readsFor(request);
      return inTenant(db, tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, now);
        const prev = previousRange(range, ctx);
        const day = today(ctx, now);
        const elapsed = elapsedPart(range, prev, day);
        const { balanceMilli } = await readAccount(tx, tenantId, { lock: false });
        const period = await currentPeriod(tx, ctx, now);
        return {
          periodStart: range.from,
          periodEnd: range.to,
          ...figures(await usageTotals(tx, tenantId, range, filter)),
          remainingBalance: milliToCredits(balanceMilli),
          allotment: milliToCredits(period.allotmentMilli),
          dataAsOf: dataAsOf.toISOString(),
          begun: range.from <= day,
          previous: {
            periodStart: prev.from,
            periodEnd: prev.to,
            ...figures(await usageTotals(tx, tenantId, prev, filter)),
            toDate: elapsed && {
              periodStart: elapsed.from,
              periodEnd: elapsed.to,
              ...figures(await usageTotals(tx, tenantId, elapsed, filter)),
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
      const filter = filterOfQuery(request.query);
      return inTenant(readsFor(request).db, tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        const totals = await usageTotals(tx, tenantId, range, filter);
        const { items, total } = await usageByOpening(tx, tenantId, range, {
          filter,
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
    ...routeOf(contract.getBreakdown),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { by, limit } = request.query;
      const dimension = by as Dimension;
      const filter = filterOfQuery(request.query);
      return inTenant(readsFor(request).db, tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        const [totals, values] = await settleAll([
          usageTotals(tx, tenantId, range, filter),
          usageByValue(tx, tenantId, dimension, range, filter),
        ]);
        const rows = breakdownRows(values, totals);
        return {
          by,
          periodStart: range.from,
          periodEnd: range.to,
          items: rows.slice(0, limit).map(({ key, label, ...c }) => ({
            key,
            label,
            ...counts(c),
            share: share(c.creditsMilli, totals.creditsMilli),
          })),
          totals: { ...counts(totals), totalInterviews: totalInterviews(totals) },
          total: rows.length,
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.listAttributes),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      return readsFor(request).db.withTenant(tenantId, (tx) =>
        attributeValues(tx, tenantId, contract.ATTRIBUTE_LIST_LIMIT),
      );
    },
  });

  app.route({
    ...routeOf(contract.getTimeseries),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { granularity } = request.query;
      const filter = filterOfQuery(request.query);
      const now = app.deps.now();
      return inTenant(readsFor(request).db, tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, now);
        if (granularity === 'day' && rangeDays(range) > 2 * 366) {
          throw new DomainError(
            'range_too_long',
            'Daily points are limited to two years; use week or month.',
          );
        }
        const sums = await usageByBucket(tx, tenantId, range, granularity, filter);
        return {
          granularity,
          periodStart: range.from,
          periodEnd: range.to,
          points: bucketsOf(range, granularity, today(ctx, now)).map((b) => {
            const { begun: _, ...bucket } = b;
            const c = countsOf(b, sums);
            return c
              ? { ...bucket, interviews: totalInterviews(c), ...counts(c) }
              : { ...bucket, interviews: null, ...notYet };
          }),
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.getYearOverYear),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const filter = filterOfQuery(request.query);
      const now = app.deps.now();
      return inTenant(readsFor(request).db, tenantId, async (tx, ctx) => {
        const day = today(ctx, now);
        const year = request.query.year ?? Number(day.slice(0, 4));
        const sums = await usageByBucket(
          tx,
          tenantId,
          { from: `${year - 1}-01-01`, to: `${year}-12-31` },
          'month',
          filter,
        );
        const usage = (r: DateRange, c: UsageCounts) => ({
          periodStart: r.from,
          periodEnd: r.to,
          interviews: totalInterviews(c),
          creditsUsed: milliToCredits(c.creditsMilli),
        });
        const monthOf = (m: Bucket) => {
          const c = countsOf(m, sums);
          return c && usage({ from: m.start, to: m.to }, c);
        };
        const lastYear = bucketsOf({ from: `${year - 1}-01-01`, to: `${year - 1}-12-31` }, 'month', day);
        const months = [];
        for (const [i, m] of bucketsOf(
          { from: `${year}-01-01`, to: `${year}-12-31` },
          'month',
          day,
        ).entries()) {
          const before = lastYear[i] as Bucket;
          // Like for like, by the summary cards' rule: the month in progress against the same days.
          const same = elapsedPart(m, before, day);
          months.push({
            month: i + 1,
            throughDay: m.throughDay,
            thisYear: monthOf(m),
            lastYear: same ? usage(same, await usageTotals(tx, tenantId, same, filter)) : monthOf(before),
          });
        }
        return { year, months };
      });
    },
  });

  app.route({
    ...routeOf(contract.listOpeningInterviews),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { openingId } = request.params;
      const { status, countedIn, cursor, pageSize } = request.query;
      if (cursor !== undefined && request.query.page !== undefined) {
        throw new DomainError('invalid_cursor', 'Pass either cursor or page, not both.');
      }
      return inTenant(readsFor(request).db, tenantId, async (tx, ctx) => {
        const range = resolveRange(request.query, ctx, app.deps.now());
        // The cursor names the query it was made for: its place and total mean nothing in another.
        const query = drawerQuery({ openingId, range, status, countedIn, pageSize });
        const from = cursor === undefined ? undefined : decodeDrawerCursor(cursor, query);
        const page = from?.page ?? request.query.page ?? 1;
        const opening = await findOpening(tx, tenantId, openingId);
        if (!opening) throw notFound(`Opening ${openingId}`);
        const [listed, totals] = await settleAll([
          openingInterviews(tx, tenantId, openingId, {
            range,
            timeZone: ctx.timeZone,
            status,
            countedIn,
            limit: pageSize,
            after: from?.after,
            offset: (page - 1) * pageSize,
          }),
          openingRowFigures(tx, tenantId, openingId, range),
        ]);
        const total = listed.total ?? from?.total ?? 0;
        const { creditsMilli, ...counted } = totals;
        return {
          openingId,
          jobTitle: opening.jobTitle,
          openingStatus: opening.status,
          periodStart: range.from,
          periodEnd: range.to,
          totals: { ...counted, creditsUsed: milliToCredits(creditsMilli) },
          items: listed.items.map(
            ({ id, chargedMilli, chargeRule, chargeRuleVersion, creditsInRangeMilli, ...i }) => ({
              interviewId: id,
              ...i,
              credits: milliToCredits(chargedMilli),
              rule: chargeRule,
              ruleVersion: chargeRuleVersion,
              creditsInRange: milliToCredits(creditsInRangeMilli),
            }),
          ),
          nextCursor: listed.next && encodeDrawerCursor(query, { page: page + 1, total, after: listed.next }),
          page,
          pageSize,
          total,
        };
      });
    },
  });
};
