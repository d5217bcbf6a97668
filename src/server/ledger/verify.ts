import type { Database, Queryable } from '../db/database.js';
import {
  addSetContribution,
  emptySetDelta,
  type SetDelta,
  setChanges,
  setOfValues,
  setRollupKey,
} from '../metering/attribution-sets.js';
import { findInterviews } from '../metering/queries.js';
import {
  type AttributeDelta,
  addAttributedContribution,
  addCandidateDays,
  addContribution,
  addCounts,
  addOpenInvitation,
  attributeChanges,
  attributeKey,
  type CandidateDelta,
  COUNTER_COLUMNS,
  candidateChanges,
  candidateKey,
  countsFromRow,
  nonZero,
  type OpenInvitationDelta,
  openInvitationChanges,
  type RollupDelta,
  rollupKey,
} from '../metering/rollup.js';
import { deriveState } from '../metering/state.js';
import { verifyChain } from './chains.js';
import { loadBillingContext } from './plans.js';

export interface Disagreement {
  check:
    | 'ledger_chain'
    | 'audit_chain'
    | 'balance'
    | 'overage'
    | 'lot'
    | 'interview_charge'
    | 'interview_state'
    | 'rollup';
  message: string;
  /** For the chains: the first ledger entry or audit row that does not match. */
  id?: number;
}

/**
 * Proves a tenant's books: the ledger and the audit log are each an unbroken hash chain (no row
 * changed, removed or slipped in since it was appended), the balance and the overage equal the sums
 * of the ledger, each lot's remainder equals the entries on it, each interview's charge equals its
 * ledger entries, each interview's stored state and finish time are deriveState of its stored
 * milestones, and the daily rollups (by opening, by attribute and by attribution set) and the open invitations equal
 * a recount of the interviews they summarise (by the same contribution rules ingest uses).
 */
export async function verifyTenant(db: Database, tenantId: string): Promise<Disagreement[]> {
  return db.withTenant(tenantId, async (tx) => {
    const problems: Disagreement[] = [];
    for (const chain of ['ledger', 'audit'] as const) {
      const broken = await verifyChain(tx, tenantId, chain);
      if (broken) problems.push({ check: `${chain}_chain`, message: broken.message, id: broken.id });
    }
    const [sums] = await tx.query<{ balance: number; total: number; unborne: number; overage: number }>(
      `select a.balance_milli as balance, a.overage_milli as overage,
              coalesce((select sum(amount_milli) from ledger_entries where tenant_id = $1), 0)::bigint as total,
              coalesce((select -sum(amount_milli) from ledger_entries where tenant_id = $1 and lot_id is null), 0)::bigint
                as unborne
         from credit_accounts a where a.tenant_id = $1`,
      [tenantId],
    );
    if (!sums) return [...problems, { check: 'balance', message: 'The tenant has no credit account.' }];
    if (Number(sums.balance) !== Number(sums.total)) {
      problems.push({
        check: 'balance',
        message: `Balance ${sums.balance} ≠ sum of ledger entries ${sums.total}`,
      });
    }
    if (Number(sums.overage) !== Number(sums.unborne)) {
      problems.push({
        check: 'overage',
        message: `Overage ${sums.overage} ≠ unborne entries ${sums.unborne}`,
      });
    }
    const lots = await tx.query<{ id: string; remaining_milli: number; total: number }>(
      `select l.id, l.remaining_milli, coalesce(sum(e.amount_milli), 0)::bigint as total
         from credit_lots l left join ledger_entries e on e.tenant_id = l.tenant_id and e.lot_id = l.id
        where l.tenant_id = $1 group by l.id, l.remaining_milli
       having l.remaining_milli <> coalesce(sum(e.amount_milli), 0)`,
      [tenantId],
    );
    for (const l of lots) {
      problems.push({
        check: 'lot',
        message: `Lot ${l.id}: remaining ${l.remaining_milli} ≠ its entries ${l.total}`,
      });
    }
    const charges = await tx.query<{ id: string; charged: number; booked: number }>(
      `select coalesce(i.id, e.interview_id) as id, coalesce(i.charged_milli, 0) as charged,
              coalesce(-e.booked, 0) as booked
         from (select id, charged_milli from interviews where tenant_id = $1) i
         full join (select interview_id, sum(amount_milli)::bigint as booked from ledger_entries
                     where tenant_id = $1 and interview_id is not null group by interview_id) e
           on e.interview_id = i.id
        where coalesce(i.charged_milli, 0) <> coalesce(-e.booked, 0)`,
      [tenantId],
    );
    for (const c of charges) {
      problems.push({
        check: 'interview_charge',
        message: `Interview ${c.id}: charged ${c.charged} ≠ its ledger entries ${c.booked}`,
      });
    }
    problems.push(...(await verifyInterviews(tx, tenantId)));
    problems.push(...(await verifyDayTotals(tx, tenantId)));
    problems.push(...(await verifyMonthlyUsage(tx, tenantId)));
    problems.push(...(await verifySetDayTotals(tx, tenantId)));
    return problems;
  });
}

