import type { LedgerKind } from '../../shared/contract/credits.js';
import type { Queryable } from '../db/database.js';
import { one, settleAll } from '../db/database.js';
import type { Account } from './account.js';
import { allocateDraw, type OpenLot, sortForDrawing } from './lots.js';

/**
 * Writing to the ledger. Every change of credits is an appended entry; the lot remainders and
 * the account balance are caches of sums of entries, updated in the same transaction, and
 * `ledger verify` proves they agree.
 */

export interface EntryInput {
  kind: LedgerKind;
  amountMilli: number;
  lotId: string | null;
  interviewId?: string | null;
  rule?: string | null;
  ruleVersion?: number | null;
  reason?: string | null;
  reference?: string | null;
  effectiveAt: Date;
  actor: string;
}

/** Appends entries and moves the caches (lot remainders, balance, overage) by the same amounts. */
export async function appendEntries(tx: Queryable, account: Account, entries: EntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    kind: e.kind,
    amount_milli: e.amountMilli,
    lot_id: e.lotId,
    interview_id: e.interviewId ?? null,
    rule: e.rule ?? null,
    rule_version: e.ruleVersion ?? null,
    reason: e.reason ?? null,
    reference: e.reference ?? null,
    effective_at: e.effectiveAt.toISOString(),
    actor: e.actor,
  }));
  const byLot = new Map<string, number>();
  let total = 0;
  let unborne = 0;
  for (const e of entries) {
    total += e.amountMilli;
    if (e.lotId === null) unborne += e.amountMilli;
    else byLot.set(e.lotId, (byLot.get(e.lotId) ?? 0) + e.amountMilli);
  }
  account.balanceMilli += total;
  account.overageMilli -= unborne;
  // The three statements depend on none of each other's answers: sent together. The entries are
  // chained (hashed after the tenant's last one) in the database, in the order given.
  await settleAll([
    tx.query('select append_ledger_entries($1, $2::json)', [account.tenantId, JSON.stringify(rows)]),
    byLot.size === 0
      ? Promise.resolve([])
      : tx.query(
          `update credit_lots l set remaining_milli = l.remaining_milli + d.delta
             from json_to_recordset($2::json) as d(id uuid, delta bigint)
            where l.tenant_id = $1 and l.id = d.id`,
          [account.tenantId, JSON.stringify([...byLot].map(([id, delta]) => ({ id, delta })))],
        ),
    tx.query(
      'update credit_accounts set balance_milli = $2, overage_milli = $3, updated_at = now() where tenant_id = $1',
      [account.tenantId, account.balanceMilli, account.overageMilli],
    ),
  ]);
}

export interface NewLot {
  kind: 'grant' | 'rollover' | 'purchase' | 'adjustment';
  amountMilli: number;
  grantedAt: Date;
  expiresAt: Date | null;
  periodStart?: Date | null;
  originPeriodStart?: Date | null;
}

/**
 * Creates a lot and its crediting entry. Outstanding overage is settled from the new lot at
 * once (a pair of entries that nets to zero), so no lot ever goes below zero.
 */
export async function createLot(
  tx: Queryable,
  account: Account,
  lot: NewLot,
  entry: Pick<EntryInput, 'actor' | 'reason' | 'reference' | 'interviewId' | 'rule' | 'ruleVersion'> & {
    effectiveAt?: Date;
    /** The crediting entry's kind when it is not the lot's own (a reversal paid into a new lot). */
    kind?: LedgerKind;
  },
): Promise<string> {
  const { id } = await one<{ id: string }>(
    tx,
    `insert into credit_lots (tenant_id, kind, amount_milli, remaining_milli, granted_at, expires_at,
                              period_start, origin_period_start)
     values ($1, $2, $3, 0, $4, $5, $6, $7) returning id`,
    [
      account.tenantId,
      lot.kind,
      lot.amountMilli,
      lot.grantedAt,
      lot.expiresAt,
      lot.periodStart ?? null,
      lot.originPeriodStart ?? null,
    ],
  );
  const effectiveAt = entry.effectiveAt ?? lot.grantedAt;
  await appendEntries(tx, account, [
    { ...entry, kind: entry.kind ?? lot.kind, amountMilli: lot.amountMilli, lotId: id, effectiveAt },
    ...overageSettlement(account, id, lot.amountMilli, effectiveAt, entry.actor),
  ]);
  return id;
}

