import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrate } from '../src/server/db/migrate.js';
import { verifyTenant } from '../src/server/ledger/verify.js';
import { findInterviews } from '../src/server/metering/queries.js';
import { deriveState, type InterviewRecord, mergeEvent } from '../src/server/metering/state.js';
import type { EventType } from '../src/shared/contract/events.js';
import { openBareDatabase } from './helpers/db.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
  uniqueSlug,
} from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-20T12:00:00Z'));
const env = testAppForFile(clock);

const INVITED = '2026-01-10T10:00:00.000Z';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(INVITED) + hours * HOUR).toISOString();

/** One interview of each kind of life on opening op-f, with the finish time deriveState gives it. */
function lives() {
  const started = interviewEvents({ interviewId: 'iv-abandoned', openingId: 'op-f', outcome: 'started' });
  const base = started[0] as Record<string, unknown>;
  return {
    events: [
      ...interviewEvents({ interviewId: 'iv-completed', openingId: 'op-f', outcome: 'completed' }),
      ...interviewEvents({ interviewId: 'iv-partial', openingId: 'op-f', outcome: 'partial' }),
      ...interviewEvents({ interviewId: 'iv-expired', openingId: 'op-f', outcome: 'expired' }),
      ...interviewEvents({ interviewId: 'iv-cancelled', openingId: 'op-f', outcome: 'cancelled' }),
      ...interviewEvents({ interviewId: 'iv-invited', openingId: 'op-f', outcome: 'invited' }),
      ...started,
      // Started, then expired a week after the invitation: partially completed, finished when it expired.
      { ...base, id: `ev-${randomUUID()}`, type: 'interview.expired', occurredAt: at(24 * 7) },
    ],
    finishedAt: {
      'iv-completed': at(2.5),
      'iv-partial': at(140 / 60),
      'iv-abandoned': at(24 * 7),
      'iv-expired': null,
      'iv-cancelled': null,
      'iv-invited': null,
    } as Record<string, string | null>,
  };
}

describe('finished_at', () => {
  it("is stored at ingest as deriveState's finish time, and the drawer shows it: none for an invitation that expired unstarted", async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const { events, finishedAt } = lives();
    expect((await postEvents(env.app, tenant.apiKey, events)).json()).toMatchObject({ rejected: [] });

    const drawer = await env.app.inject({
      method: 'GET',
      url: '/api/v1/openings/op-f/interviews?from=2026-01-01&to=2026-01-31',
      headers: { cookie: admin.cookie },
    });
    expect(drawer.statusCode).toBe(200);
    const shown = Object.fromEntries(
      drawer
        .json()
        .items.map((i: { interviewId: string; finishedAt: string | null }) => [i.interviewId, i.finishedAt]),
    );
    expect(shown).toEqual(finishedAt);
    const expired = drawer.json().items.find((i: { interviewId: string }) => i.interviewId === 'iv-expired');
    expect(expired).toMatchObject({ state: 'expired', finishedAt: null, credits: 0 });
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
  });

  it('is proved by ledger verify: a tampered finish time is named', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    expect((await postEvents(env.app, tenant.apiKey, lives().events)).json()).toMatchObject({ rejected: [] });
    await env.t.asOwner(async (q) => {
      await q.query(
        `update interviews set finished_at = finished_at + interval '1 hour' where tenant_id = $1 and id = 'iv-completed'`,
        [tenant.id],
      );
      // What the drawer's own SQL used to say of an invitation that expired unstarted.
      await q.query(
        `update interviews set finished_at = expired_at where tenant_id = $1 and id = 'iv-expired'`,
        [tenant.id],
      );
    });
    const problems = await verifyTenant(env.t.db, tenant.id);
    expect(problems).toEqual([
      {
        check: 'interview_state',
        message: `Interview iv-completed: stored completed finished ${at(3.5)} ≠ its milestones' completed finished ${at(2.5)}`,
      },
      {
        check: 'interview_state',
        message: `Interview iv-expired: stored expired finished ${at(24 * 7)} ≠ its milestones' expired finished null`,
      },
    ]);
  });
});