const PAGE = 5000;

const isoOrNull = (ms: number | null) => (ms === null ? 'null' : new Date(ms).toISOString());

/** Each interview's stored state and finish time, and the rollups, against its stored milestones. */
async function verifyInterviews(tx: Queryable, tenantId: string): Promise<Disagreement[]> {
  const { timeZone } = await loadBillingContext(tx, tenantId);
  const problems: Disagreement[] = [];
  const expected: RollupDelta = new Map();
  const candidates: CandidateDelta = new Map();
  const attributes: AttributeDelta = new Map();
  const sets = emptySetDelta();
  const open: OpenInvitationDelta = new Map();
  let after = '';
  for (;;) {
    const stored = await tx.query<{ id: string; state: string; finished_at: string | null }>(
      `select id, state, (extract(epoch from finished_at) * 1000)::int8 as finished_at
         from interviews where tenant_id = $1 and id > $2 order by id limit $3`,
      [tenantId, after, PAGE],
    );
    if (stored.length === 0) break;
    after = stored[stored.length - 1]?.id ?? after;
    const page = await findInterviews(
      tx,
      tenantId,
      stored.map((r) => r.id),
    );
    for (const row of stored) {
      const i = page.get(row.id);
      if (!i) continue;
      const derived = deriveState(i.record);
      const finishedAt = row.finished_at === null ? null : Number(row.finished_at);
      if (row.state !== derived.state || finishedAt !== derived.finishedAt) {
        problems.push({
          check: 'interview_state',
          message: `Interview ${row.id}: stored ${row.state} finished ${isoOrNull(finishedAt)} ≠ its milestones' ${
            derived.state
          } finished ${isoOrNull(derived.finishedAt)}`,
        });
      }
      addContribution(expected, i.record, i.chargedMilli, timeZone, 1);
      addCandidateDays(candidates, i.record, timeZone, 1);
      addAttributedContribution(attributes, i.record, i.chargedMilli, timeZone, 1);
      addSetContribution(sets, i.record, i.chargedMilli, timeZone, 1);
      addOpenInvitation(open, i.record, timeZone, 1);
    }
  }
  problems.push(...(await compareRollups(tx, tenantId, expected, candidates)));
  problems.push(...(await compareAttributeRollups(tx, tenantId, attributes)));
  problems.push(...(await compareSetRollups(tx, tenantId, sets)));
  problems.push(...(await compareOpenInvitations(tx, tenantId, open)));
  return problems;
}

/** The stored open invitations per day against those recounted from the interviews. */
async function compareOpenInvitations(
  tx: Queryable,
  tenantId: string,
  expected: OpenInvitationDelta,
): Promise<Disagreement[]> {
  const stored = await tx.query<{ day: string; open_invitations: number }>(
    `select to_char(day, 'YYYY-MM-DD') as day, open_invitations from open_invitation_days where tenant_id = $1`,
    [tenantId],
  );
  for (const r of stored) expected.set(r.day, (expected.get(r.day) ?? 0) - Number(r.open_invitations));
  return openInvitationChanges(expected).map(([day, n]) => ({
    check: 'rollup' as const,
    message: `Open invitations of ${day} are off from its interviews by ${n}`,
  }));
}

