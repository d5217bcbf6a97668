import { afterAll, beforeAll, expect, it } from 'vitest';
import { cancelOnAbort } from '../src/server/db/cancel.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { makeTenant, TestClock, type TestTenant } from './helpers/factories.js';

// PostgreSQL alone (its own backend to cancel), so this file runs in the PostgreSQL half only.
let t: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await makeTenant(t.db, new TestClock(new Date('2026-03-20T15:00:00Z')));
});
afterAll(async () => {
  await t?.close();
});

it('cancels the statement running on PostgreSQL when the reader goes away', async () => {
  const reader = new AbortController();
  const started = Date.now();
  const running = t.db.withTenant(tenant.id, async (tx) => {
    const cancel = await cancelOnAbort(t.db, tx, reader.signal);
    try {
      await tx.query('select pg_sleep(30)');
    } finally {
      await cancel.release();
    }
  });
  setTimeout(() => reader.abort(), 300);
  await expect(running).rejects.toMatchObject({ code: '57014' });
  expect(Date.now() - started).toBeLessThan(10_000);
  // The pool's connections are fine afterwards.
  expect(await t.db.withTenant(tenant.id, (tx) => tx.query('select 1 as one'))).toEqual([{ one: 1 }]);
});
