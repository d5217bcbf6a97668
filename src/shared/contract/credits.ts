import { z } from 'zod';
import { Credits, endpoint, Instant, QueryInt } from './common.js';

/** How long a billing period lasts. */
export const PERIOD_UNITS = ['month', 'year'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

/** What happens to a period's unused credits at its end. */
export const ROLLOVER_MODES = ['none', 'all', 'capped'] as const;
export type RolloverMode = (typeof ROLLOVER_MODES)[number];

/** Whether interviews may go on past a balance of zero (up to a limit) or are refused. */
export const OVERAGE_MODES = ['allow', 'block'] as const;
export type OverageMode = (typeof OVERAGE_MODES)[number];

/** The most credits one purchase may buy, whatever the tenant's own limit. */
export const MAX_PURCHASE_CREDITS = 1_000_000;

/** Where a lot's credits came from. */
export const LOT_KINDS = ['grant', 'rollover', 'purchase', 'adjustment'] as const;
export type LotKind = (typeof LOT_KINDS)[number];

/** What a ledger entry records (docs/product.md, Ledger and periods). */
export const LEDGER_KINDS = [
  ...LOT_KINDS,
  'auto_top_up',
  'consumption',
  'reversal',
  'expiry',
  'overage_settlement',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Credits that expire on their own date within the warning window (docs/product.md, The balance). */
export const EXPIRY_WARNING_DAYS = 30;

export const Lot = z.object({
  id: z.string(),
  kind: z.enum(LOT_KINDS),
  amount: Credits,
  remaining: Credits,
  grantedAt: Instant,
  expiresAt: Instant.nullable(),
});

export const PlanTerms = z.object({
  name: z.string(),
  periodUnit: z.enum(PERIOD_UNITS),
  allotment: Credits,
  rollover: z.object({
    mode: z.enum(ROLLOVER_MODES),
    cap: Credits.nullable(),
    capPercent: z.number().nullable(),
    expiresAfterPeriods: z.number().nullable().describe('Rolled credits last this many further periods'),
  }),
  partialRule: z.object({
    version: z.number(),
    tiers: z.array(z.object({ minCompletion: z.number(), credits: Credits })),
  }),
  creditPriceCents: z.number(),
  currency: z.string(),
  purchaseValidityMonths: z.number(),
  purchaseLimit: Credits.describe('The most credits one purchase may buy'),
});
export type PlanTerms = z.infer<typeof PlanTerms>;

const Expiry = z.object({
  credits: Credits,
  expiresAt: Instant,
  kinds: z.array(z.enum(LOT_KINDS)).describe('Where the expiring credits came from'),
});

export const Balance = z.object({
  balance: Credits.describe('grant + rollover + purchase + adjustment of the breakdown, less the overage'),
  overage: Credits.describe('Credits used beyond every lot, shown as a negative balance'),
  overageMode: z.enum(OVERAGE_MODES),
  overageLimit: Credits,
  period: z.object({ start: Instant, end: Instant, allotment: Credits }).nullable(),
  lots: z.array(Lot),
  breakdown: z
    .object(Object.fromEntries(LOT_KINDS.map((k) => [k, Credits])) as Record<LotKind, typeof Credits>)
    .describe(
      "Credits left in open lots, by where they came from: this period's grant, rolled over, purchased, given back",
    ),
  nextExpiry: Expiry.nullable().describe(
    'The earliest day (tenant time zone) on which purchased or given-back credits expire: its first expiry ' +
      "and every credit expiring that day; the period's credits expire or roll over at its end as the plan says",
  ),
  expiringSoon: Expiry.nullable().describe(
    `nextExpiry when it falls within ${EXPIRY_WARNING_DAYS} days (in the tenant's time zone), else null`,
  ),
  purchasedThisPeriod: z
    .object({ credits: Credits, totalCents: z.number().int(), currency: z.string() })
    .describe("Credits bought in the current period and what they cost, in the plan's currency"),
  plan: PlanTerms,
});

export const LedgerEntry = z.object({
  id: z.number(),
  kind: z.enum(LEDGER_KINDS),
  credits: Credits.describe('Signed: grants and purchases positive, consumption and expiry negative'),
  lotId: z.string().nullable(),
  interviewId: z.string().nullable(),
  rule: z.string().nullable(),
  ruleVersion: z.number().nullable(),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  openingId: z.string().nullable().describe("The charged interview's opening"),
  jobTitle: z.string().nullable().describe("The charged interview's opening's job title"),
  candidateId: z.string().nullable().describe("The charged interview's candidate"),
  effectiveAt: Instant.describe('When it took effect; the ledger is ordered by it, newest first'),
  createdAt: Instant.describe('When it was written'),
  actor: z
    .string()
    .describe("Who wrote it: 'user:<email>', 'api_key:<key id>', 'system' (period close, expiry) or 'cli'"),
  actorName: z
    .string()
    .describe("Who, for people: a user's name, 'Interview engine — key “prod”', 'Meterline'"),
});

export const Receipt = z.object({
  purchaseId: z.string(),
  credits: Credits,
  unitPriceCents: z.number(),
  totalCents: z.number(),
  currency: z.string(),
  lotId: z.string(),
  expiresAt: Instant,
  balance: Credits.describe('The balance right after this purchase'),
  createdAt: Instant,
});

const readers = { session: ['account_admin'], apiKey: 'usage:read' } as const;

export const getBalance = endpoint({
  method: 'GET',
  path: '/api/v1/credits/balance',
  operationId: 'getBalance',
  tag: 'credits',
  summary: 'The credits available now, the overage, the current period, the open lots and the plan',
  access: readers,
  responses: { 200: Balance },
});

export const listLedger = endpoint({
  method: 'GET',
  path: '/api/v1/credits/ledger',
  operationId: 'listLedgerEntries',
  tag: 'credits',
  summary: 'Ledger entries, newest first; pass nextCursor as cursor for the next page',
  description:
    'Newest first by effectiveAt, entries of one instant by id, highest first. Filters are exact; `kind` ' +
    `takes one kind or several, comma-separated (${LEDGER_KINDS.join(', ')}; else 400 invalid_kind).`,
  access: readers,
  query: z.object({
    limit: QueryInt().min(1).max(500).default(50),
    cursor: QueryInt().positive().optional().describe('The nextCursor of the page before'),
    interviewId: z.string().min(1).max(200).optional(),
    kind: z.string().min(1).max(200).optional().describe('Ledger kinds, comma-separated'),
  }),
  responses: {
    200: z.object({
      entries: z.array(LedgerEntry),
      nextCursor: z.number().nullable(),
      total: z.number().describe('Entries matching the filters, all pages'),
    }),
  },
  errors: ['invalid_kind', 'invalid_cursor'],
});

export const purchaseCredits = endpoint({
  method: 'POST',
  path: '/api/v1/credits/purchases',
  operationId: 'purchaseCredits',
  tag: 'credits',
  summary: 'Buy extra credits (idempotent by the Idempotency-Key header)',
  description:
    "At most the tenant's purchase limit per purchase (plan.purchaseLimit; else 400 purchase_limit_exceeded). " +
    'A repeat with the same key answers the first receipt again (200); the same key with another amount is 409 ' +
    'idempotency_key_reused.',
  access: { session: ['account_admin'], apiKey: 'credits:purchase' },
  headers: z.object({ 'idempotency-key': z.string().min(8).max(200) }).passthrough(),
  body: z.object({ credits: z.number().positive().max(MAX_PURCHASE_CREDITS) }).strict(),
  responses: {
    200: Receipt.describe('The receipt of the purchase made before with this key'),
    201: Receipt.describe('The receipt of the purchase just made'),
  },
  errors: ['invalid_credits', 'purchase_limit_exceeded', 'idempotency_key_reused'],
});

export const reverseCharge = endpoint({
  method: 'POST',
  path: '/api/v1/credits/reversals',
  operationId: 'reverseCharge',
  tag: 'credits',
  summary: "Reverse an interview's charge with a reason (a new ledger entry, never an edit)",
  access: { session: ['account_admin'] },
  body: z
    .object({ interviewId: z.string().min(1).max(200), reason: z.string().trim().min(3).max(500) })
    .strict(),
  responses: { 201: z.object({ interviewId: z.string(), reversed: Credits, balance: Credits }) },
  errors: ['not_found', 'already_reversed', 'nothing_to_reverse'],
});