/** The stored rollups and candidate days against those recounted from the interviews. */
async function compareRollups(
  tx: Queryable,
  tenantId: string,
  expected: RollupDelta,
  candidates: CandidateDelta,
): Promise<Disagreement[]> {
  const stored = await tx.query<Record<string, unknown>>(
    `select opening_id, to_char(day, 'YYYY-MM-DD') as day, ${Object.values(COUNTER_COLUMNS).join(', ')}
       from daily_usage where tenant_id = $1`,
    [tenantId],
  );
  // Subtract what is stored from what is expected: every row must come to zero.
  for (const row of stored) {
    addCounts(expected, rollupKey(row.opening_id as string, row.day as string), countsFromRow(row, -1));
  }
  const problems = nonZero(expected).map(([openingId, day, diff]) => ({
    check: 'rollup' as const,
    message: `Rollup ${openingId} ${day} is off from its interviews by ${JSON.stringify(
      Object.fromEntries(Object.entries(diff).filter(([, v]) => v !== 0)),
    )}`,
  }));
  const storedCandidates = await tx.query<{
    opening_id: string;
    day: string;
    who: string;
    interviews: number;
  }>(
    `select opening_id, to_char(day, 'YYYY-MM-DD') as day, who, interviews from daily_candidates where tenant_id = $1`,
    [tenantId],
  );
  for (const r of storedCandidates) {
    const key = candidateKey(r.opening_id, r.day, r.who);
    candidates.set(key, (candidates.get(key) ?? 0) - Number(r.interviews));
  }
  for (const [openingId, day, who, n] of candidateChanges(candidates)) {
    problems.push({
      check: 'rollup',
      message: `Candidate ${who} on ${openingId} ${day} is off from its interviews by ${n}`,
    });
  }
  const counted = await tx.query<{ opening_id: string; day: string }>(
    `select coalesce(u.opening_id, c.opening_id) as opening_id, to_char(coalesce(u.day, c.day), 'YYYY-MM-DD') as day
       from (select * from daily_usage where tenant_id = $1) u
       full join (select opening_id, day, count(*) filter (where interviews > 0) as n
                    from daily_candidates where tenant_id = $1 group by 1, 2) c
         on c.opening_id = u.opening_id and c.day = u.day
      where coalesce(u.candidates, 0) <> coalesce(c.n, 0)`,
    [tenantId],
  );
  for (const r of counted) {
    problems.push({
      check: 'rollup',
      message: `Rollup ${r.opening_id} ${r.day} counts other candidates than those stored for it`,
    });
  }
  return problems;
}

/** The stored rollups by attribute against those recounted from the interviews' attributes. */
async function compareAttributeRollups(
  tx: Queryable,
  tenantId: string,
  expected: AttributeDelta,
): Promise<Disagreement[]> {
  const stored = await tx.query<Record<string, unknown>>(
    `select dimension, value, to_char(day, 'YYYY-MM-DD') as day, ${Object.values(COUNTER_COLUMNS).join(', ')}
       from attribute_daily_usage where tenant_id = $1`,
    [tenantId],
  );
  for (const row of stored) {
    const key = attributeKey(row.dimension as string, row.value as string, row.day as string);
    addCounts(expected, key, countsFromRow(row, -1));
  }
  return attributeChanges(expected).map(([dimension, value, day, diff]) => ({
    check: 'rollup' as const,
    message: `Rollup by ${dimension} ${JSON.stringify(value)} on ${day} is off from its interviews by ${JSON.stringify(
      Object.fromEntries(Object.entries(diff).filter(([, v]) => v !== 0)),
    )}`,
  }));
}

/**
 * The stored rollup by attribution set against the one recounted from the interviews, and each
 * stored set against its id (a set whose values were changed would move its usage to other filters).
 */
async function compareSetRollups(
  tx: Queryable,
  tenantId: string,
  expected: SetDelta,
): Promise<Disagreement[]> {
  const problems: Disagreement[] = [];
  const sets = await tx.query<{
    set_id: string;
    recruiter_id: string | null;
    department: string | null;
    location: string | null;
    tags: Record<string, string>;
  }>('select set_id, recruiter_id, department, location, tags from attribution_sets where tenant_id = $1', [
    tenantId,
  ]);
  for (const s of sets) {
    if (setOfValues(s.recruiter_id, s.department, s.location, s.tags).id !== s.set_id)
      problems.push({
        check: 'rollup',
        message: `Attribution set ${s.set_id} holds other values than those it was stored for`,
      });
  }
  const storedSets = new Set(sets.map((s) => s.set_id));
  const stored = await tx.query<Record<string, unknown>>(
    `select set_id, opening_id, to_char(day, 'YYYY-MM-DD') as day, ${Object.values(COUNTER_COLUMNS).join(', ')}
       from attribution_daily_usage where tenant_id = $1`,
    [tenantId],
  );
  for (const row of stored) {
    const key = setRollupKey(row.set_id as string, row.opening_id as string, row.day as string);
    addCounts(expected.rows, key, countsFromRow(row, -1));
  }
  for (const [setId, openingId, day, diff] of setChanges(expected))
    problems.push({
      check: 'rollup',
      message: `Rollup by attribution set ${setId} of ${openingId} on ${day} is off from its interviews by ${JSON.stringify(
        Object.fromEntries(Object.entries(diff).filter(([, v]) => v !== 0)),
      )}`,
    });
  for (const setId of expected.sets.keys())
    if (!storedSets.has(setId))
      problems.push({ check: 'rollup', message: `Attribution set ${setId} of stored interviews is missing` });
  return problems;
}

