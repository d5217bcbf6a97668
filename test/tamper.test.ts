import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../src/server/auth/api-keys.js';
import { writeAudit } from '../src/server/auth/audit.js';
import { verifyChain } from '../src/server/ledger/chains.js';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { purchaseCredits } from '../src/server/ledger/purchases.js';
import { reverseCharge } from '../src/server/ledger/reversals.js';
import { type Disagreement, verifyTenant } from '../src/server/ledger/verify.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

/**
 * The ledger and the audit log are hash chains (migration 010): whatever a database superuser
 * changes, removes or slips in, `ledger verify` names the first entry (or audit row) that no
 * longer matches — also when every sum still agrees.
 */

const START = '2026-01-15T12:00:00.000Z';
const clock = new TestClock(new Date(START));
const env = testAppForFile(clock);

type EntryRow = {
  id: number;
  kind: string;
  interview_id: string | null;
  amount_milli: number;
  reason: string | null;
};

const owner = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
  env.t.asOwner((q) => q.query<T>(sql, params));

/** Runs statements as the owner with the append-only trigger off: what a superuser can do. */
async function tamper(...statements: [sql: string, params?: unknown[]][]): Promise<void> {
  await env.t.asOwner(async (q) => {
    await q.query('alter table ledger_entries disable trigger ledger_entries_no_update');
    try {
      for (const [sql, params] of statements) await q.query(sql, params);
    } finally {
      await q.query('alter table ledger_entries enable trigger ledger_entries_no_update');
    }
  });
}

async function entries(tenantId: string): Promise<EntryRow[]> {
  const rows = await owner<EntryRow>(
    `select id, kind, interview_id, amount_milli, reason from ledger_entries where tenant_id = $1 order by id`,
    [tenantId],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), amount_milli: Number(r.amount_milli) }));
}

async function auditIds(tenantId: string): Promise<number[]> {
  const rows = await owner<{ id: number }>('select id from audit_log where tenant_id = $1 order by id', [
    tenantId,
  ]);
  return rows.map((r) => Number(r.id));
}

async function post(tenant: TestTenant, events: Record<string, unknown>[]) {
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json()).toMatchObject({ accepted: events.length, rejected: [] });
}

/**
 * A tenant whose ledger has a bit of everything: the period grant, an interview charged twice
 * (partial, then completed), other charges, a purchase, a reversal, a period close (expiry, rollover,
 * next grant), and audit rows. Another tenant appends in between, so this one's ids have gaps.
 */
async function books(): Promise<{ tenant: TestTenant; twice: string }> {
  clock.set(START);
  const tenant = await makeTenant(env.t.db, clock, { plan: { rolloverMode: 'all' } });
  const neighbour = await makeTenant(env.t.db, clock);
  const twice = `iv-twice-${tenant.slug}`;
  const partial = interviewEvents({ interviewId: twice, outcome: 'partial', completion: 0.6 });
  await post(tenant, partial);
  await post(neighbour, interviewEvents({ outcome: 'completed' }));
  // Completed at the instant it ended: its finish stays, so its two charges sit on one date and lot.
  await post(tenant, [
    {
      id: `ev-done-${twice}`,
      type: 'interview.completed',
      interviewId: twice,
      openingId: 'op-1',
      occurredAt: '2026-01-10T12:20:00.000Z',
    },
  ]);
  const reversed = `iv-reversed-${tenant.slug}`;
  await post(tenant, [
    ...interviewEvents({ outcome: 'completed' }),
    ...interviewEvents({ interviewId: reversed, outcome: 'completed' }),
  ]);
  await purchaseCredits(env.t.db, tenant.id, {
    idempotencyKey: `buy-${tenant.slug}`,
    creditsMilli: 5000,
    actor: 'user:admin@example.test',
    now: clock.now(),
  });
  await reverseCharge(env.t.db, tenant.id, {
    interviewId: reversed,
    reason: 'technical failure',
    actor: 'user:admin@example.test',
    now: clock.now(),
  });
  await closeDuePeriods(env.t.db, tenant.id, new Date('2026-02-01T00:00:00Z'));
  await createApiKey(env.t.db, tenant.id, { name: 'second' }, { actor: 'user:admin@example.test' });
  return { tenant, twice };
}

