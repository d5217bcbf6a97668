import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { writeAudit } from '../src/server/auth/audit.js';
import type { Database } from '../src/server/db/database.js';
import { migrate } from '../src/server/db/migrate.js';
import { readAccount } from '../src/server/ledger/account.js';
import { type Chain, verifyChain } from '../src/server/ledger/chains.js';
import { appendEntries } from '../src/server/ledger/postings.js';
import { openEmptyDatabase } from './helpers/db.js';

/**
 * Migration 010 hashes the ledger entries and audit rows written before it, per tenant in id order,
 * with the functions the appends and verify use: a database upgraded from the schema before it
 * verifies clean, and what is appended afterwards continues each tenant's chains.
 */

const A = randomUUID();
const B = randomUUID();

/** Rows as the code before migration 010 wrote them (no prev_id, no hash), the two tenants interleaved. */
async function writeAsBefore(db: Database): Promise<void> {
  for (const [id, slug] of [
    [A, 'tenant-a'],
    [B, 'tenant-b'],
  ]) {
    await db.query(
      `insert into tenants (id, slug, name, time_zone, billing_anchor) values ($1, $2, $2, 'UTC', '2026-01-01')`,
      [id, slug],
    );
    await db.query('insert into credit_accounts (tenant_id) values ($1)', [id]);
  }
  const entry = (tenant: string, kind: string, amount: number, extra: Record<string, unknown> = {}) =>
    db.query(
      `insert into ledger_entries (tenant_id, kind, amount_milli, interview_id, rule, rule_version, reason, reference,
                                   effective_at, actor)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        tenant,
        kind,
        amount,
        extra.interview ?? null,
        extra.rule ?? null,
        extra.ruleVersion ?? null,
        extra.reason ?? null,
        extra.reference ?? null,
        extra.at ?? '2026-01-01T00:00:00Z',
        extra.actor ?? 'system',
      ],
    );
  const audit = (tenant: string, action: string, details: unknown) =>
    db.query(`insert into audit_log (tenant_id, actor, action, details) values ($1, 'cli', $2, $3::jsonb)`, [
      tenant,
      action,
      JSON.stringify(details),
    ]);
  await entry(A, 'grant', 500_000, { reason: 'period_grant', reference: '2026-01-01' });
  await entry(B, 'grant', 500_000, { reason: 'period_grant' });
  await audit(A, 'tenant.created', { slug: 'tenant-a' });
  await entry(A, 'consumption', -500, {
    interview: 'iv-"1", \\ ☕',
    rule: 'partial',
    ruleVersion: 1,
    at: '2026-01-10T10:00:00.123456Z',
    actor: 'api_key:engine',
  });
  await audit(B, 'tenant.created', { slug: 'tenant-b', note: 'a "quoted" \\ name', n: 1.5 });
  await entry(A, 'reversal', 500, { interview: 'iv-"1", \\ ☕', reason: '' });
  await entry(B, 'consumption', -1000, { interview: 'iv-2', rule: 'completed', ruleVersion: 1 });
  await audit(A, 'charge.reversed', { interviewId: 'iv-"1", \\ ☕', reason: '' });
}

const chainOf = (db: Database, tenant: string, chain: Chain) =>
  db.withTenant(tenant, (tx) => verifyChain(tx, tenant, chain));

it('chains the rows written before it, so verify finds them clean and later appends continue the chains', async () => {
  const { db, close } = await openEmptyDatabase();
  try {
    await migrate(db, { through: 9 });
    await writeAsBefore(db);
    expect(await migrate(db)).toContain(10);

    for (const tenant of [A, B]) {
      for (const chain of ['ledger', 'audit'] as const) {
        expect({ tenant, chain, broken: await chainOf(db, tenant, chain) }).toEqual({
          tenant,
          chain,
          broken: undefined,
        });
      }
    }
    const links = await db.query<{ tenant: string; id: string; prev: string | null }>(
      `select tenant_id::text as tenant, id::text, prev_id::text as prev from ledger_entries order by ledger_entries.id`,
    );
    const ofA = links.filter((l) => l.tenant === A);
    expect(ofA.map((l) => l.prev)).toEqual([null, ofA[0]?.id, ofA[1]?.id]);
    const heads = await db.query<{ tenant: string; chain: string; last: string }>(
      'select tenant_id::text as tenant, chain, last_id::text as last from chain_heads order by 1, 2',
    );
    expect(heads).toHaveLength(4);
    expect(heads.find((h) => h.tenant === A && h.chain === 'ledger')?.last).toBe(ofA.at(-1)?.id);

    // Appends after the migration chain on from the rows it hashed.
    await db.withTenant(A, async (tx) => {
      const account = await readAccount(tx, A, { lock: true });
      await appendEntries(tx, account, [
        { kind: 'adjustment', amountMilli: 0, lotId: null, effectiveAt: new Date(), actor: 'cli' },
        {
          kind: 'adjustment',
          amountMilli: 0,
          lotId: null,
          effectiveAt: new Date(),
          actor: 'cli',
          reason: 'two',
        },
      ]);
      await writeAudit(tx, A, { actor: 'cli' }, 'ledger.adjusted', { entries: 2 });
    });
    expect(await chainOf(db, A, 'ledger')).toBeUndefined();
    expect(await chainOf(db, A, 'audit')).toBeUndefined();

    // A row hashed by the migration is as tamper-evident as one appended since.
    const second = ofA[1]?.id;
    await db.query('alter table ledger_entries disable trigger ledger_entries_no_update');
    await db.query(`update ledger_entries set reason = 'x' where id = $1`, [second]);
    expect(await chainOf(db, A, 'ledger')).toMatchObject({ chain: 'ledger', id: Number(second) });
    expect(await chainOf(db, B, 'ledger')).toBeUndefined();
  } finally {
    await close();
  }
});
