import { beforeAll, describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import { interviewEvents, makeTenant, postEvents, TestClock, testAppForFile } from './helpers/factories.js';

/**
 * A charge is dated when its interview finished, and moves when the finish does (docs/product.md,
 * Credit rules): an interview that ends early on 31 January and completes on 1 February counts its
 * whole credit in February, on the statement as on the console, whether its events came in one
 * batch or two, into a January already closed.
 */
const clock = new TestClock(new Date('2026-01-20T12:00:00Z'));
const env = testAppForFile(clock);

const interviewId = 'iv-split';
const ended = interviewEvents({
  interviewId,
  outcome: 'partial',
  completion: 0.5,
  at: '2026-01-31T17:00:00Z',
});
const completed = {
  ...ended[0],
  id: 'ev-split-completed',
  type: 'interview.completed',
  occurredAt: '2026-02-01T15:00:00Z',
};

interface Figures {
  statements: Record<string, number>;
  summary: Record<string, number>;
  balance: number;
}

async function figures(apiKey: string): Promise<Figures> {
  const get = async (url: string) => {
    const res = await env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const { items } = await get('/api/v1/credits/statements');
  const used = async (from: string, to: string) =>
    (await get(`/api/v1/consumption/summary?from=${from}&to=${to}`)).creditsUsed as number;
  return {
    statements: Object.fromEntries(
      (items as { periodStart: string; consumption: number }[]).map((s) => [s.periodStart, s.consumption]),
    ),
    summary: {
      '2026-01-01': await used('2026-01-01', '2026-01-31'),
      '2026-02-01': await used('2026-02-01', '2026-02-10'),
    },
    balance: (await get('/api/v1/credits/balance')).balance,
  };
}

const tenants: Record<'twoBatches' | 'oneBatch', { id: string; apiKey: string }> = {} as never;
beforeAll(async () => {
  const scopes = ['events:write', 'usage:read'] as const;
  tenants.twoBatches = await makeTenant(env.t.db, clock, { scopes: [...scopes] });
  tenants.oneBatch = await makeTenant(env.t.db, clock, { scopes: [...scopes] });
  clock.set('2026-02-10T12:00:00Z');
  for (const t of Object.values(tenants)) await closeDuePeriods(env.t.db, t.id, clock.now());
  for (const batch of [ended, [completed]]) {
    expect((await postEvents(env.app, tenants.twoBatches.apiKey, batch)).json().accepted).toBe(batch.length);
  }
  expect((await postEvents(env.app, tenants.oneBatch.apiKey, [...ended, completed])).json().accepted).toBe(
    ended.length + 1,
  );
});

describe('a charge whose interview finishes again later', () => {
  it('moves with the finish: the statements and the console agree, however the events were batched', async () => {
    const twoBatches = await figures(tenants.twoBatches.apiKey);
    const oneBatch = await figures(tenants.oneBatch.apiKey);
    expect(twoBatches).toEqual(oneBatch);
    expect(twoBatches.statements).toEqual({ '2026-01-01': 0, '2026-02-01': 1 });
    expect(twoBatches.summary).toEqual(twoBatches.statements);
    for (const t of Object.values(tenants)) expect(await verifyTenant(env.t.db, t.id)).toEqual([]);
  });

  it('is moved by a pair of entries on no lot, each saying where to or from', async () => {
    const entries = await env.t.db.withTenant(tenants.twoBatches.id, (tx) =>
      tx.query<{ amount: number; lot: string | null; at: string; reason: string | null }>(
        `select amount_milli::int as amount, lot_id as lot, effective_at::text as at, reason
           from ledger_entries where interview_id = $1 order by id`,
        [interviewId],
      ),
    );
    expect(entries.map(({ amount, lot }) => ({ amount, onLot: lot !== null }))).toEqual([
      { amount: -500, onLot: true },
      { amount: 500, onLot: false },
      { amount: -500, onLot: false },
      { amount: -500, onLot: true },
    ]);
    expect(entries[1]?.reason).toBe("Moved with the interview's finish to 2026-02-01T15:00:00.000Z");
    expect(entries[2]?.reason).toBe(
      `Moved with the interview's finish from ${new Date(Date.parse('2026-01-31T17:00:00Z') + 140 * 60_000).toISOString()}`,
    );
  });
});
