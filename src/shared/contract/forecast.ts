import { z } from 'zod';
import { Credits, endpoint, LocalDate, Month, QueryInt, QueryNumber } from './common.js';

/** How far the projection, the runway and the planner look ahead, in months. */
export const HORIZON_MONTHS = 12;

/** The forecasting models, from the richest history's to none at all. */
export const MODEL_NAMES = ['holt-winters', 'holt', 'recent-rate', 'none'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
const ModelNameSchema = z.enum(MODEL_NAMES);

/** Where the planner's completion rate came from. */
export const COMPLETION_SOURCES = ['given', 'observed', 'default'] as const;

const Mape = z.number().nullable().describe('Mean absolute percentage error, in percent; null without usage');

export const Backtest = z.object({
  model: ModelNameSchema,
  heldOutMonths: z.number(),
  mape: Mape,
  naiveLastMonthMape: Mape,
  naiveLastYearMape: Mape,
  errorCredits: Credits.describe('Mean absolute error per held-out month'),
  naiveLastMonthErrorCredits: Credits,
  naiveLastYearErrorCredits: Credits.nullable(),
  points: z.array(
    z.object({
      month: Month,
      actual: Credits,
      forecast: Credits,
      naiveLastMonth: Credits,
      naiveLastYear: Credits.nullable(),
    }),
  ),
});

export const Forecast = z.object({
  today: LocalDate.describe("The tenant's local date the forecast was made on"),
  months: z
    .array(z.object({ month: Month, credits: Credits, lower: Credits, upper: Credits }))
    .describe(
      'The current month (its usage so far plus the projection for the rest) and the months after it',
    ),
  currentMonthSoFar: Credits,
  history: z.array(z.object({ month: Month, credits: Credits })).describe('Complete months, up to 36'),
  model: z.object({ name: ModelNameSchema, reason: z.string(), band: z.string() }),
  backtest: Backtest.nullable().describe('Null with under a year of complete months'),
  completionRate: z.number().nullable().describe('Credits per invited candidate over the last year'),
  runway: z.object({
    date: LocalDate.nullable().describe('The local date the balance runs out at the projected pace'),
    early: LocalDate.nullable().describe('… at the band’s upper pace'),
    late: LocalDate.nullable().describe('… at the band’s lower pace (null: not within the horizon)'),
    horizonEnd: LocalDate,
    summary: z.string(),
    balance: Credits,
    openInvitations: z.number(),
    expectedFromInvitations: Credits,
    expiringUnused: Credits.describe('Credits expiring unused before the horizon at the projected pace'),
  }),
  endOfPeriod: z.object({
    periodStart: LocalDate,
    periodEnd: LocalDate,
    allotment: Credits,
    usedSoFar: Credits,
    projected: Credits,
    lower: Credits,
    upper: Credits,
    expiringUnused: Credits,
    rollingOver: Credits,
  }),
});

const admins = { session: ['account_admin'] } as const;

export const getForecast = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/forecast',
  operationId: 'getForecast',
  tag: 'forecast',
  summary: 'Projected credits per month with an 80 % band, the backtest, the runway and the period end',
  access: admins,
  query: z.object({ months: QueryInt().min(1).max(HORIZON_MONTHS).default(HORIZON_MONTHS) }),
  responses: { 200: Forecast },
});

export const PlanQuery = z.object({
  // Defaults: the help article's example, 5 roles a month with 50 candidates each.
  roles: QueryNumber().min(0).max(10_000).default(5).describe('Roles hired for per month'),
  candidates: QueryNumber().min(0).max(100_000).default(50).describe('Candidates invited per role'),
  completion: QueryNumber()
    .min(0)
    .max(1)
    .optional()
    .describe("Share of candidates who complete, 0..1; default: the tenant's observed rate"),
  months: QueryInt().min(1).max(HORIZON_MONTHS).default(1),
  buffer: QueryNumber().min(0).max(1).default(0.2).describe('Extra share on top, 0..1 (0.2 = +20 %)'),
});

export const getPlan = endpoint({
  method: 'GET',
  path: '/api/v1/consumption/plan',
  operationId: 'getHiringPlan',
  tag: 'forecast',
  summary: 'The hiring planner: interviews and credits a hiring plan needs, with the buffer, and what to buy',
  description:
    "The plan's credits (with the buffer) are spread evenly from today over the months and played through the ledger's own rules (lots drawn in expiry order, period grants, rollover and expiry by the plan); what the credits available now and the grants to come cannot cover is `toBuy`.",
  access: admins,
  query: PlanQuery,
  responses: {
    200: z.object({
      roles: z.number(),
      candidates: z.number(),
      completion: z.number(),
      completionSource: z.enum(COMPLETION_SOURCES),
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
  },
});