/**
 * The pair of entries (netting to zero) that moves outstanding overage onto a lot just credited
 * with `creditedMilli`, as far as that covers it; none when there is no overage.
 */
export function overageSettlement(
  account: Account,
  lotId: string,
  creditedMilli: number,
  effectiveAt: Date,
  actor: string,
): EntryInput[] {
  const settle = Math.min(account.overageMilli, creditedMilli);
  if (settle <= 0) return [];
  return [
    { kind: 'overage_settlement', amountMilli: settle, lotId: null, effectiveAt, actor },
    { kind: 'overage_settlement', amountMilli: -settle, lotId, effectiveAt, actor },
  ];
}

export async function loadOpenLots(
  tx: Queryable,
  tenantId: string,
  now: Date,
): Promise<(OpenLot & { kind: string })[]> {
  const rows = await tx.query<{
    id: string;
    kind: string;
    remaining_milli: number;
    expires_at: Date | null;
    granted_at: Date;
    origin_at: Date;
  }>(
    `select id, kind, remaining_milli, expires_at, granted_at, coalesce(origin_period_start, granted_at) as origin_at
       from credit_lots
      where tenant_id = $1 and remaining_milli > 0 and (expires_at is null or expires_at > $2)`,
    [tenantId, now],
  );
  return sortForDrawing(
    rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      remainingMilli: Number(r.remaining_milli),
      expiresAt: r.expires_at ? new Date(r.expires_at).getTime() : null,
      grantedAt: new Date(r.granted_at).getTime(),
      originAt: new Date(r.origin_at).getTime(),
    })),
  );
}

export interface ChargeDelta {
  interviewId: string;
  /** Positive: consume; negative: give back (a reversal). */
  deltaMilli: number;
  rule: string;
  ruleVersion: number;
  effectiveAt: Date;
  reason?: string;
}

/**
 * An interview's charge so far, moving with its finish (a partial interview that completes later):
 * its credits are dated when it finished (docs/product.md, Credit rules), wherever that now is.
 */
export interface ChargeMove {
  interviewId: string;
  milli: number;
  from: Date;
  to: Date;
}

/**
 * A move as a pair of entries on no lot: the charge taken off its old date and put on its new one.
 * They cancel out, so no balance, lot or overage changes; the ledger by date (statements, budgets'
 * windows) then counts the charge on the day the console does, whatever order the events came in.
 */
function moveEntries(m: ChargeMove, actor: string): EntryInput[] {
  const common = { kind: 'consumption' as const, lotId: null, interviewId: m.interviewId, actor };
  return [
    {
      ...common,
      amountMilli: m.milli,
      effectiveAt: m.from,
      reason: `Moved with the interview's finish to ${m.to.toISOString()}`,
    },
    {
      ...common,
      amountMilli: -m.milli,
      effectiveAt: m.to,
      reason: `Moved with the interview's finish from ${m.from.toISOString()}`,
    },
  ];
}

/**
 * Draws each positive charge from the lots that expire first; overage beyond them is unborne.
 * `lots` are the tenant's open lots (loadOpenLots), read under the account lock. `moves` re-date
 * charges already drawn.
 */
export async function postConsumption(
  tx: Queryable,
  account: Account,
  lots: OpenLot[],
  charges: ChargeDelta[],
  actor: string,
  moves: ChargeMove[] = [],
): Promise<void> {
  const positive = charges.filter((c) => c.deltaMilli > 0);
  if (positive.length === 0 && moves.length === 0) return;
  const entries: EntryInput[] = moves.flatMap((m) => moveEntries(m, actor));
  for (const c of positive) {
    for (const draw of allocateDraw(lots, c.deltaMilli)) {
      entries.push({
        kind: 'consumption',
        amountMilli: -draw.milli,
        lotId: draw.lotId,
        interviewId: c.interviewId,
        rule: c.rule,
        ruleVersion: c.ruleVersion,
        effectiveAt: c.effectiveAt,
        actor,
      });
    }
  }
  await appendEntries(tx, account, entries);
}
