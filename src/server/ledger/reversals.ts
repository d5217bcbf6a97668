import { milliToCredits } from '../../shared/credits.js';
import { resolveRecoveredAlerts } from '../alerts/resolve.js';
import { writeAudit } from '../auth/audit.js';
import { resolveBudgetAlerts } from '../budgets/hold.js';
import { loadBudgets } from '../budgets/store.js';
import type { Database, Queryable } from '../db/database.js';
import { DomainError, notFound } from '../errors.js';
import { addSetContribution, emptySetDelta, setChanges } from '../metering/attribution-sets.js';
import { addToAttributeRollups, addToRollups, addToSetRollups, findInterviews } from '../metering/queries.js';
import {
  type AttributeDelta,
  addAttributedContribution,
  addContribution,
  attributeChanges,
  nonZero,
  type RollupDelta,
} from '../metering/rollup.js';
import { deriveState } from '../metering/state.js';
import { type Account, readAccount } from './account.js';
import { periodContaining } from './periods.js';
import { loadBillingContext } from './plans.js';
import { appendEntries, createLot, type EntryInput, overageSettlement } from './postings.js';

export interface ReversalResult {
  interviewId: string;
  reversedMilli: number;
  balanceAfterMilli: number;
}

/**
 * Reverses an interview's charge (a technical failure, say) with a reason. The credits go back
 * where they were drawn from when that is still possible: first any overage they caused, then
 * lots still open (overage a later lot has settled goes back to that lot); what was drawn from lots
 * since expired comes back as an adjustment lot that lasts to the end of the current period. Nothing is edited: every step is a new entry.
 */
export async function reverseCharge(
  db: Database,
  tenantId: string,
  req: { interviewId: string; reason: string; actor: string; now: Date },
): Promise<ReversalResult> {
  return db.withTenant(tenantId, async (tx) => {
    const account = await readAccount(tx, tenantId, { lock: true });
    const ctx = await loadBillingContext(tx, tenantId);
    const found = (await findInterviews(tx, tenantId, [req.interviewId])).get(req.interviewId);
    if (!found) throw notFound(`Interview ${req.interviewId}`);
    if (found.reversed)
      throw new DomainError('already_reversed', 'This interview’s charge was reversed already.');
    if (found.chargedMilli === 0)
      throw new DomainError('nothing_to_reverse', 'This interview was not charged.');

    const entryBase = {
      kind: 'reversal' as const,
      interviewId: req.interviewId,
      rule: 'reversed',
      ruleVersion: 1,
      reason: req.reason,
      effectiveAt: req.now,
      actor: req.actor,
    };
    const { entries, leftover } = await refundDraws(
      tx,
      account,
      req.interviewId,
      found.chargedMilli,
      req.now,
    );
    await appendEntries(
      tx,
      account,
      entries.map((e) => ({ ...entryBase, ...e })),
    );
    // Credits given back to an open lot first pay off overage still outstanding (as a new lot's
    // do in createLot): a lot must not hold credits while overage is owed, or they would expire
    // at the period end and the overage be paid a second time from the next grant.
    for (const e of entries) {
      if (e.lotId === null || account.overageMilli === 0) continue;
      await appendEntries(
        tx,
        account,
        overageSettlement(account, e.lotId, e.amountMilli, req.now, req.actor),
      );
    }
    if (leftover > 0) {
      // The period holding `now`, not the latest one opened: that may have ended already when the
      // period close has not run yet, and the adjustment would lapse before it was granted.
      const period = periodContaining(ctx.anchor, ctx.plan.periodUnit, ctx.timeZone, req.now);
      await createLot(
        tx,
        account,
        { kind: 'adjustment', amountMilli: leftover, grantedAt: req.now, expiresAt: period.end },
        {
          ...entryBase,
          reference: 'reversal credited to a new lot: the lots its credits came from have expired',
        },
      );
    }
    await tx.query(
      `update interviews set reversed_at = $3, reversal_reason = $4, charged_milli = 0, charge_rule = 'reversed',
              charge_rule_version = 1, updated_at = now()
        where tenant_id = $1 and id = $2`,
      [tenantId, req.interviewId, req.now, req.reason],
    );
    const rollups: RollupDelta = new Map();
    addContribution(rollups, found.record, found.chargedMilli, ctx.timeZone, -1);
    addContribution(rollups, found.record, 0, ctx.timeZone, 1);
    await addToRollups(tx, tenantId, nonZero(rollups));
    const attributes: AttributeDelta = new Map();
    addAttributedContribution(attributes, found.record, found.chargedMilli, ctx.timeZone, -1);
    addAttributedContribution(attributes, found.record, 0, ctx.timeZone, 1);
    await addToAttributeRollups(tx, tenantId, attributeChanges(attributes));
    const sets = emptySetDelta();
    addSetContribution(sets, found.record, found.chargedMilli, ctx.timeZone, -1);
    addSetContribution(sets, found.record, 0, ctx.timeZone, 1);
    await addToSetRollups(tx, tenantId, setChanges(sets), sets.sets.values());
    await resolveRecoveredAlerts(tx, ctx, account.balanceMilli, req.now);
    await resolveBudgetAlerts(tx, ctx, await loadBudgets(tx, tenantId), req.now);
    await writeAudit(tx, tenantId, { actor: req.actor, at: req.now }, 'charge.reversed', {
      interviewId: req.interviewId,
      credits: milliToCredits(found.chargedMilli),
      reason: req.reason,
      state: deriveState(found.record).state,
    });
    return {
      interviewId: req.interviewId,
      reversedMilli: found.chargedMilli,
      balanceAfterMilli: account.balanceMilli,
    };
  });
}

