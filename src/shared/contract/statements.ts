import { z } from 'zod';
import { Credits, endpoint, Instant, LocalDate } from './common.js';

/** The media type of statements and receipts. */
export const PDF_CONTENT_TYPE = 'application/pdf';

const readers = { session: ['account_admin'], apiKey: 'usage:read' } as const;

/** A PDF download, as the OpenAPI document shows it. */
const pdfAnswer = (description: string) => ({
  description,
  content: {
    [PDF_CONTENT_TYPE]: {
      schema: z.unknown().meta({ type: 'string', format: 'binary', description: 'A PDF document' }),
    },
  },
});

export const Statement = z.object({
  periodStart: LocalDate.describe("The period's first local date"),
  periodEnd: LocalDate.describe("The period's last local date"),
  closed: z.boolean().describe('false for the period in progress: its closing figures are as of now'),
  openingBalance: Credits.describe("The balance at the period's start, before its rollover and grant"),
  grants: Credits.describe("The period's grant"),
  rollover: Credits.describe('Credits rolled over into the period from the one before'),
  purchases: Credits.describe('Credits bought by hand (the console, the API)'),
  autoTopUps: Credits.describe('Credits bought by auto top-up'),
  consumption: Credits.describe('Credits charged for interviews finished in the period'),
  topOpenings: z
    .array(z.object({ openingId: z.string(), jobTitle: z.string().nullable(), consumption: Credits }))
    .describe('The openings that consumed most in the period (at most five), most first'),
  otherOpenings: Credits.describe("The consumption of the period's other openings"),
  reversals: Credits.describe('Credits given back by reversals made in the period'),
  adjustments: Credits,
  expiry: Credits.describe('Credits that expired for good in the period (not those rolled over)'),
  closingBalance: Credits.describe(
    "The balance at the period's end after its expiry, before the next period's grant; now for the period in progress",
  ),
  rolledOver: Credits.nullable().describe('The part of the closing balance rolled into the next period'),
});

export const listStatements = endpoint({
  method: 'GET',
  path: '/api/v1/credits/statements',
  operationId: 'listStatements',
  tag: 'credits',
  summary: 'The statement of every closed billing period and of the one in progress, newest first',
  description:
    'openingBalance + grants + rollover + purchases + autoTopUps − consumption + reversals + adjustments − expiry = closingBalance; ' +
    'the next period opens with closingBalance − rolledOver and credits rolledOver as its rollover.',
  access: readers,
  responses: { 200: z.object({ items: z.array(Statement) }) },
});

export const downloadStatement = endpoint({
  method: 'GET',
  path: '/api/v1/credits/statements/:periodStart',
  operationId: 'downloadStatement',
  tag: 'credits',
  summary: "One billing period's statement as a PDF (a download)",
  description:
    'The figures of listStatements for the period starting on periodStart (YYYY-MM-DD, the tenant’s time zone): ' +
    'a closed period or the one in progress (else 404 period_not_found). Every download is audited.',
  access: readers,
  params: z.object({ periodStart: z.string().max(100) }),
  responses: { 200: pdfAnswer('The statement, as an attachment') },
  errors: ['invalid_date', 'period_not_found'],
});

export const PurchaseLine = z.object({
  purchaseId: z.string(),
  credits: Credits,
  unitPriceCents: z.number(),
  totalCents: z.number(),
  currency: z.string(),
  idempotencyKey: z.string(),
  expiresAt: Instant,
  createdAt: Instant,
  actor: z.string(),
  actorName: z.string().describe("Who bought, for people ('Auto top-up' for an automatic purchase)"),
  automatic: z.boolean().describe('Bought by auto top-up'),
});

export const listPurchases = endpoint({
  method: 'GET',
  path: '/api/v1/credits/purchases',
  operationId: 'listPurchases',
  tag: 'credits',
  summary: 'Every purchase of credits, newest first',
  access: readers,
  responses: { 200: z.object({ items: z.array(PurchaseLine) }) },
});

export const downloadReceipt = endpoint({
  method: 'GET',
  path: '/api/v1/credits/purchases/:purchaseId/receipt',
  operationId: 'downloadReceipt',
  tag: 'credits',
  summary: "A purchase's receipt as a PDF (a download)",
  description: 'Unknown purchase ids are 404 purchase_not_found. Every download is audited.',
  access: readers,
  params: z.object({ purchaseId: z.string().max(200) }),
  responses: { 200: pdfAnswer('The receipt, as an attachment') },
  errors: ['purchase_not_found'],
});
