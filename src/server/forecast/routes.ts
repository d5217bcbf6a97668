import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDate } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import { authOf, requireUser } from '../auth/guard.js';
import { Credits, errorResponses } from '../http/schemas.js';
import { loadBillingContext } from '../ledger/plans.js';
import { CANDIDATE_NAMES } from './candidates.js';
import { computeForecast, HORIZON_MONTHS } from './forecast.js';
import { completionRate, loadLedgerState } from './load.js';
import { planNeeds, planPace } from './planner.js';
import { simulateLedger } from './runway.js';

const ModelName = z.enum(['holt-winters', 'holt', 'seasonal-naive', 'naive', 'recent-rate', 'none']);
const CandidateName = z.enum(CANDIDATE_NAMES as [string, ...string[]]);
const Mape = z.number().nullable().describe('Mean absolute percentage error, in percent; null without usage');
const Share = z.number().min(0).max(1);

const ForecastBody = z.object({
  today: z.string().describe("The tenant's local date the forecast was made on"),
  months: z
    .array(z.object({ month: z.string(), credits: Credits, lower: Credits, upper: Credits }))
    .describe(
      'The current month (its usage so far plus the projection for the rest) and the months after it',
    ),
  currentMonthSoFar: Credits,
  history: z.array(z.object({ month: z.string(), credits: Credits })).describe('Complete months, up to 36'),
  model: z.object({
    name: ModelName,
    candidate: CandidateName.nullable().describe('The candidate served, when the backtest chose one'),
    reason: z.string(),
    band: z.string(),
    candidates: z
      .array(
        z.object({
          name: CandidateName,
          backtestMape: Mape,
          backtestErrorCredits: Credits.describe('Mean absolute error per held-out month'),
          served: z.boolean(),
        }),
      )
      .describe('Every model the backtest scored on this history; empty under a year of complete months'),
  }),
  backtest: z
    .object({
      model: ModelName,
      candidate: CandidateName,
      heldOutMonths: z.number().describe('Distinct months forecast across the origins'),
      origins: z.number().describe('Starting points of the rolling backtest'),
      horizonMonths: z.number().describe('Each origin forecasts 1 to this many months ahead'),
      mape: Mape,
      naiveLastMonthMape: Mape,
      naiveLastYearMape: Mape,
      errorCredits: Credits.describe('Mean absolute error per held-out month'),
      naiveLastMonthErrorCredits: Credits,
      naiveLastYearErrorCredits: Credits.nullable(),
      band: z
        .object({
          closedFormCoverage: Share.describe(
            "Share of held-out months inside the model's closed-form 80 % band",
          ),
          coverage: Share.describe('… inside the band served'),
          widenedBy: z.number().min(1).describe("Factor the band's spread was widened by (1: not widened)"),
        })
        .describe("The 80 % band checked on the backtest's held-out months"),
      points: z
        .array(
          z.object({
            month: z.string(),
            actual: Credits,
            forecast: Credits,
            naiveLastMonth: Credits,
            naiveLastYear: Credits.nullable(),
          }),
        )
        .describe("The latest origin's forecasts of the last six complete months"),
    })
    .nullable()
    .describe(
      "The served model's rolling-origin backtest beside both naive forecasts; null with under a year of complete months",
    ),
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
        const observed = await completionRate(tx, tenantId, today);
        const completion = q.completion ?? observed ?? 1;
        const needs = planNeeds({ ...q, completion });
        const ledger = await loadLedgerState(tx, tenantId, now);
        const sim = simulateLedger({
          ctx,
          now,
          lots: ledger.lots,
          overdraftMilli: ledger.overdraftMilli,
          monthly: planPace(needs.creditsWithBuffer * 1000, today, q.months),
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