const verify = (tenantId: string) => verifyTenant(env.t.db, tenantId);

const chainProblem = (check: 'ledger_chain' | 'audit_chain', id: number): Disagreement => ({
  check,
  id,
  message: expect.stringContaining(`${check === 'ledger_chain' ? 'Ledger entry' : 'Audit row'} ${id} `),
});

describe('an untouched ledger', () => {
  it('verifies clean after ingest, purchases, reversals, a period close and audited changes', async () => {
    const { tenant } = await books();
    const kinds = new Set((await entries(tenant.id)).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['consumption', 'expiry', 'grant', 'purchase', 'reversal', 'rollover']);
    expect((await auditIds(tenant.id)).length).toBeGreaterThanOrEqual(4);
    expect(await verify(tenant.id)).toEqual([]);
  });

  it('stays one valid chain under concurrent purchases, ingests and audited changes for one tenant', async () => {
    clock.set(START);
    const tenant = await makeTenant(env.t.db, clock, { plan: { allotmentMilli: 5_000_000 } });
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      work.push(
        purchaseCredits(env.t.db, tenant.id, {
          idempotencyKey: `concurrent-${i}-${tenant.slug}`,
          creditsMilli: 1000 + i,
          actor: 'test',
          now: clock.now(),
        }),
        post(tenant, [
          ...interviewEvents({ outcome: 'completed' }),
          ...interviewEvents({ outcome: 'partial', completion: 0.8 }),
        ]),
        createApiKey(env.t.db, tenant.id, { name: `key ${i}` }, { actor: 'test' }),
      );
    }
    await Promise.all(work);
    expect(await verify(tenant.id)).toEqual([]);
    const [head] = await owner<{ last_id: string; n: number }>(
      `select h.last_id::text, (select count(*)::int from ledger_entries e where e.tenant_id = h.tenant_id) as n
         from chain_heads h where h.tenant_id = $1 and h.chain = 'ledger'`,
      [tenant.id],
    );
    const all = await entries(tenant.id);
    expect(Number(head?.last_id)).toBe(all[all.length - 1]?.id);
    // grant + 6 purchases + 12 charges
    expect(head?.n).toBe(19);
  });
});