async function refundDraws(
  tx: Queryable,
  account: Account,
  interviewId: string,
  milli: number,
  now: Date,
): Promise<{ entries: Pick<EntryInput, 'amountMilli' | 'lotId'>[]; leftover: number }> {
  const draws = await tx.query<{ lot_id: string | null; drawn: number; open: boolean }>(
    `select e.lot_id, -sum(e.amount_milli) as drawn,
            coalesce(bool_and(l.expires_at is null or l.expires_at > $3), true)
              and not exists (select 1 from ledger_entries x where x.tenant_id = $1 and x.lot_id = e.lot_id
                                and x.kind = 'expiry') as open
       from ledger_entries e left join credit_lots l on l.tenant_id = e.tenant_id and l.id = e.lot_id
      where e.tenant_id = $1 and e.interview_id = $2 and e.kind in ('consumption', 'reversal')
      group by e.lot_id
      order by e.lot_id nulls first`,
    [account.tenantId, interviewId, now],
  );
  const entries: Pick<EntryInput, 'amountMilli' | 'lotId'>[] = [];
  let left = milli;
  let settled = 0;
  for (const d of draws) {
    const drawn = Number(d.drawn);
    if (drawn <= 0 || left === 0) continue;
    // Overage is given back only as far as it is still outstanding; the rest of it a later lot
    // has settled since, and goes back to such a lot below.
    const room = d.lot_id === null ? Math.min(drawn, account.overageMilli) : d.open ? drawn : 0;
    const give = Math.min(room, left);
    if (give > 0) {
      entries.push({ amountMilli: give, lotId: d.lot_id });
      left -= give;
    }
    if (d.lot_id === null) settled = Math.min(drawn - give, left);
  }
  if (settled > 0) {
    for (const lot of await settlingLots(tx, account.tenantId, now)) {
      const give = Math.min(settled, lot.room);
      if (give <= 0) continue;
      entries.push({ amountMilli: give, lotId: lot.id });
      settled -= give;
      left -= give;
    }
  }
  return { entries, leftover: left };
}

/**
 * The open lots that settled overage, and how much each may take back (what it settled, within
 * what it has given out): the credits an interview drew in overage were paid from one of them.
 * Longest-lived first, so the credits given back last the longest.
 */
async function settlingLots(
  tx: Queryable,
  tenantId: string,
  now: Date,
): Promise<{ id: string; room: number }[]> {
  const rows = await tx.query<{ id: string; room: number }>(
    `select l.id, least(-sum(e.amount_milli), l.amount_milli - l.remaining_milli)::bigint as room
       from ledger_entries e join credit_lots l on l.tenant_id = e.tenant_id and l.id = e.lot_id
      where e.tenant_id = $1 and e.kind = 'overage_settlement' and e.amount_milli < 0
        and (l.expires_at is null or l.expires_at > $2)
        and not exists (select 1 from ledger_entries x where x.tenant_id = $1 and x.lot_id = l.id and x.kind = 'expiry')
      group by l.id, l.amount_milli, l.remaining_milli, l.expires_at
      order by l.expires_at desc nulls first, l.id`,
    [tenantId, now],
  );
  return rows.map((r) => ({ id: r.id, room: Number(r.room) }));
}
