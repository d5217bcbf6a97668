import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { milliToCredits } from '../../shared/credits.js';
import { authOf, requireUser } from '../auth/guard.js';
import { Credits, errorResponses } from '../http/schemas.js';
import { loadBillingContext } from '../ledger/plans.js';
import { computeForecast, HORIZON_MONTHS } from './forecast.js';
import { planCredits } from './planner.js';

const ModelName = z.enum(['holt-winters', 'holt', 'recent-rate', 'none']);
const Mape = z.number().nullable().describe('Mean absolute percentage error, in percent; null without usage');

const ForecastBody = z.object({
  today: z.string().describe("The tenant's local date the forecast was made on"),
  months: z
    .array(z.object({ month: z.string(), credits: Credits, lower: Credits, upper: Credits }))
    .describe(
      'The current month (its usage so far plus the projection for the rest) and the months after it',
    ),
  currentMonthSoFar: Credits,
  history: z.array(z.object({ month: z.string(), credits: Credits })).describe('Complete months, up to 36'),
  model: z.object({ name: ModelName, reason: z.string(), band: z.string() }),
  backtest: z
    .object({
      model: ModelName,
      heldOutMonths: z.number(),
      mape: Mape,
      naiveLastMonthMape: Mape,
      naiveLastYearMape: Mape,
      errorCredits: Credits.describe('Mean absolute error per held-out month'),
      naiveLastMonthErrorCredits: Credits,
      naiveLastYearErrorCredits: Credits.nullable(),
      points: z.array(
        z.object({
          month: z.string(),
          actual: Credits,
          forecast: Credits,
          naiveLastMonth: Credits,
          naiveLastYear: Credits.nullable(),
        }),
      ),
    })
    .nullable()
    .describe('Null with under a year of complete months'),
  completionRate: z.number().nullable().describe('Credits per invited candidate over the last year'),
  runway: z.object({
    date: z.string().nullable().describe('The local date the balance runs out at the projected pace'),
    early: z.string().nullable().describe('… at the band’s upper pace'),
    late: z.string().nullable().describe('… at the band’s lower pace (null: not within the horizon)'),
    horizonEnd: z.string(),
    summary: z.string(),
    balance: Credits,
    openInvitations: z.number(),
    expectedFromInvitations: Credits,
    expiringUnused: Credits.describe('Credits expiring unused before the horizon at the projected pace'),
  }),
  endOfPeriod: z.object({
    periodStart: z.string(),
    periodEnd: z.string(),
    allotment: Credits,
    usedSoFar: Credits,
    projected: Credits,
    lower: Credits,
    upper: Credits,
    expiringUnused: Credits,
    rollingOver: Credits,
  }),
});

const PlanQuery = z.object({
  // Defaults: the help article's example, 5 roles a month with 50 candidates each.
  roles: z.coerce.number().min(0).max(10_000).default(5).describe('Roles hired for per month'),
  candidates: z.coerce.number().min(0).max(100_000).default(50).describe('Candidates invited per role'),
  completion: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Share of candidates who complete, 0..1; default: the tenant's observed rate"),
  months: z.coerce.number().int().min(1).max(HORIZON_MONTHS).default(1),
  buffer: z.coerce.number().min(0).max(1).default(0.2).describe('Extra share on top, 0..1 (0.2 = +20 %)'),
});

export const forecastRoutes: FastifyPluginAsyncZod = async (app) => {
  const admins = requireUser('account_admin');

  app.get(
    '/consumption/forecast',
    {
      preValidation: admins,
      schema: {
        tags: ['consumption'],
        summary: 'Projected credits per month with an 80 % band, the backtest, the runway and the period end',
        querystring: z.object({
          months: z.coerce.number().int().min(1).max(HORIZON_MONTHS).default(HORIZON_MONTHS),
        }),
        response: { 200: ForecastBody, ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      return app.deps.db.withTenant(tenantId, async (tx) =>
        computeForecast(tx, await loadBillingContext(tx, tenantId), app.deps.now(), request.query.months),
      );
    },
  );

  app.get(
    '/consumption/plan',
    {
      preValidation: admins,
      schema: {
        tags: ['consumption'],
        summary:
          'The hiring planner: interviews and credits a hiring plan needs, with the buffer, and what to buy',
        querystring: PlanQuery,
        response: {
          200: z.object({
            roles: z.number(),
            candidates: z.number(),
            completion: z.number(),
            completionSource: z.enum(['given', 'observed', 'default']),
            months: z.number(),
            buffer: z.number(),
            interviews: z.number(),
            credits: Credits,
            creditsWithBuffer: Credits,
            allotment: Credits.describe("The plan's allotment over the months"),
            rollover: Credits.describe('Credits expected to roll over into the planned months'),
            available: Credits,
            toBuy: Credits,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const q = request.query;
      return app.deps.db.withTenant(tenantId, async (tx) => {
        const ctx = await loadBillingContext(tx, tenantId);
        const forecast = await computeForecast(tx, ctx, app.deps.now(), 1);
        const observed = forecast.completionRate;
        const completion = q.completion ?? observed ?? 1;
        const allotmentPerMonth =
          milliToCredits(ctx.plan.allotmentMilli) / (ctx.plan.periodUnit === 'year' ? 12 : 1);
        const rollover = forecast.endOfPeriod.rollingOver;
        const plan = planCredits({ ...q, completion, allotmentPerMonth, rollover });
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
          ...plan,
          allotment: Math.round(allotmentPerMonth * q.months * 1000) / 1000,
          rollover,
        };
      });
    },
  );
};
