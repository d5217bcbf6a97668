import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';
import { sessionCaller } from './helpers/session-requests.js';

/**
 * GET /api/v1/audit: the tenant's audit log for Account Admins, newest first, keyset-paginated with
 * an opaque cursor, filtered by action and actor; and the changes that must leave a row there.
 */

const clock = new TestClock(new Date('2026-01-15T12:00:00.000Z'));
const env = testAppForFile(clock);

interface Session {
  cookie: string;
  csrf: string;
  email: string;
}

interface EntryJson {
  id: number;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  details: Record<string, unknown>;
}

let tenant: TestTenant;
let admin: Session;

const bySession = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

const call = sessionCaller(env);

async function audit(query = '', session: Session = admin) {
  return env.app.inject({ method: 'GET', url: `/api/v1/audit${query}`, headers: bySession(session) });
}

/** Every entry the API shows for `query`, page after page of `limit`. */
async function walk(query: string, limit: number): Promise<EntryJson[]> {
  const seen: EntryJson[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await audit(
      `?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { entries: EntryJson[]; nextCursor: string | null };
    expect(body.entries.length).toBeLessThanOrEqual(limit);
    seen.push(...body.entries);
    if (body.nextCursor === null) return seen;
    cursor = body.nextCursor;
  }
  throw new Error('more than 100 pages');
}

async function stored(): Promise<{ id: number; action: string; actor: string }[]> {
  const rows = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ id: number; action: string; actor: string }>(
      'select id, action, actor from audit_log order by id desc',
    ),
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock);
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  // One of each change the log must show, made through the API as an admin would.
  const events = [
    ...interviewEvents({ interviewId: 'iv-audit-1', openingId: 'op-audit', outcome: 'completed' }),
    ...interviewEvents({ openingId: 'op-audit', outcome: 'completed' }),
  ];
  expect((await postEvents(env.app, tenant.apiKey, events)).json()).toMatchObject({ rejected: [] });
  const steps: [string, Awaited<ReturnType<typeof call>>, number][] = [];
  const step = async (label: string, status: number, res: Promise<Awaited<ReturnType<typeof call>>>) =>
    steps.push([label, await res, status]);
  await step(
    'purchase',
    201,
    env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/purchases',
      headers: { ...bySession(admin), 'idempotency-key': 'audit-test-purchase' },
      payload: { credits: 12.5 },
    }),
  );
  await step(
    'reversal',
    201,
    call(admin, 'POST', '/credits/reversals', { interviewId: 'iv-audit-1', reason: 'technical failure' }),
  );
  await step(
    'alert settings',
    200,
    call(admin, 'PUT', '/alerts/settings', {
      thresholds: [50, 10],
      webhookUrl: 'https://hooks.example.test/x',
    }),
  );
  await step('webhook secret', 200, call(admin, 'POST', '/alerts/webhook/secret'));
  const added = await call(admin, 'POST', '/users', {
    email: `recruiter-${tenant.slug}@example.test`,
    name: 'Rita Recruiter',
    role: 'recruiter',
    password: 'a long enough password',
  });
  steps.push(['user added', added, 201]);
  const userId = added.json().user?.id;
  await step('role changed', 200, call(admin, 'PATCH', `/users/${userId}`, { role: 'viewer' }));
  await step('user deactivated', 200, call(admin, 'PATCH', `/users/${userId}`, { active: false }));
  const key = await call(admin, 'POST', '/api-keys', { name: 'Reporting' });
  steps.push(['key created', key, 201]);
  await step('key revoked', 204, call(admin, 'DELETE', `/api-keys/${key.json().apiKey?.id}`));
  await step('opening closed', 200, call(admin, 'PUT', '/openings/op-audit/status', { status: 'closed' }));
  await step(
    'export',
    200,
    call(admin, 'GET', '/consumption/export?from=2026-01-01&to=2026-01-31&format=csv'),
  );
  // The export is audited once its stream has ended, which can be just after the answer arrives.
  await vi.waitFor(async () => expect((await stored()).map((r) => r.action)).toContain('usage.exported'));
  for (const [label, res, status] of steps)
    expect({ label, status: res.statusCode }).toEqual({ label, status });
});

describe('GET /api/v1/audit', () => {
  it('shows each audited change with who did it, when and its details, newest first', async () => {
    const entries = await walk('', 200);
    const actions = entries.map((e) => e.action);
    for (const action of [
      'credits.purchased',
      'charge.reversed',
      'alerts.settings_changed',
      'alerts.webhook_secret_rotated',
      'user.added',
      'user.role_changed',
      'user.deactivated',
      'api_key.created',
      'api_key.revoked',
      'opening.status_changed',
      'usage.exported',
      'tenant.created',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(entries.map((e) => e.id)).toEqual((await stored()).map((r) => r.id));
    const byAction = (action: string) => entries.find((e) => e.action === action);
    expect(byAction('credits.purchased')).toMatchObject({
      actor: `user:${admin.email}`,
      actorName: 'account_admin',
      at: '2026-01-15T12:00:00.000Z',
      details: { credits: 12.5, totalCents: 5000, currency: 'USD' },
    });
    expect(byAction('charge.reversed')?.details).toMatchObject({
      interviewId: 'iv-audit-1',
      credits: 1,
      reason: 'technical failure',
    });
    expect(byAction('opening.status_changed')?.details).toEqual({ openingId: 'op-audit', status: 'closed' });
    expect(byAction('usage.exported')?.details).toMatchObject({ format: 'csv', status: 'completed' });
    expect(byAction('user.role_changed')?.details).toMatchObject({ from: 'recruiter', to: 'viewer' });
    expect(byAction('tenant.created')).toMatchObject({ actor: 'test', actorName: null });
  });

  it('walks every row exactly once, page by page, whatever the page size', async () => {
    const all = (await stored()).map((r) => r.id);
    expect(all.length).toBeGreaterThan(10);
    for (const limit of [1, 3, 7, all.length]) {
      expect((await walk('', limit)).map((e) => e.id)).toEqual(all);
    }
    const first = await audit('?limit=2');
    expect(first.json().entries).toHaveLength(2);
    expect(typeof first.json().nextCursor).toBe('string');
    expect(first.json().nextCursor).not.toMatch(/^\d+$/);
    const last = await audit(`?limit=${all.length}`);
    expect(last.json().nextCursor).toBeNull();
  });

  it('filters by action, by actor, and by both', async () => {
    const rows = await stored();
    const purchases = await walk('&action=credits.purchased', 2);
    expect(purchases.map((e) => e.id)).toEqual(
      rows.filter((r) => r.action === 'credits.purchased').map((r) => r.id),
    );
    expect(purchases.length).toBeGreaterThan(0);
    const actor = `user:${admin.email}`;
    const byAdmin = await walk(`&actor=${encodeURIComponent(actor)}`, 4);
    expect(byAdmin.map((e) => e.id)).toEqual(rows.filter((r) => r.actor === actor).map((r) => r.id));
    expect(byAdmin.length).toBeGreaterThan(8);
    const both = await walk(`&actor=${encodeURIComponent(actor)}&action=user.added`, 1);
    expect(both.map((e) => e.action)).toEqual(['user.added']);
    expect(await walk('&action=nothing.like_this', 5)).toEqual([]);
    expect(await walk('&actor=cli', 5)).toEqual([]);
  });

  it('refuses bad input with a clear 400', async () => {
    for (const [query, code] of [
      ['?cursor=not-a-cursor', 'invalid_cursor'],
      [`?cursor=${Buffer.from('audit:abc').toString('base64url')}`, 'invalid_cursor'],
      ['?limit=0', 'invalid_request'],
      ['?limit=201', 'invalid_request'],
      ['?limit=ten', 'invalid_request'],
      ['?action=Credits%20Purchased', 'invalid_request'],
      ['?actor=', 'invalid_request'],
      ['?actor=user%00x', 'invalid_text'],
    ]) {
      const res = await audit(query);
      expect({ query, status: res.statusCode, code: res.json().error?.code }).toEqual({
        query,
        status: 400,
        code,
      });
    }
  });

  it('is for Account Admins only: recruiters and viewers 403, an API key or no session 401', async () => {
    for (const role of ['recruiter', 'viewer'] as const) {
      const res = await audit('', await signIn(env.app, env.t.db, tenant.id, role));
      expect({ role, status: res.statusCode, code: res.json().error?.code }).toEqual({
        role,
        status: 403,
        code: 'forbidden',
      });
    }
    const key = await env.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    expect(key.statusCode).toBe(401);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(401);
  });

  it('shows a tenant its own rows alone', async () => {
    const other = await makeTenant(env.t.db, clock);
    const otherAdmin = await signIn(env.app, env.t.db, other.id, 'account_admin');
    const res = await audit('?limit=200', otherAdmin);
    expect(res.statusCode).toBe(200);
    const mine = new Set((await stored()).map((r) => r.id));
    const theirs: EntryJson[] = res.json().entries;
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((e) => mine.has(e.id))).toEqual([]);
  });
});