describe('a tampered ledger', () => {
  it('names the first of two entries whose amounts were moved so every sum still agrees', async () => {
    const { tenant, twice } = await books();
    const [first, second] = (await entries(tenant.id)).filter((e) => e.interview_id === twice);
    expect(first && second && first.amount_milli === -500 && second.amount_milli === -500).toBe(true);
    await tamper(
      [
        'update ledger_entries set amount_milli = amount_milli + 100 where tenant_id = $1 and id = $2',
        [tenant.id, first?.id],
      ],
      [
        'update ledger_entries set amount_milli = amount_milli - 100 where tenant_id = $1 and id = $2',
        [tenant.id, second?.id],
      ],
    );
    // Balance, lots and the interview's charge still add up: only the chain tells.
    expect(await verify(tenant.id)).toEqual([chainProblem('ledger_chain', first?.id ?? 0)]);
  });

  it.each([
    ['effective_at', `effective_at = effective_at - interval '3 days'`],
    ['effective_at by a microsecond', `effective_at = effective_at + interval '1 microsecond'`],
    ['created_at', `created_at = created_at + interval '1 hour'`],
    ['actor', `actor = 'user:someone-else@example.test'`],
    ['rule', `rule = rule || '-x'`],
    ['rule_version', 'rule_version = rule_version + 1'],
    ['kind', `kind = 'adjustment'`],
    ['reason: NULL made empty', `reason = ''`],
    ['interview', `interview_id = interview_id || '-x'`],
    ['hash', `hash = sha256(hash)`],
  ])('names an entry whose %s was rewritten', async (_, set) => {
    const { tenant, twice } = await books();
    const target = (await entries(tenant.id)).find((e) => e.interview_id === twice);
    expect(target?.reason).toBeNull();
    await tamper([
      `update ledger_entries set ${set} where tenant_id = $1 and id = $2`,
      [tenant.id, target?.id],
    ]);
    expect(await verify(tenant.id)).toContainEqual(chainProblem('ledger_chain', target?.id ?? 0));
  });

  it('names an entry deleted from the middle, and the last entry deleted from the end', async () => {
    const { tenant } = await books();
    const all = await entries(tenant.id);
    const middle = all[3];
    await tamper(['delete from ledger_entries where tenant_id = $1 and id = $2', [tenant.id, middle?.id]]);
    expect(await verify(tenant.id)).toContainEqual(chainProblem('ledger_chain', middle?.id ?? 0));

    const again = await books();
    const last = (await entries(again.tenant.id)).at(-1);
    await tamper([
      'delete from ledger_entries where tenant_id = $1 and id = $2',
      [again.tenant.id, last?.id],
    ]);
    expect(await verify(again.tenant.id)).toContainEqual(chainProblem('ledger_chain', last?.id ?? 0));
  });

  it('names a row inserted at the end, with a copied hash or a correctly computed one', async () => {
    const { tenant } = await books();
    const last = (await entries(tenant.id)).at(-1);
    const [copied] = await owner<{ id: string }>(
      `insert into ledger_entries (tenant_id, kind, amount_milli, effective_at, actor, prev_id, hash)
       select tenant_id, 'adjustment', 0, effective_at, actor, id, hash from ledger_entries
        where tenant_id = $1 and id = $2 returning id::text`,
      [tenant.id, last?.id],
    );
    expect(await verify(tenant.id)).toContainEqual(chainProblem('ledger_chain', Number(copied?.id)));

    // A forger who hashes the row with the database's own functions still leaves the chain head behind.
    const again = await books();
    const forged = await forgeAfter(again.tenant.id, (await entries(again.tenant.id)).at(-1)?.id ?? 0, 1);
    expect(await verify(again.tenant.id)).toEqual([chainProblem('ledger_chain', forged)]);
  });

  it('names a correctly hashed row slipped in between two entries', async () => {
    const { tenant } = await books();
    const all = await entries(tenant.id);
    // The neighbour's grant took the id after this tenant's grant: that gap is free in this tenant.
    const [grant, next] = all;
    expect((next?.id ?? 0) - (grant?.id ?? 0)).toBeGreaterThan(1);
    const forged = await forgeAfter(tenant.id, grant?.id ?? 0, 1);
    expect(await verify(tenant.id)).toContainEqual(chainProblem('ledger_chain', forged));
  });

  it('names the last entry when a rewritten entry and every later one were rehashed, but not the head', async () => {
    const { tenant } = await books();
    const all = await entries(tenant.id);
    const from = all[2]?.id ?? 0;
    await tamper(
      [
        `update ledger_entries set actor = 'user:forger@example.test' where tenant_id = $1 and id = $2`,
        [tenant.id, from],
      ],
      ...all.slice(2).map((e): [string, unknown[]] => [
        `update ledger_entries e set hash = sha256(p.hash || ledger_entry_content(e.tenant_id, e.id, e.prev_id,
                e.kind, e.amount_milli, e.lot_id, e.interview_id, e.rule, e.rule_version, e.reason, e.reference,
                e.effective_at, e.created_at, e.actor))
           from ledger_entries p where p.tenant_id = e.tenant_id and p.id = e.prev_id and e.tenant_id = $1 and e.id = $2`,
        [tenant.id, e.id],
      ]),
    );
    expect(await verify(tenant.id)).toEqual([chainProblem('ledger_chain', all.at(-1)?.id ?? 0)]);
  });
});