/** A key of a totals table: its column, the expression giving it from the detail rollup, its format in the answer. */
interface TotalKey {
  name: string;
  of?: string;
  format?: string;
}

/**
 * The keys at which a table of totals differs from the detail rollup it sums (a row on either side
 * alone included): every counter, and `counted` (when named) the number of detail rows.
 */
async function totalsOff(
  tx: Queryable,
  tenantId: string,
  o: { totals: string; detail: string; keys: TotalKey[]; counted?: string },
): Promise<Record<string, string>[]> {
  const counters = Object.values(COUNTER_COLUMNS);
  const cols = o.counted ? [o.counted, ...counters] : counters;
  const sums = [
    ...(o.counted ? [`count(*) as ${o.counted}`] : []),
    ...counters.map((c) => `sum(${c})::bigint as ${c}`),
  ];
  const positions = o.keys.map((_, i) => i + 1).join(', ');
  const shown = (k: TotalKey) => {
    const value = `coalesce(t.${k.name}, d.${k.name})`;
    return `${k.format ? `to_char(${value}, '${k.format}')` : value} as ${k.name}`;
  };
  return tx.query<Record<string, string>>(
    `select ${o.keys.map(shown).join(', ')}
       from (select * from ${o.totals} where tenant_id = $1) t
       full join (select ${o.keys.map((k) => `${k.of ?? k.name} as ${k.name}`).join(', ')}, ${sums.join(', ')}
                    from ${o.detail} where tenant_id = $1 group by ${positions}) d
         on ${o.keys.map((k) => `d.${k.name} = t.${k.name}`).join(' and ')}
      where ${cols.map((c) => `coalesce(t.${c}, 0) <> coalesce(d.${c}, 0)`).join(' or ')}
      order by ${positions}`,
    [tenantId],
  );
}

const rollupProblem = (message: string): Disagreement => ({ check: 'rollup', message });

/** The per-tenant day totals must equal the per-opening rollups summed by day. */
async function verifyDayTotals(tx: Queryable, tenantId: string): Promise<Disagreement[]> {
  const off = await totalsOff(tx, tenantId, {
    totals: 'tenant_daily_usage',
    detail: 'daily_usage',
    keys: [{ name: 'day', format: 'YYYY-MM-DD' }],
  });
  return off.map((r) =>
    rollupProblem(`Day total ${r.day} differs from the sum of that day's rollups by opening`),
  );
}

/** The monthly rollup by opening must equal its daily rollups summed by month, with their number of days. */
async function verifyMonthlyUsage(tx: Queryable, tenantId: string): Promise<Disagreement[]> {
  const off = await totalsOff(tx, tenantId, {
    totals: 'opening_monthly_usage',
    detail: 'daily_usage',
    keys: [
      { name: 'opening_id' },
      { name: 'month', of: 'day - (extract(day from day)::int - 1)', format: 'YYYY-MM' },
    ],
    counted: 'days',
  });
  return off.map((r) =>
    rollupProblem(
      `Monthly usage of opening ${r.opening_id} in ${r.month} differs from the sum of its daily rollups`,
    ),
  );
}

/** The per-set day totals must equal the rollup by attribution set summed over openings. */
async function verifySetDayTotals(tx: Queryable, tenantId: string): Promise<Disagreement[]> {
  const off = await totalsOff(tx, tenantId, {
    totals: 'attribution_set_daily_usage',
    detail: 'attribution_daily_usage',
    keys: [{ name: 'set_id' }, { name: 'day', format: 'YYYY-MM-DD' }],
  });
  return off.map((r) =>
    rollupProblem(
      `Day total of attribution set ${r.set_id} on ${r.day} differs from the sum of its rollups by opening`,
    ),
  );
}

export async function verifyAll(db: Database): Promise<Map<string, Disagreement[]>> {
  const tenants = await db.query<{ id: string; slug: string }>('select id, slug from system_tenants()');
  const out = new Map<string, Disagreement[]>();
  for (const t of tenants) out.set(t.slug, await verifyTenant(db, t.id));
  return out;
}