/** Every life the merge can give an interview: each set of milestones after the invitation, in each order of expiry and cancellation. */
function everyRecord(): InterviewRecord[] {
  const later: EventType[] = [
    'interview.started',
    'interview.ended',
    'interview.completed',
    'interview.expired',
    'interview.cancelled',
  ];
  const records: InterviewRecord[] = [];
  for (let set = 0; set < 1 << later.length; set++) {
    for (const cancelFirst of [false, true]) {
      const id = `iv-${set}-${cancelFirst ? 'c' : 'e'}`;
      const types: EventType[] = ['interview.invited', ...later.filter((_, k) => set & (1 << k))];
      let record: InterviewRecord | undefined;
      types.forEach((type, k) => {
        const hours = type === 'interview.cancelled' && cancelFirst ? 0.5 : k + 1;
        record = mergeEvent(record, {
          id: `${id}-${k}`,
          type,
          interviewId: id,
          openingId: 'op-m',
          occurredAt: at(hours),
          at: Date.parse(at(hours)),
          ...(type === 'interview.ended' ? { completion: 0.5 } : {}),
        });
      });
      records.push(record as InterviewRecord);
    }
  }
  return records;
}

describe('migration 009', () => {
  it("backfills finished_at as deriveState's for every life, and renames overdraft to overage keeping the amounts", async () => {
    const bare = await openBareDatabase();
    try {
      await migrate(bare.db, { through: 8 });
      const tenantId = randomUUID();
      const records = everyRecord();
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      await bare.db.transaction(async (tx) => {
        await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        await tx.query(
          `insert into tenants (id, slug, name, time_zone, billing_anchor) values ($1, $2, 'Old', 'UTC', '2026-01-01')`,
          [tenantId, uniqueSlug('old')],
        );
        await tx.query(
          `insert into openings (tenant_id, id, job_title, title_event_at, title_event_id, created_at)
           values ($1, 'op-m', 'Old opening', $2, 'ev', $2)`,
          [tenantId, INVITED],
        );
        for (const r of records) {
          await tx.query(
            `insert into interviews (tenant_id, id, opening_id, is_simulation, state, invited_at, started_at,
                                     completed_at, ended_at, expired_at, cancelled_at, completion)
             values ($1, $2, 'op-m', false, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
              tenantId,
              r.id,
              deriveState(r).state,
              iso(r.invitedAt),
              iso(r.startedAt),
              iso(r.completedAt),
              iso(r.endedAt),
              iso(r.expiredAt),
              iso(r.cancelledAt),
              r.completion,
            ],
          );
        }
        await tx.query(
          `insert into credit_accounts (tenant_id, balance_milli, overdraft_milli) values ($1, -2500, 2500)`,
          [tenantId],
        );
        await tx.query(
          `insert into ledger_entries (tenant_id, kind, amount_milli, effective_at, actor)
           values ($1, 'overdraft_settlement', 1500, $2, 'system')`,
          [tenantId, INVITED],
        );
      });

      expect(await migrate(bare.db)).toContain(9);

      await bare.db.transaction(async (tx) => {
        await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        const stored = await tx.query<{ id: string; finished_at: Date | null }>(
          'select id, finished_at from interviews where tenant_id = $1',
          [tenantId],
        );
        const merged = await findInterviews(
          tx,
          tenantId,
          records.map((r) => r.id),
        );
        expect(stored).toHaveLength(records.length);
        for (const row of stored) {
          const record = merged.get(row.id)?.record as InterviewRecord;
          expect(row.finished_at && new Date(row.finished_at).getTime(), row.id).toBe(
            deriveState(record).finishedAt,
          );
        }
        // Both kinds of answer are among them: finished and not.
        expect(stored.filter((r) => r.finished_at === null).length).toBeGreaterThan(0);
        expect(stored.filter((r) => r.finished_at !== null).length).toBeGreaterThan(0);

        const [account] = await tx.query<{ balance: number; overage: number }>(
          'select balance_milli as balance, overage_milli as overage from credit_accounts where tenant_id = $1',
          [tenantId],
        );
        expect(account && { balance: Number(account.balance), overage: Number(account.overage) }).toEqual({
          balance: -2500,
          overage: 2500,
        });
        const kinds = await tx.query<{ kind: string; amount: number }>(
          'select kind, amount_milli as amount from ledger_entries where tenant_id = $1',
          [tenantId],
        );
        expect(kinds.map((e) => [e.kind, Number(e.amount)])).toEqual([['overage_settlement', 1500]]);
      });
      // The ledger stays append-only after the rename.
      await expect(bare.db.query(`update ledger_entries set amount_milli = 0`)).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await bare.close();
    }
  });
});
