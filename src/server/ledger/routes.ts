import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { creditsToMilli, milliToCredits } from '../../shared/credits.js';
import { actorOf, authOf, requireUser, requireUserOrApiKey } from '../auth/guard.js';
import { badRequest } from '../http/errors.js';
import { Credits, errorResponses, keyAccess } from '../http/schemas.js';
import { loadBillingContext, type Plan } from './plans.js';
import { purchaseCredits } from './purchases.js';
import { balanceOf, ledgerPage } from './queries.js';
import { reverseCharge } from './reversals.js';

const Lot = z.object({
  id: z.string(),
  kind: z.string(),
  amount: Credits,
  remaining: Credits,
  grantedAt: z.date(),
  expiresAt: z.date().nullable(),
});

const Entry = z.object({
  id: z.number(),
  kind: z.string(),
  credits: Credits.describe('Signed: grants and purchases positive, consumption and expiry negative'),
  lotId: z.string().nullable(),
  interviewId: z.string().nullable(),
  rule: z.string().nullable(),
  ruleVersion: z.number().nullable(),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  effectiveAt: z.date(),
  createdAt: z.date(),
  actor: z.string(),
});

const PlanTerms = z.object({
  name: z.string(),
  periodUnit: z.enum(['month', 'year']),
  allotment: Credits,
  rollover: z.object({
    mode: z.enum(['none', 'all', 'capped']),
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

const planTerms = (plan: Plan): z.infer<typeof PlanTerms> => ({
  name: plan.name,
  periodUnit: plan.periodUnit,
  allotment: milliToCredits(plan.allotmentMilli),
  rollover: {
    mode: plan.rollover.mode,
    cap: plan.rollover.capMilli === null ? null : milliToCredits(plan.rollover.capMilli),
    capPercent: plan.rollover.capPercent,
    expiresAfterPeriods: plan.rollover.expiresAfterPeriods,
  },
  partialRule: {
    version: plan.partialRule.version,
    tiers: plan.partialRule.tiers.map((t) => ({
      minCompletion: t.minCompletion,
      credits: milliToCredits(t.creditsMilli),
    })),
  },
  creditPriceCents: plan.creditPriceCents,
  currency: plan.currency,
  purchaseValidityMonths: plan.purchaseValidityMonths,
  purchaseLimit: milliToCredits(plan.purchaseLimitMilli),
});

const Receipt = z.object({
  purchaseId: z.string(),
  credits: Credits,
  unitPriceCents: z.number(),
  totalCents: z.number(),
  currency: z.string(),
  lotId: z.string(),
  expiresAt: z.date(),
  balance: Credits.describe('The balance right after this purchase'),
  createdAt: z.date(),
});

export const creditRoutes: FastifyPluginAsyncZod = async (app) => {
  const admins = requireUser('account_admin');
  const readers = requireUserOrApiKey({ roles: ['account_admin'], scope: 'usage:read' });
  const buyers = requireUserOrApiKey({ roles: ['account_admin'], scope: 'credits:purchase' });

  app.get(
    '/credits/balance',
    {
      onRequest: readers,
      schema: {
        tags: ['credits'],
        summary: 'The credits available now, the overage, the current period and the open lots',
        ...keyAccess('usage:read', { session: true }),
        response: {
          200: z.object({
            balance: Credits,
            overage: Credits.describe('Credits used beyond every lot, shown as a negative balance'),
            overageMode: z.enum(['allow', 'block']),
            overageLimit: Credits,
            period: z.object({ start: z.date(), end: z.date(), allotment: Credits }).nullable(),
            lots: z.array(Lot),
            plan: PlanTerms,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const { db, now } = app.deps;
      return db.withTenant(tenantId, async (tx) => {
        const ctx = await loadBillingContext(tx, tenantId);
        const view = await balanceOf(tx, ctx, now());
        return {
          balance: milliToCredits(view.balanceMilli),
          overage: milliToCredits(view.overageMilli),
          overageMode: ctx.plan.overage.mode,
          overageLimit: milliToCredits(ctx.plan.overage.limitMilli),
          period: {
            start: view.period.start,
            end: view.period.end,
            allotment: milliToCredits(view.period.allotmentMilli),
          },
          lots: view.lots.map((l) => ({
            id: l.id,
            kind: l.kind,
            amount: milliToCredits(l.amountMilli),
            remaining: milliToCredits(l.remainingMilli),
            grantedAt: l.grantedAt,
            expiresAt: l.expiresAt,
          })),
          plan: planTerms(ctx.plan),
        };
      });
    },
  );

  app.get(
    '/credits/ledger',
    {
      onRequest: readers,
      schema: {
        tags: ['credits'],
        summary: 'Ledger entries, newest first; pass nextCursor as cursor for the next page',
        ...keyAccess('usage:read', { session: true }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.coerce.number().int().positive().optional(),
          interviewId: z.string().min(1).max(200).optional(),
        }),
        response: {
          200: z.object({ entries: z.array(Entry), nextCursor: z.number().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const { limit, cursor, interviewId } = request.query;
      const rows = await app.deps.db.withTenant(tenantId, (tx) =>
        ledgerPage(tx, tenantId, { limit: limit + 1, before: cursor, interviewId }),
      );
      const page = rows.slice(0, limit);
      return {
        entries: page.map(({ amountMilli, ...e }) => ({ ...e, credits: milliToCredits(amountMilli) })),
        nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.post(
    '/credits/purchases',
    {
      onRequest: buyers,
      schema: {
        tags: ['credits'],
        summary: 'Buy extra credits (idempotent by the Idempotency-Key header)',
        ...keyAccess('credits:purchase', {
          session: true,
          description:
            "At most the tenant's purchase limit per purchase (plan.purchaseLimit; else 400 purchase_limit_exceeded).",
        }),
        headers: z.object({ 'idempotency-key': z.string().min(8).max(200) }).passthrough(),
        body: z.object({ credits: z.number().positive().max(1_000_000) }).strict(),
        response: { 200: Receipt, 201: Receipt, ...errorResponses },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      let creditsMilli: number;
      try {
        creditsMilli = creditsToMilli(request.body.credits);
      } catch {
        throw badRequest('invalid_credits', 'Credits can have at most three decimals.');
      }
      const { receipt, replayed } = await purchaseCredits(app.deps.db, auth.tenantId, {
        idempotencyKey: request.headers['idempotency-key'],
        creditsMilli,
        actor: actorOf(auth),
        now: app.deps.now(),
      });
      const { creditsMilli: c, balanceAfterMilli, ...rest } = receipt;
      return reply
        .status(replayed ? 200 : 201)
        .send({ ...rest, credits: milliToCredits(c), balance: milliToCredits(balanceAfterMilli) });
    },
  );

  app.post(
    '/credits/reversals',
    {
      onRequest: admins,
      schema: {
        tags: ['credits'],
        summary: "Reverse an interview's charge with a reason (a new ledger entry, never an edit)",
        body: z
          .object({ interviewId: z.string().min(1).max(200), reason: z.string().trim().min(3).max(500) })
          .strict(),
        response: {
          201: z.object({ interviewId: z.string(), reversed: Credits, balance: Credits }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const result = await reverseCharge(app.deps.db, auth.tenantId, {
        ...request.body,
        actor: actorOf(auth),
        now: app.deps.now(),
      });
      return reply.status(201).send({
        interviewId: result.interviewId,
        reversed: milliToCredits(result.reversedMilli),
        balance: milliToCredits(result.balanceAfterMilli),
      });
    },
  );
};
