import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDate } from '../../shared/calendar.js';
import { creditsToMilli, milliToCredits } from '../../shared/credits.js';
import { authOf, requireUser } from '../auth/guard.js';
import { Credits, errorResponses } from '../http/schemas.js';
import { loadBillingContext } from '../ledger/plans.js';
import { computeForecast, HORIZON_MONTHS } from './forecast.js';
import { creditsPerInvitation, loadLedgerState } from './load.js';
import { planNeeds, planPace } from './planner.js';
import { simulateLedger } from './runway.js';

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
      onRequest: admins,
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
      onRequest: admins,
      schema: {
        tags: ['consumption'],
        summary:
          'The hiring planner: interviews and credits a hiring plan needs, with the buffer, and what to buy',
        description:
          "The plan's credits (with the buffer) are spread evenly from today over the months and played through the ledger's own rules (lots drawn in expiry order, period grants, rollover and expiry by the plan); what the credits available now and the grants to come cannot cover is `toBuy`.",
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
            balance: Credits.describe('Credits available now'),
            granted: Credits.describe("The plan's period grants within the months"),
            rollingOver: Credits.describe('Credits rolled over at period ends within the months'),
            expiring: Credits.describe("Credits expiring unused within the months, at the plan's pace"),
            toBuy: Credits,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const q = request.query;
      const now = app.deps.now();
      return app.deps.db.withTenant(tenantId, async (tx) => {
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
  );
};
