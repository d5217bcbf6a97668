import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LEDGER_KINDS, type LedgerKind, LOT_KINDS, type LotKind } from '../../shared/contract/credits.js';
import * as contract from '../../shared/contract/index.js';
import { creditsToMilli, milliToCredits } from '../../shared/credits.js';
import { actorOf, authOf } from '../auth/guard.js';
import { DomainError } from '../errors.js';
import { routeOf } from '../http/route.js';
import { loadBillingContext, type Plan } from './plans.js';
import { purchaseCredits } from './purchases.js';
import { balanceOf, type ExpiryView, ledgerCount, ledgerPage } from './queries.js';
import { reverseCharge } from './reversals.js';

const planTerms = (plan: Plan): contract.PlanTerms => ({
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

const expiryOut = (e: ExpiryView | null) =>
  e && { credits: milliToCredits(e.milli), expiresAt: e.expiresAt, kinds: e.kinds };

/** `kind=consumption,reversal`: each a known ledger kind, else 400 invalid_kind. */
function parseKinds(list: string): LedgerKind[] {
  const kinds = list.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(LEDGER_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new DomainError(
      'invalid_kind',
      `Unknown ledger kind ${unknown.map((k) => JSON.stringify(k)).join(', ')}; kinds are ${LEDGER_KINDS.join(', ')}.`,
    );
  }
  return [...new Set(kinds as LedgerKind[])];
}

export const creditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.getBalance),
    handler: async (request) => {
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
          breakdown: Object.fromEntries(
            LOT_KINDS.map((k) => [k, milliToCredits(view.breakdownMilli[k])]),
          ) as Record<LotKind, number>,
          nextExpiry: expiryOut(view.nextExpiry),
          expiringSoon: expiryOut(view.expiringSoon),
          purchasedThisPeriod: {
            credits: milliToCredits(view.purchasedThisPeriod.milli),
            totalCents: view.purchasedThisPeriod.totalCents,
            currency: view.purchasedThisPeriod.currency,
          },
          plan: planTerms(ctx.plan),
        };
      });
    },
  });

  app.route({
    ...routeOf(contract.listLedger),
    handler: async (request) => {
      const { tenantId } = authOf(request);
      const { limit, cursor, interviewId, kind } = request.query;
      const filter = { interviewId, kinds: kind === undefined ? undefined : parseKinds(kind) };
      const { rows, total } = await app.deps.db.withTenant(tenantId, async (tx) => ({
        rows: await ledgerPage(tx, tenantId, { ...filter, limit: limit + 1, after: cursor }),
        total: await ledgerCount(tx, tenantId, filter),
      }));
      if (!rows) throw new DomainError('invalid_cursor', 'The cursor names no ledger entry of this tenant.');
      const page = rows.slice(0, limit);
      return {
        entries: page.map(({ amountMilli, ...e }) => ({ ...e, credits: milliToCredits(amountMilli) })),
        nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
        total,
      };
    },
  });

  app.route({
    ...routeOf(contract.purchaseCredits),
    handler: async (request, reply) => {
      const auth = authOf(request);
      let creditsMilli: number;
      try {
        creditsMilli = creditsToMilli(request.body.credits);
      } catch {
        throw new DomainError('invalid_credits', 'Credits can have at most three decimals.');
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
  });

  app.route({
    ...routeOf(contract.reverseCharge),
    handler: async (request, reply) => {
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
  });
};
