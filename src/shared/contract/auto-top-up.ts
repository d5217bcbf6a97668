import { z } from 'zod';
import { Credits, endpoint, Instant, LocalDate } from './common.js';
import { MAX_PURCHASE_CREDITS } from './credits.js';

/** The largest floor or monthly cap a tenant may set: far past any real balance, still exact. */
export const MAX_AUTO_TOP_UP_CREDITS = 1_000_000_000;

export const AutoTopUpPurchase = z.object({
  purchaseId: z.string(),
  credits: Credits,
  totalCents: z.number().int(),
  currency: z.string(),
  balanceAfter: Credits.describe('The balance right after the top-up'),
  createdAt: Instant,
});

export const AutoTopUp = z.object({
  configured: z.boolean().describe('Whether the tenant has ever set auto top-up'),
  enabled: z.boolean(),
  belowCredits: Credits.nullable().describe('A charge that takes the balance below this buys credits'),
  buyCredits: Credits.nullable().describe('How many credits each top-up buys'),
  monthlyCapCredits: Credits.nullable().describe(
    'The most credits auto top-up buys in a calendar month (tenant time zone)',
  ),
  updatedAt: Instant.nullable(),
  updatedBy: z.string().nullable().describe("Who last changed the settings, for people (a user's name)"),
  month: z.object({
    start: LocalDate.describe("The calendar month's first day"),
    boughtCredits: Credits.describe('Credits auto top-up bought this month'),
    topUps: z.number().int(),
    cappedAt: Instant.nullable().describe('When the cap first stopped a top-up this month'),
  }),
  recent: z.array(AutoTopUpPurchase).describe('The latest automatic purchases, newest first'),
});
export type AutoTopUp = z.infer<typeof AutoTopUp>;

export const getAutoTopUp = endpoint({
  method: 'GET',
  path: '/api/v1/credits/auto-top-up',
  operationId: 'getAutoTopUp',
  tag: 'credits',
  summary: "Auto top-up's settings, this month's automatic purchases against the cap, and the latest ones",
  access: { session: ['account_admin'], apiKey: 'usage:read' },
  responses: { 200: AutoTopUp },
});

export const setAutoTopUp = endpoint({
  method: 'PUT',
  path: '/api/v1/credits/auto-top-up',
  operationId: 'setAutoTopUp',
  tag: 'credits',
  summary: 'Set auto top-up: when a charge takes the balance below belowCredits, buy buyCredits (audited)',
  description:
    'At most monthlyCapCredits are bought automatically in a calendar month of the tenant; a top-up that ' +
    'would pass the cap is not made, and a credits.auto_top_up_capped alert says so once that month. ' +
    "buyCredits is at most the tenant's purchase limit (else 400 purchase_limit_exceeded); monthlyCapCredits " +
    'at least buyCredits (else 400 invalid_auto_top_up).',
  access: { session: ['account_admin'] },
  body: z
    .object({
      enabled: z.boolean(),
      belowCredits: z.number().min(0).max(MAX_AUTO_TOP_UP_CREDITS),
      buyCredits: z.number().positive().max(MAX_PURCHASE_CREDITS),
      monthlyCapCredits: z.number().positive().max(MAX_AUTO_TOP_UP_CREDITS),
    })
    .strict(),
  responses: { 200: AutoTopUp },
  errors: ['invalid_credits', 'invalid_auto_top_up', 'purchase_limit_exceeded'],
});
