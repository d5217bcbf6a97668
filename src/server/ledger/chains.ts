import type { Queryable } from '../db/database.js';
import { one } from '../db/database.js';

/**
 * The hash chains of a tenant's ledger entries and audit rows (migration 010, docs/decisions/006):
 * each row's hash is sha256(hash of the row before || its canonical content), computed by the
 * database's own functions, the same ones that computed it when the row was appended.
 */
export type Chain = 'ledger' | 'audit';

export interface ChainBreak {
  chain: Chain;
  /** The first row that does not match: a ledger entry's id (as the ledger API shows it) or an audit row's. */
  id: number;
  message: string;
}

const CHAINS: Record<Chain, { table: string; noun: string; content: string }> = {
  ledger: {
    table: 'ledger_entries',
    noun: 'Ledger entry',
    content: `ledger_entry_content(tenant_id, id, prev_id, kind, amount_milli, lot_id, interview_id, rule, rule_version,
                                   reason, reference, effective_at, created_at, actor)`,
  },
  audit: {
    table: 'audit_log',
    noun: 'Audit row',
    content: 'audit_row_content(tenant_id, id, prev_id, at, actor, action, details)',
  },
};

type Findings = {
  /** The first row whose link (prev_id) or hash does not follow from the row before it. */
  bad_id: string | null;
  bad_prev_id: string | null;
  bad_before_id: string | null;
  /** The first row after bad_prev_id: where rows slipped in before bad_id begin. */
  first_after_prev: string | null;
  has_head: boolean;
  head_id: string | null;
  last_id: string | null;
  last_matches_head: boolean | null;
  /** The first row after the head's: rows added past the last append. */
  first_after_head: string | null;
};

/**
 * The first row of the tenant's chain that does not match, or undefined when the whole chain does:
 * every row links to the row before it in id order (the order appends take ids in, under the chain
 * head's lock), its hash is that of its content after the row before's, and the last row is the one
 * the chain head recorded. One statement, so one snapshot: appends committing meanwhile are seen
 * whole (rows and head) or not at all.
 */
export async function verifyChain(
  tx: Queryable,
  tenantId: string,
  chain: Chain,
): Promise<ChainBreak | undefined> {
  const { table, noun, content } = CHAINS[chain];
  const f = await one<Findings>(
    tx,
    `with linked as (
       select id, prev_id, hash, lag(id) over w as before_id,
              sha256(coalesce(lag(hash) over w, chain_genesis()) || ${content}) as expected
         from ${table} where tenant_id = $1 window w as (order by id)
     ), bad as (
       select id, prev_id, before_id from linked
        where prev_id is distinct from before_id or hash <> expected
        order by id limit 1
     ), head as (
       select last_id, last_hash from chain_heads where tenant_id = $1 and chain = $2
     ), last as (
       select id, hash from ${table} where tenant_id = $1 order by id desc limit 1
     )
     select b.id::text as bad_id, b.prev_id::text as bad_prev_id, b.before_id::text as bad_before_id,
            (select min(id)::text from ${table} where tenant_id = $1 and id > coalesce(b.prev_id, 0)) as first_after_prev,
            h.last_hash is not null as has_head, h.last_id::text as head_id, l.id::text as last_id,
            l.hash = h.last_hash as last_matches_head,
            (select min(id)::text from ${table} where tenant_id = $1 and id > coalesce(h.last_id, 0)) as first_after_head
       from (select 1) one
       left join bad b on true left join head h on true left join last l on true`,
    [tenantId, chain],
  );
  const at = (id: string | null, message: string): ChainBreak => ({
    chain,
    id: Number(id),
    message: `${noun} ${id} ${message}`,
  });
  if (f.bad_id !== null) {
    const prev = f.bad_prev_id === null ? null : BigInt(f.bad_prev_id);
    const before = f.bad_before_id === null ? null : BigInt(f.bad_before_id);
    if (prev === before) {
      return at(f.bad_id, 'does not match its hash: it was changed after it was written.');
    }
    if (prev !== null && (before === null || prev > before)) {
      return at(f.bad_prev_id, `is missing: ${noun.toLowerCase()} ${f.bad_id} is chained after it.`);
    }
    if (prev === null) {
      return at(f.bad_id, `starts a chain of its own after ${noun.toLowerCase()} ${f.bad_before_id}.`);
    }
    return at(
      f.first_after_prev,
      `was not appended through the chain: ${noun.toLowerCase()} ${f.bad_id} is chained after ${f.bad_prev_id}.`,
    );
  }
  if (f.last_id === null) {
    return f.head_id === null
      ? undefined
      : at(f.head_id, 'is missing: it is the last one the chain recorded.');
  }
  if (!f.has_head || f.head_id === null) {
    return at(f.last_id, 'is in no recorded chain: the chain head is missing.');
  }
  const last = BigInt(f.last_id);
  const head = BigInt(f.head_id);
  if (last > head) {
    return at(
      f.first_after_head,
      'was not appended through the chain: it comes after the last one recorded.',
    );
  }
  if (last < head) return at(f.head_id, 'is missing: it is the last one the chain recorded.');
  if (!f.last_matches_head) {
    return at(f.last_id, 'does not match the chain head: rows before it were rewritten and rehashed.');
  }
  return undefined;
}
