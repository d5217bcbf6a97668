import { z } from 'zod';
import { Credits, endpoint, LocalDate, Month, QueryInt, QueryNumber } from './common.js';
import { FILTER_DESCRIPTION, FILTER_FIELDS } from './consumption.js';

/** How far the projection, the runway and the planner look ahead, in months. */
export const HORIZON_MONTHS = 12;

/** The kinds of model a forecast can be served by, from the richest history's to none at all. */
export const MODEL_NAMES = [
  'holt-winters',
  'holt',
  'seasonal-naive',
  'naive',
  'recent-rate',
  'none',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
const ModelNameSchema = z.enum(MODEL_NAMES);

/** The models the backtest tries on a year or more of complete months, simplest first. */
export const CANDIDATE_NAMES = [
  'naive',
  'seasonal-naive',
  'recent-rate',
  'holt-damped',
  'holt',
  'holt-winters-additive-damped',
  'holt-winters-additive',
  'holt-winters-multiplicative-damped',
  'holt-winters-multiplicative',
  'holt-winters-log-damped',
  'holt-winters-log',
] as const;
export type CandidateName = (typeof CANDIDATE_NAMES)[number];
const CandidateNameSchema = z.enum(CANDIDATE_NAMES);

/** Where the planner's completion rate came from. */
export const COMPLETION_SOURCES = ['given', 'observed', 'default'] as const;

const Mape = z.number().nullable().describe('Mean absolute percentage error, in percent; null without usage');
const Share = z.number().min(0).max(1);

export const Backtest = z.object({
  model: ModelNameSchema,
  candidate: CandidateNameSchema,
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
      closedFormCoverage: Share.describe("Share of held-out months inside the model's closed-form 80 % band"),
      coverage: Share.describe('… inside the band served'),
      widenedBy: z.number().min(1).describe("Factor the band's spread was widened by (1: not widened)"),
    })
    .describe("The 80 % band checked on the backtest's held-out months"),
  points: z
    .array(
      z.object({
        month: Month,
        actual: Credits,
        forecast: Credits,
        naiveLastMonth: Credits,
        naiveLastYear: Credits.nullable(),
      }),
    )
    .describe("The latest origin's forecasts of the last six complete months"),
});

/** A model the backtest scored on the tenant's history. */
export const CandidateSummary = z.object({
  name: CandidateNameSchema,
  backtestMape: Mape,
  backtestErrorCredits: Credits.describe('Mean absolute error per held-out month'),
  served: z.boolean(),
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
  model: z.object({
    name: ModelNameSchema,
    candidate: CandidateNameSchema.nullable().describe('The candidate served, when the backtest chose one'),
    reason: z.string(),
    band: z.string(),
    candidates: z
      .array(CandidateSummary)
      .describe('Every model the backtest scored on this history; empty under a year of complete months'),
  }),
  backtest: Backtest.nullable().describe(
    "The served model's rolling-origin backtest beside both naive forecasts; null with under a year of complete months",
  ),
  completionRate: z.number().nullable().describe('Credits per invited candidate over the last year'),
  runway: z.object({
    date: LocalDate.nullable().describe('The local date the balance runs out at the projected pace'),
    early: LocalDate.nullable().describe('… at the band’s upper pace'),
    late: LocalDate.nullable().describe('… at the band’s lower pace (null: not within the horizon)'),
    horizonEnd: LocalDate,
    summary: z.string(),
    balance: Credits,
    openInvitations: z
      .number()
      .describe(
        'Interviews invited on the last 30 local days and still invited or started (docs/product.md, Forecast)',
      ),
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
  description: `${FILTER_DESCRIPTION} With filters, the months, history, model, backtest and completion rate are the matching interviews'; the runway and the period end stay the tenant's.`,
  access: admins,
  query: z
    .object({ months: QueryInt().min(1).max(HORIZON_MONTHS).default(HORIZON_MONTHS), ...FILTER_FIELDS })
    .loose(),
  responses: { 200: Forecast },
  errors: ['invalid_filter'],
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