/** Inserts a row chained after `afterId` with a correct hash (as a forger with the functions would), at id afterId + gap. */
async function forgeAfter(tenantId: string, afterId: number, gap: number): Promise<number> {
  const [row] = await owner<{ id: string }>(
    `insert into ledger_entries (tenant_id, id, prev_id, kind, amount_milli, effective_at, created_at, actor, hash)
     overriding system value
     select p.tenant_id, p.id + $3, p.id, 'adjustment', 0, now(), now(), 'test',
            sha256(p.hash || ledger_entry_content(p.tenant_id, p.id + $3, p.id, 'adjustment', 0, null, null, null, null,
                   null, null, now(), now(), 'test'))
       from ledger_entries p where p.tenant_id = $1 and p.id = $2
     returning id::text`,
    [tenantId, afterId, gap],
  );
  return Number(row?.id);
}

describe('a tampered audit log', () => {
  it('names an audit row whose details, actor or time were rewritten, or which was deleted', async () => {
    for (const change of [
      `details = details || '{"credits": 1000000}'`,
      `actor = 'cli'`,
      `at = at - interval '1 day'`,
      null,
    ]) {
      const { tenant } = await books();
      const ids = await auditIds(tenant.id);
      const target = ids[1] ?? 0;
      await owner(
        change === null
          ? 'delete from audit_log where tenant_id = $1 and id = $2'
          : `update audit_log set ${change} where tenant_id = $1 and id = $2`,
        [tenant.id, target],
      );
      expect({ change, problems: await verify(tenant.id) }).toEqual({
        change,
        problems: [chainProblem('audit_chain', target)],
      });
    }
  });
});

describe('the canonical form', () => {
  it('is the documented JSON array, hashed after the previous row: checkable without the database', async () => {
    clock.set(START);
    const tenant = await makeTenant(env.t.db, clock);
    await env.t.db.withTenant(tenant.id, (tx) =>
      writeAudit(
        tx,
        tenant.id,
        { actor: 'user:Zoë "the admin" \\ ☕', at: new Date('2026-01-15T12:00:00.123Z') },
        'x.y',
        {
          quote: 'say "hi"\\\n',
          accent: 'Zürich ☕',
          nothing: null,
          empty: '',
        },
      ),
    );
    const rows = await owner<{ id: string; prev_id: string | null; hash: Uint8Array; details: unknown }>(
      `select id::text, prev_id::text, hash, details from audit_log a where tenant_id = $1 order by a.id`,
      [tenant.id],
    );
    let prev = Buffer.alloc(32);
    for (const r of rows) {
      const at = await owner<{ actor: string; action: string; micros: string; details_text: string }>(
        `select actor, action, chain_micros(at)::text as micros, details::text as details_text from audit_log
          where tenant_id = $1 and id = $2`,
        [tenant.id, r.id],
      );
      const a = at[0];
      // PostgreSQL writes JSON arrays with ", " between values; strings escaped as JSON does.
      const canonical = `[${[
        '"audit"',
        '1',
        JSON.stringify(tenant.id),
        r.id,
        r.prev_id ?? 'null',
        a?.micros,
        JSON.stringify(a?.actor),
        JSON.stringify(a?.action),
        a?.details_text,
      ].join(', ')}]`;
      const expected = createHash('sha256').update(prev).update(canonical, 'utf8').digest();
      expect(Buffer.from(r.hash).toString('hex')).toBe(expected.toString('hex'));
      prev = expected;
    }
    const last = rows.at(-1);
    expect(last?.details).toEqual({ quote: 'say "hi"\\\n', accent: 'Zürich ☕', nothing: null, empty: '' });
    expect(await env.t.db.withTenant(tenant.id, (tx) => verifyChain(tx, tenant.id, 'audit'))).toBeUndefined();
  });
});
