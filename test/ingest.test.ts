import { describe, expect, it } from 'vitest';
import { verifyTenant } from '../src/server/ledger/verify.js';
import type { ApiKeyScope } from '../src/shared/api-key-scopes.js';
import { interviewEvents, makeTenant, postEvents, TestClock, testAppForFile } from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));

const env = testAppForFile(clock);

/** The engine's key here also reads the balance back. */
const SCOPES: ApiKeyScope[] = ['events:write', 'usage:read'];

async function balance(apiKey: string) {
  const res = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('POST /api/v1/events', () => {
  it('charges a completed interview one credit, a partial by the plan rule, others nothing', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const events = [
      ...interviewEvents({ outcome: 'completed' }),
      ...interviewEvents({ outcome: 'partial', completion: 0.5 }),
      ...interviewEvents({ outcome: 'partial', completion: 0.8 }),
      ...interviewEvents({ outcome: 'partial', completion: 0.1 }),
      ...interviewEvents({ outcome: 'expired', expiresAfterHours: 48 }),
      ...interviewEvents({ outcome: 'cancelled' }),
      ...interviewEvents({ outcome: 'invited' }),
      ...interviewEvents({ outcome: 'simulation' }),
    ];
    const res = await postEvents(env.app, tenant.apiKey, events);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    expect((await balance(tenant.apiKey)).balance).toBe(500 - 1 - 0.5 - 1);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('changes nothing when the same batch is posted twice', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const events = [...interviewEvents(), ...interviewEvents({ outcome: 'partial', completion: 0.3 })];
    await postEvents(env.app, tenant.apiKey, events);
    const first = await balance(tenant.apiKey);
    const again = await postEvents(env.app, tenant.apiKey, events);
    expect(again.json()).toEqual({ accepted: 0, duplicates: events.length, rejected: [] });
    expect(await balance(tenant.apiKey)).toEqual(first);
    const rows = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>('select count(*)::int as n from ledger_entries where kind = $1', [
        'consumption',
      ]),
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('charges only the difference when a partial interview later completes', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [invited, started, , ended] = interviewEvents({
      outcome: 'partial',
      completion: 0.5,
      interviewId: 'iv-resume',
    });
    const completed = {
      ...(ended as object),
      id: 'ev-resume-done',
      type: 'interview.completed',
      completion: undefined,
    };
    await postEvents(env.app, tenant.apiKey, [invited, started, ended]);
    expect((await balance(tenant.apiKey)).balance).toBe(499.5);
    await postEvents(env.app, tenant.apiKey, [{ ...completed, occurredAt: '2026-01-11T10:00:00.000Z' }]);
    expect((await balance(tenant.apiKey)).balance).toBe(499);
    const ledger = await env.app.inject({
      method: 'GET',
      url: '/api/v1/credits/ledger?interviewId=iv-resume',
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    // The difference, and the first half moved with the finish to the day after (a pair on no lot).
    expect(ledger.json().entries.map((e: { credits: number; rule: string }) => [e.credits, e.rule])).toEqual([
      [-0.5, 'completed'],
      [-0.5, null],
      [0.5, null],
      [-0.5, 'partial'],
    ]);
  });

  it('rejects bad events one by one and keeps the good ones', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const good = interviewEvents({ outcome: 'completed' });
    const res = await postEvents(env.app, tenant.apiKey, [
      good[0],
      { ...good[1], type: 'interview.exploded' },
      { ...good[1], occurredAt: 'yesterday' },
      { ...good[1], id: undefined },
      { ...good[1], type: 'interview.ended', completion: 1.5 },
      { ...good[1], extra: 1 },
      ...good.slice(1),
    ]);
    const body = res.json();
    expect(body.accepted).toBe(3);
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'invalid_event'],
      [2, 'invalid_event'],
      [3, 'invalid_event'],
      [4, 'invalid_event'],
      [5, 'invalid_event'],
    ]);
  });

  it('refuses an event id repeated with other content, and an interview moved to another opening', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const events = interviewEvents({ outcome: 'completed' });
    await postEvents(env.app, tenant.apiKey, events);
    const res = await postEvents(env.app, tenant.apiKey, [
      { ...events[0], occurredAt: '2026-01-01T00:00:00Z' },
      { ...events[1], id: 'ev-other-opening', openingId: 'op-2' },
    ]);
    expect(res.json().rejected.map((r: { code: string }) => r.code)).toEqual([
      'event_id_conflict',
      'interview_opening_mismatch',
    ]);
  });

  it('tells repeats from new events as if every id were looked up before any check', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [invited, started, progress] = interviewEvents({ outcome: 'partial', openingId: 'op-1' });
    await postEvents(env.app, tenant.apiKey, [invited, started, progress]);
    const res = await postEvents(env.app, tenant.apiKey, [
      // A stored id naming a new interview: a conflict, which must not open iv-new for the events after it.
      { ...invited, interviewId: 'iv-new', openingId: 'op-9' },
      { ...(started as object), id: 'ev-new-1', interviewId: 'iv-new', openingId: 'op-2' },
      {
        ...(started as object),
        id: 'ev-new-2',
        interviewId: 'iv-new',
        openingId: 'op-2',
        type: 'interview.ended',
        completion: 0.5,
      },
      // A stored id moved to another opening: a conflict, not an opening mismatch.
      { ...started, openingId: 'op-3' },
      // A repeat: a duplicate.
      progress,
      // A new id moved to another opening: refused, and never stored.
      { ...(started as object), id: 'ev-moved', openingId: 'op-3' },
    ]);
    expect(res.json()).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [
        expect.objectContaining({ index: 0, code: 'event_id_conflict' }),
        expect.objectContaining({ index: 3, code: 'event_id_conflict' }),
        expect.objectContaining({ index: 5, code: 'interview_opening_mismatch' }),
      ],
    });
    const stored = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ id: string; opening_id: string }>(
        "select id, opening_id from interview_events where id in ('ev-new-1', 'ev-new-2', 'ev-moved') order by id",
      ),
    );
    expect(stored).toEqual([
      { id: 'ev-new-1', opening_id: 'op-2' },
      { id: 'ev-new-2', opening_id: 'op-2' },
    ]);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('tells resent events of a known interview from new ones in the same batch', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const [invited, started, completed] = interviewEvents({ outcome: 'completed', openingId: 'op-1' });
    await postEvents(env.app, tenant.apiKey, [invited, started]);
    const other = interviewEvents({ outcome: 'completed', openingId: 'op-2' });
    // No event here opens an interview that is stored already. The repeat and the first conflict
    // change nothing in it, so they are looked up before anything is written; the second conflict
    // would start it earlier, so only the insert finds it stored (and the batch runs again).
    const res = await postEvents(env.app, tenant.apiKey, [
      started,
      completed,
      { ...(started as object), occurredAt: '2026-01-12T00:00:00Z' },
      ...other,
      { ...(started as object), occurredAt: '2026-01-10T10:01:00Z' },
    ]);
    expect(res.json()).toEqual({
      accepted: 1 + other.length,
      duplicates: 1,
      rejected: [
        expect.objectContaining({ index: 2, code: 'event_id_conflict' }),
        expect.objectContaining({ index: 3 + other.length, code: 'event_id_conflict' }),
      ],
    });
    expect((await balance(tenant.apiKey)).balance).toBe(500 - 2);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('answers 400 for a malformed batch and 401 without a valid key, changing nothing', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const tooMany = Array.from({ length: 1001 }, () => interviewEvents({ outcome: 'invited' })[0]);
    for (const payload of [{ events: [] }, { events: tooMany }, { nope: 1 }, { events: 'x' }]) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { authorization: `Bearer ${tenant.apiKey}` },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
    const noKey = await env.app.inject({ method: 'POST', url: '/api/v1/events', payload: { events: [] } });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json().error.code).toBe('invalid_api_key');
    const badKey = await postEvents(env.app, 'ml_not-a-key', interviewEvents());
    expect(badKey.statusCode).toBe(401);
    expect((await balance(tenant.apiKey)).balance).toBe(500);
  });

  it('blocks new interviews at zero balance with credits_exhausted on a block plan', async () => {
    const tenant = await makeTenant(env.t.db, clock, {
      scopes: SCOPES,
      plan: { allotmentMilli: 1000, overageMode: 'block' },
    });
    await postEvents(env.app, tenant.apiKey, interviewEvents({ outcome: 'completed' }));
    expect((await balance(tenant.apiKey)).balance).toBe(0);
    const res = await postEvents(env.app, tenant.apiKey, interviewEvents({ outcome: 'invited' }));
    expect(res.json().rejected).toEqual([expect.objectContaining({ index: 0, code: 'credits_exhausted' })]);
    // A stored id naming a new interview is a conflict, blocked or not; a refused event is never stored.
    const [stored] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<Record<string, unknown>>(
        `select id, type, opening_id as "openingId", occurred_at as "occurredAt" from interview_events limit 1`,
      ),
    );
    const moved = {
      ...interviewEvents({ outcome: 'invited' })[0],
      id: stored?.id,
      occurredAt: new Date(stored?.occurredAt as string).toISOString(),
    };
    const blocked = interviewEvents({ outcome: 'started' });
    const again = await postEvents(env.app, tenant.apiKey, [moved, ...blocked]);
    expect(again.json().rejected.map((r: { code: string }) => r.code)).toEqual([
      'event_id_conflict',
      'credits_exhausted',
      'credits_exhausted',
    ]);
    const [count] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>('select count(*)::int as n from interview_events'),
    );
    expect(count?.n).toBe(3);
  });

  it('lets interviews go on into overage up to the limit on an allow plan', async () => {
    const tenant = await makeTenant(env.t.db, clock, {
      scopes: SCOPES,
      plan: { allotmentMilli: 1000, overageMode: 'allow', overageLimitMilli: 2000 },
    });
    for (let i = 0; i < 3; i++)
      await postEvents(env.app, tenant.apiKey, interviewEvents({ outcome: 'completed' }));
    const b = await balance(tenant.apiKey);
    expect(b.balance).toBe(-2);
    expect(b.overage).toBe(2);
    const refused = await postEvents(env.app, tenant.apiKey, interviewEvents({ outcome: 'invited' }));
    expect(refused.json().rejected[0].code).toBe('credits_exhausted');
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('keeps the job title of the latest event whatever the arrival order', async () => {
    const tenant = await makeTenant(env.t.db, clock, { scopes: SCOPES });
    const early = interviewEvents({ openingId: 'op-t', jobTitle: 'Old title', at: '2026-01-02T00:00:00Z' });
    const late = interviewEvents({ openingId: 'op-t', jobTitle: 'New title', at: '2026-01-05T00:00:00Z' });
    await postEvents(env.app, tenant.apiKey, late);
    await postEvents(env.app, tenant.apiKey, early);
    const [row] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ job_title: string }>("select job_title from openings where id = 'op-t'"),
    );
    expect(row?.job_title).toBe('New title');
  });
});
