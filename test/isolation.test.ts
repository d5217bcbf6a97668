import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/server/auth/api-keys.js';
import type { Database, Queryable } from '../src/server/db/database.js';
import { openPostgres } from '../src/server/db/postgres.js';
import { API_KEY_SCOPES } from '../src/shared/api-key-scopes.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testApp,
} from './helpers/factories.js';

/**
 * Tenant isolation in the database itself (docs/decisions/002-…): row-level security on every
 * tenant-owned table, proved table by table with SQL that leaves the tenant filter out, and
 * through every HTTP route. Tenant A holds data in every table; tenant B is the one looking.
 *
 * The tables are listed from the catalog, not by hand: a new table with a tenant_id column is
 * checked the moment it exists, and fails here until it has forced row-level security and A and
 * B hold rows in it (add them to `seed` below).
 */

const APP_ROLE = 'meterline_app';
/**
 * Tables that hold no tenant's rows; the application role has no privilege on them at all.
 * login_failures counts sign-ins before any tenant is known, through SECURITY DEFINER functions.
 */
const GLOBAL_TABLES = [
  'api_key_directory',
  'console_link_directory',
  'login_directory',
  'login_failures',
  'schema_migrations',
  'session_directory',
  'sso_domain_directory',
  'unsubscribe_directory',
];
/**
 * The directories of the lookups made before a tenant is known (docs/scaling.md): global, though
 * each row names its tenant, and written only by triggers of the tenant rows they point to.
 */
const DIRECTORY_TABLES = [
  'api_key_directory',
  'console_link_directory',
  'login_directory',
  'session_directory',
  'sso_domain_directory',
  'unsubscribe_directory',
];
/** SECURITY DEFINER functions run as the owner, past row-level security: each one is reviewed. */
const REVIEWED_DEFINER_FUNCTIONS = [
  'auth_api_key_lookup',
  'auth_console_link_lookup',
  'auth_email_domain_tenants',
  'auth_login_attempt',
  'auth_login_lookup',
  'auth_login_succeeded',
  'auth_session_lookup',
  'auth_sso_domain_lookup',
  'directory_api_keys',
  'directory_console_links',
  'directory_recipients',
  'directory_sessions',
  'directory_sso_domains',
  'directory_users',
  'notifications_unsubscribe_lookup',
  'system_due_email_tenants',
  'system_due_webhook_tenants',
  'system_tenants',
];
/** The tables the application may only append to. */
const APPEND_ONLY = ['audit_log', 'ledger_entries'];
/** The heads of the hash chains over those (migration 010): made and moved forward, never deleted. */
const NEVER_DELETED = ['chain_heads'];
/** Kept by triggers from another table (migration 024): its rows may be gone with that table's. */
const DERIVED = ['opening_monthly_usage'];

let t: TestDatabase;
let app: FastifyInstance;
const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));

interface Session {
  cookie: string;
  csrf: string;
  email: string;
}
let A: TestTenant;
let B: TestTenant;
/** A key of B's made with the default scope alone (events:write), as the interview engine holds it. */
let engineKeyOfB: string;
let adminA: Session;
let adminB: Session;
/** Every table that holds a tenant's rows, and the column naming the tenant. */
let tables: { name: string; column: string }[];

/** Interviews only A has (B never uses these ids) and ids B will later reuse for its own. */
const A_PRIVATE = ['iv-a-completed', 'iv-a-partial', 'iv-a-expired', 'iv-a-reversed', 'iv-a-sim'];
const SHARED = ['iv-shared-completed', 'iv-shared-partial'];
const A_IDEMPOTENCY_KEY = 'purchase-key-0001';

const owner = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
  t.asOwner((o) => o.query<T>(sql, params));

const byKey = (key: string) => ({ authorization: `Bearer ${key}` });
const bySession = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** A tenant's rows of one table as the owner sees them: content and row version (xmin), so any write shows. */
async function snapshot(table: string, column: string, tenantId: string): Promise<string[]> {
  const rows = await owner<{ v: string }>(
    `select xmin::text || ' ' || to_jsonb(r)::text as v from ${table} r where ${column} = $1 order by 1`,
    [tenantId],
  );
  return rows.map((r) => r.v);
}

async function snapshotAll(tenantId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const { name, column } of tables) out[name] = await snapshot(name, column, tenantId);
  return out;
}

async function ownerCount(table: string, column: string, tenantId: string): Promise<number> {
  const [row] = await owner<{ n: number }>(`select count(*)::int as n from ${table} where ${column} = $1`, [
    tenantId,
  ]);
  return Number(row?.n);
}

/** Runs one statement inside B's transaction; an error is returned, not thrown. */
async function asTenant(
  tenantId: string,
  sql: string,
  params?: unknown[],
): Promise<{ rows: Record<string, unknown>[]; error?: undefined } | { rows?: undefined; error: string }> {
  try {
    return { rows: await t.db.withTenant(tenantId, (tx) => tx.query(sql, params)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Runs `sql` against each table in one of B's transactions, each statement in its own savepoint. */
async function eachTableInOneTransaction(
  tenantId: string,
  statement: (table: string, column: string) => string,
  passes = 1,
): Promise<Map<string, { rows: Record<string, unknown>[] } | { error: string }>> {
  const outcome = new Map<string, { rows: Record<string, unknown>[] } | { error: string }>();
  await t.db.withTenant(tenantId, async (tx: Queryable) => {
    // Several passes, so a statement refused by a foreign key succeeds once the rows pointing at it are gone.
    for (let pass = 0; pass < passes; pass++) {
      for (const { name, column } of tables) {
        const previous = outcome.get(name);
        if (previous && !('error' in previous)) continue;
        await tx.query('savepoint each_table');
        try {
          outcome.set(name, { rows: await tx.query(statement(name, column)) });
          await tx.query('release savepoint each_table');
        } catch (err) {
          await tx.query('rollback to savepoint each_table');
          outcome.set(name, { error: (err as Error).message });
        }
      }
    }
  });
  return outcome;
}

/** The app's database, or on PostgreSQL a second app-role pool on the same test database. */
async function appPool(): Promise<{ db: Database; close(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (t.db.kind !== 'postgres' || !server) return { db: t.db, close: async () => {} };
  const [row] = await owner<{ name: string }>('select current_database() as name');
  const url = new URL(server);
  url.pathname = `/${row?.name}`;
  const db = openPostgres({ url: url.toString(), role: APP_ROLE, max: 8 });
  return { db, close: () => db.close() };
}

async function seed(tenant: TestTenant, admin: Session, interviewIds: string[], openingId: string) {
  // An alert at 100 % left: the first credit used raises it and queues its webhook.
  const alerts = await call('PUT', '/api/v1/alerts/settings', bySession(admin), {
    thresholds: [100],
    webhookUrl: `https://hooks.example.test/${tenant.slug}`,
  });
  expect(alerts.statusCode).toBe(200);
  // A budget on the department both tenants name, alerting at 1 %: the first credit raises it.
  const budget = await call('POST', '/api/v1/budgets', bySession(admin), {
    scope: { kind: 'department', value: 'Sales' },
    credits: 100,
    window: 'total',
    onExhausted: 'alert',
    thresholds: [1],
  });
  expect(budget.statusCode).toBe(201);
  // A recipient of the alerts, so the alert queues an email too.
  const recipients = await call('PUT', '/api/v1/notifications/recipients', bySession(admin), {
    recipients: [
      { email: `finance@${tenant.slug}.example`, alerts: true, weeklyDigest: true, statements: true },
    ],
  });
  expect(recipients.statusCode).toBe(200);
  // Auto top-up with its floor at the balance: the first charge crosses it and buys one credit.
  const { balance } = (await call('GET', '/api/v1/credits/balance', bySession(admin))).json();
  const topUp = await call('PUT', '/api/v1/credits/auto-top-up', bySession(admin), {
    enabled: true,
    belowCredits: balance,
    buyCredits: 1,
    monthlyCapCredits: 1,
  });
  expect(topUp.statusCode).toBe(200);
  const outcomes = ['completed', 'partial', 'expired', 'completed', 'simulation'] as const;
  // Attributed alike in both tenants (the same recruiter id), so a leak would show.
  const attribution = {
    recruiterId: 'rec-shared',
    recruiterName: `${openingId} recruiter`,
    department: 'Sales',
  };
  const events = interviewIds.flatMap((interviewId, i) =>
    interviewEvents({
      interviewId,
      openingId,
      jobTitle: `${openingId} title`,
      outcome: outcomes[i % outcomes.length],
      completion: 0.6,
      expiresAfterHours: 24,
    }).map((e) => ({ ...e, ...attribution })),
  );
  // One invitation left open, under the same id in both tenants: the forecast counts it.
  const open = interviewEvents({ interviewId: 'iv-open', openingId, outcome: 'invited' });
  const ingested = await postEvents(app, tenant.apiKey, [...events, ...open]);
  expect(ingested.json()).toMatchObject({ accepted: events.length + open.length, rejected: [] });
  const purchase = await app.inject({
    method: 'POST',
    url: '/api/v1/credits/purchases',
    headers: { ...byKey(tenant.apiKey), 'idempotency-key': `${tenant.slug}-purchase` },
    payload: { credits: 10 },
  });
  expect(purchase.statusCode).toBe(201);
  const key = await call('POST', '/api/v1/api-keys', bySession(admin), { name: 'second key' });
  expect(key.statusCode).toBe(201);
  // Single sign-on settings, a console link, and a sign-in at the provider under way.
  const sso = await call('PUT', '/api/v1/sso', bySession(admin), ssoSettingsOf(tenant));
  expect(sso.statusCode).toBe(200);
  const link = await call('POST', '/api/v1/console-links', byKey(tenant.apiKey), {
    user: { externalId: 'host-1', email: `host-1@${domainOf(tenant)}`, name: 'Host user', role: 'viewer' },
  });
  expect(link.statusCode).toBe(201);
  await seedSsoRequest(tenant);
  // A month in which the cap stopped a top-up (a second crossing, which this seed does not make).
  await owner(
    `insert into auto_top_up_caps (tenant_id, month, capped_at, balance_milli, bought_milli)
     values ($1, '2026-01-01', $2, 0, 1000)`,
    [tenant.id, clock.now()],
  );
}

const seedSsoRequest = (tenant: TestTenant) =>
  owner(
    `insert into sso_requests (tenant_id, token_hash, state, nonce, code_verifier, email, test, created_at, expires_at)
     values ($1, gen_random_uuid()::text, 'state', 'nonce', 'verifier', null, false, now(), now() + interval '10 minutes')`,
    [tenant.id],
  );

const domainOf = (tenant: TestTenant) => `${tenant.slug}.example.test`;
const ssoSettingsOf = (tenant: TestTenant) => ({
  issuer: `https://login.${domainOf(tenant)}`,
  clientId: `client-${tenant.slug}`,
  clientSecret: `secret-${tenant.slug}`,
  roleClaim: 'role',
  roleMapping: [{ value: 'admin', role: 'account_admin' }],
  emailDomains: [domainOf(tenant)],
  passwordLogin: true,
});

beforeAll(async () => {
  t = await openTestDatabase();
  app = await testApp(t.db, clock);
  await app.ready();
  // Their keys hold every scope, so every route a key may call is tried across tenants.
  A = await makeTenant(t.db, clock, { scopes: [...API_KEY_SCOPES] });
  B = await makeTenant(t.db, clock, { scopes: [...API_KEY_SCOPES] });
  engineKeyOfB = (await createApiKey(t.db, B.id, { name: 'engine only' })).key;
  // Used once now, so its lastUsedAt stands still while the GET sweep below compares answers.
  const refused = await call('GET', '/api/v1/credits/ledger', byKey(engineKeyOfB));
  expect(refused.json().error.code).toBe('insufficient_scope');
  adminA = await signIn(app, t.db, A.id, 'account_admin');
  adminB = await signIn(app, t.db, B.id, 'account_admin');
  await seed(A, adminA, [...A_PRIVATE, ...SHARED], 'op-a');
  await seed(
    B,
    adminB,
    ['iv-b-completed', 'iv-b-partial', 'iv-b-expired', 'iv-b-reversed', 'iv-b-sim'],
    'op-b',
  );
  const idem = await app.inject({
    method: 'POST',
    url: '/api/v1/credits/purchases',
    headers: { ...byKey(A.apiKey), 'idempotency-key': A_IDEMPOTENCY_KEY },
    payload: { credits: 2 },
  });
  expect(idem.statusCode).toBe(201);
  for (const [admin, interviewId] of [
    [adminA, 'iv-a-reversed'],
    [adminB, 'iv-b-reversed'],
  ] as const) {
    const reversal = await call('POST', '/api/v1/credits/reversals', bySession(admin), {
      interviewId,
      reason: 'technical failure',
    });
    expect(reversal.statusCode).toBe(201);
  }

  const found = await owner<{ name: string; has_tenant_id: boolean }>(
    `select c.relname as name,
            exists (select 1 from pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant_id
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
  );
  tables = found
    .filter((r) => (r.has_tenant_id && !DIRECTORY_TABLES.includes(r.name)) || r.name === 'tenants')
    .map((r) => ({ name: r.name, column: r.name === 'tenants' ? 'id' : 'tenant_id' }));
});

afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('the schema', () => {
  it('puts every table in a tenant (forced row-level security) or in the short list of global tables', async () => {
    const all = await owner<{ schema: string; name: string; kind: string; rls: boolean; force: boolean }>(
      `select n.nspname as schema, c.relname as name, c.relkind::text as kind,
              c.relrowsecurity as rls, c.relforcerowsecurity as force
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg\\_%'
          and c.relkind in ('r', 'p', 'v', 'm', 'f')
        order by 1, 2`,
    );
    expect(all.filter((r) => r.schema !== 'public').map((r) => `${r.schema}.${r.name}`)).toEqual([]);
    // Views and materialized views would read as their owner, past row-level security.
    expect(all.filter((r) => r.kind !== 'r' && r.kind !== 'p').map((r) => r.name)).toEqual([]);
    const names = tables.map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining(['tenants', 'interviews', 'ledger_entries', 'audit_log', 'chain_heads']),
    );
    expect(all.map((r) => r.name).filter((n) => !names.includes(n))).toEqual(GLOBAL_TABLES);
    const unprotected = all.filter((r) => names.includes(r.name) && !(r.rls && r.force)).map((r) => r.name);
    expect(unprotected, 'tables without enabled and forced row-level security').toEqual([]);
  });

  it('leads every primary key and unique index of a tenant table with its tenant column (Citus-ready)', async () => {
    const keys = await owner<{ table: string; index: string; first: string | null }>(
      `select c.relname as table, i.relname as index, a.attname as first
         from pg_index x
         join pg_class c on c.oid = x.indrelid
         join pg_class i on i.oid = x.indexrelid
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
        where n.nspname = 'public' and x.indisunique order by 1, 2`,
    );
    // `tenants` itself is a reference table on Citus (one small row per tenant, on every node).
    const misled = keys.filter((k) => {
      const table = tables.find((x) => x.name === k.table && x.name !== 'tenants');
      return table !== undefined && k.first !== table.column;
    });
    expect(
      misled.map((k) => `${k.table}: ${k.index}`),
      'keys that would span tenants on a distributed database (docs/scaling.md)',
    ).toEqual([]);
    expect(keys.map((k) => k.table)).toEqual(expect.arrayContaining(['users', 'sessions', 'ledger_entries']));
  });

  it('gives every tenant table only policies that compare its tenant column with app_tenant_id()', async () => {
    const policies = await owner<{
      table: string;
      permissive: string;
      roles: string;
      cmd: string;
      qual: string | null;
      with_check: string | null;
    }>(
      `select tablename as table, permissive, roles::text as roles, cmd, qual, with_check
         from pg_policies where schemaname = 'public' order by 1`,
    );
    for (const { name, column } of tables) {
      const mine = policies.filter((p) => p.table === name);
      const expected = `(${column} = app_tenant_id())`;
      expect(mine.length, `${name} has no policy`).toBeGreaterThan(0);
      for (const p of mine) {
        expect({ table: name, qual: p.qual, check: p.with_check ?? expected }).toEqual({
          table: name,
          qual: expected,
          check: expected,
        });
      }
    }
    expect(policies.map((p) => p.table).filter((n) => !tables.some((x) => x.name === n))).toEqual([]);
  });

  it('grants the app no way around the policies: no TRUNCATE, no change to append-only tables, no global table', async () => {
    const privileges = await owner<{ table: string; privilege: string; granted: boolean }>(
      `select c.relname as table, p.privilege, has_table_privilege($1, c.oid, p.privilege) as granted
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
              as p(privilege)
        where n.nspname = 'public' and c.relkind in ('r', 'p')`,
      [APP_ROLE],
    );
    const granted = (table: string) =>
      privileges
        .filter((p) => p.table === table && p.granted)
        .map((p) => p.privilege)
        .sort();
    for (const { name } of tables) {
      const expected =
        name === 'tenants' || NEVER_DELETED.includes(name)
          ? ['INSERT', 'SELECT', 'UPDATE']
          : APPEND_ONLY.includes(name)
            ? ['INSERT', 'SELECT']
            : ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];
      expect({ table: name, granted: granted(name) }).toEqual({ table: name, granted: expected });
    }
    for (const name of GLOBAL_TABLES)
      expect({ table: name, granted: granted(name) }).toEqual({ table: name, granted: [] });
    const owned = await owner<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and pg_has_role($1, c.relowner, 'USAGE')`,
      [APP_ROLE],
    );
    expect(
      owned.map((r) => r.name),
      'tables the app role owns (owners may drop the policies)',
    ).toEqual([]);
  });

  it('has only the reviewed SECURITY DEFINER functions, none executable by PUBLIC, each with a fixed search_path', async () => {
    const fns = await owner<{ name: string; config: string | null; public_execute: boolean }>(
      `select p.proname as name, array_to_string(p.proconfig, ',') as config,
              exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                       where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_execute
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef order by 1`,
    );
    expect(fns.map((f) => f.name)).toEqual(REVIEWED_DEFINER_FUNCTIONS);
    for (const f of fns) {
      expect({ name: f.name, publicExecute: f.public_execute }).toEqual({
        name: f.name,
        publicExecute: false,
      });
      expect(f.config ?? '', f.name).toContain('search_path=');
    }
  });

  it('has rows of both tenants in every tenant table, so every check below is about something', async () => {
    const empty: string[] = [];
    for (const { name, column } of tables) {
      for (const [label, tenant] of [
        ['A', A],
        ['B', B],
      ] as const) {
        if ((await ownerCount(name, column, tenant.id)) === 0) empty.push(`${name} (${label})`);
      }
    }
    expect(empty, 'tables without rows of a tenant: give them some in seed()').toEqual([]);
  });
});

describe('the application role', () => {
  it('is not a superuser, cannot bypass row-level security and owns nothing', async () => {
    const [me] = await t.db.query<{ user: string; super: boolean; bypass: boolean; setting: string }>(
      `select current_user as user, rolsuper as super, rolbypassrls as bypass,
              current_setting('is_superuser') as setting
         from pg_roles where rolname = current_user`,
    );
    expect(me).toEqual({ user: APP_ROLE, super: false, bypass: false, setting: 'off' });
    const [member] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from pg_roles r
        where (r.rolsuper or r.rolbypassrls) and r.rolname <> current_user
          and pg_has_role(current_user, r.oid, 'MEMBER')`,
    );
    expect(member?.n, 'superuser or bypassrls roles the app role is a member of').toBe(0);
  });

  it('cannot switch row-level security off, drop it, truncate or disable triggers', async () => {
    for (const sql of [
      'alter table interviews disable row level security',
      'alter table interviews no force row level security',
      'drop policy tenant_isolation on interviews',
      'alter table ledger_entries disable trigger ledger_entries_no_update',
      'set local session_replication_role = replica',
      ...tables.map((x) => `truncate ${x.name} cascade`),
    ]) {
      const result = await asTenant(B.id, sql);
      expect({ sql, error: result.error }).toEqual({
        sql,
        error: expect.stringMatching(/must be|permission denied/),
      });
    }
    // With row_security off, a role that cannot bypass it gets an error instead of unfiltered rows.
    const off = await t.db
      .withTenant(B.id, async (tx) => {
        await tx.query('set local row_security = off');
        return tx.query('select * from interviews');
      })
      .then(
        (rows) => `no error: ${rows.length} rows`,
        (err: Error) => err.message,
      );
    expect(off).toMatch(/row-level security/);
    for (const { name, column } of tables) expect(await ownerCount(name, column, A.id)).toBeGreaterThan(0);
  });

  it('cannot take back the owner: on PostgreSQL the app logs in as meterline_app itself', async () => {
    const [who] = await t.db.query<{ session_user: string; current_user: string }>(
      'select session_user, current_user',
    );
    if (t.db.kind === 'postgres') {
      expect(who).toEqual({ session_user: 'meterline_app', current_user: 'meterline_app' });
      const owner = await t.asOwner((q) => q.query<{ u: string }>('select current_user as u'));
      for (const sql of [
        `set role ${owner[0]?.u}`,
        'set role postgres',
        'set session authorization postgres',
      ]) {
        await expect(t.db.query(sql), sql).rejects.toThrow(/permission denied|must be|not permitted/);
      }
      await t.db.query('reset role');
      const [after] = await t.db.query<{ u: string }>('select current_user as u');
      expect(after?.u).toBe('meterline_app');
    } else {
      // PGlite is one session of its superuser: the role is a net under the app's own filters
      // there, not a boundary (docs/decisions/002).
      expect(who?.current_user).toBe('meterline_app');
    }
  });
});

describe('SQL with the tenant filter left out', () => {
  it("shows tenant B none of A's rows in any table, and B's own rows", async () => {
    for (const { name, column } of tables) {
      const all = await t.db.withTenant(B.id, (tx) =>
        tx.query<{ tenant: string }>(`select ${column}::text as tenant from ${name}`),
      );
      expect({ table: name, tenants: [...new Set(all.map((r) => r.tenant))] }).toEqual({
        table: name,
        tenants: [B.id],
      });
      const star = await t.db.withTenant(B.id, (tx) => tx.query(`select * from ${name}`));
      expect(star.length).toBe(all.length);
      const aimed = await t.db.withTenant(B.id, (tx) =>
        tx.query(`select * from ${name} where ${column} = $1`, [A.id]),
      );
      expect({ table: name, rows: aimed.length }).toEqual({ table: name, rows: 0 });
    }
  });

  it('shows nothing of any tenant outside a tenant transaction', async () => {
    for (const { name } of tables) {
      const [plain] = await t.db.query<{ n: number }>(`select count(*)::int as n from ${name}`);
      const [inTx] = await t.db.transaction((tx) =>
        tx.query<{ n: number }>(`select count(*)::int as n from ${name}`),
      );
      expect({ table: name, plain: plain?.n, inTx: inTx?.n }).toEqual({ table: name, plain: 0, inTx: 0 });
    }
  });

  it('does not leak the tenant setting past its transaction, even after an error or on another connection', async () => {
    // On PostgreSQL a pool of its own, built as connect() builds the app's, so several connections
    // take part; closed here, long before the test database is dropped.
    const pooled = await appPool();
    try {
      await Promise.all(
        Array.from({ length: 8 }, () =>
          pooled.db.withTenant(A.id, (tx) => tx.query('select count(*) from interviews')),
        ),
      );
      await expect(
        pooled.db.withTenant(A.id, async (tx) => {
          await tx.query('select 1 from interviews');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const counts = await Promise.all(
        Array.from({ length: 8 }, () =>
          pooled.db.query<{ n: number; tenant: string | null }>(
            'select count(*)::int as n, app_tenant_id()::text as tenant from interviews',
          ),
        ),
      );
      expect(counts.flat()).toEqual(Array.from({ length: 8 }, () => ({ n: 0, tenant: null })));
    } finally {
      await pooled.close();
    }
  });
});

describe('through HTTP, tenant B sees and changes nothing of A', () => {
  /** Every identifier of A's that B must never be shown (ids B reuses itself are left out). */
  let secretsOfA: string[];
  const covered = new Set<string>();
  const cover = (method: string, path: string) => covered.add(`${method} ${path}`);

  beforeAll(async () => {
    const ids = await owner<{ v: string }>(
      `select id::text as v from users where tenant_id = $1
       union all select email from users where tenant_id = $1
       union all select id::text from api_keys where tenant_id = $1
       union all select prefix from api_keys where tenant_id = $1
       union all select id::text from credit_lots where tenant_id = $1
       union all select id::text from purchases where tenant_id = $1
       union all select id::text from plans where tenant_id = $1
       union all select id from openings where tenant_id = $1
       union all select slug from tenants where id = $1`,
      [A.id],
    );
    secretsOfA = [A.id, ...ids.map((r) => r.v), ...A_PRIVATE];
  });

  /** `asked`: what B itself sent (a 404 may name the id it was asked for). */
  const expectNoSecretOfA = (res: LightMyRequestResponse, asked = '') => {
    const leaked = secretsOfA.filter((s) => res.body.includes(s) && !asked.includes(s));
    expect(leaked, `${res.body.slice(0, 300)}`).toEqual([]);
  };

  it('GET /me, /users and /api-keys list B alone', async () => {
    const me = await call('GET', '/api/v1/me', bySession(adminB));
    expect(me.statusCode).toBe(200);
    expect(me.json().tenant.id).toBe(B.id);
    expectNoSecretOfA(me);
    cover('GET', '/api/v1/me');

    const users = await call('GET', '/api/v1/users', bySession(adminB));
    expect(users.statusCode).toBe(200);
    const userIdsOfB = (
      await owner<{ id: string }>('select id::text from users where tenant_id = $1', [B.id])
    ).map((r) => r.id);
    expect(
      users
        .json()
        .users.map((u: { id: string }) => u.id)
        .sort(),
    ).toEqual(userIdsOfB.sort());
    expectNoSecretOfA(users);
    cover('GET', '/api/v1/users');

    const keys = await call('GET', '/api/v1/api-keys', bySession(adminB));
    expect(keys.statusCode).toBe(200);
    const keyIdsOfB = (
      await owner<{ id: string }>('select id::text from api_keys where tenant_id = $1', [B.id])
    ).map((r) => r.id);
    expect(
      keys
        .json()
        .apiKeys.map((k: { id: string }) => k.id)
        .sort(),
    ).toEqual(keyIdsOfB.sort());
    expectNoSecretOfA(keys);
    cover('GET', '/api/v1/api-keys');
  });

  it("cannot close A's opening (404); closing B's own changes B alone", async () => {
    const before = await snapshotAll(A.id);
    const ofA = await call('PUT', '/api/v1/openings/op-a/status', byKey(B.apiKey), { status: 'closed' });
    expect(ofA.statusCode).toBe(404);
    expectNoSecretOfA(ofA, 'op-a');
    const ofB = await call('PUT', '/api/v1/openings/op-b/status', bySession(adminB), { status: 'closed' });
    expect(ofB.statusCode).toBe(200);
    cover('PUT', '/api/v1/openings/{openingId}/status');
    expect(await snapshotAll(A.id)).toEqual(before);
    const reopened = await call('PUT', '/api/v1/openings/op-b/status', bySession(adminB), { status: 'open' });
    expect(reopened.statusCode).toBe(200);
  });

  it("changes B's alert settings, secret and test webhooks alone", async () => {
    const before = await snapshotAll(A.id);
    const rowsOfB = async (table: string) => ownerCount(table, 'tenant_id', B.id);
    const deliveriesOfB = await rowsOfB('webhook_deliveries');
    const saved = await call('PUT', '/api/v1/alerts/settings', bySession(adminB), {
      thresholds: [100, 50],
      webhookUrl: 'https://hooks.example.test/b-changed',
    });
    expect(saved.statusCode).toBe(200);
    expectNoSecretOfA(saved);
    cover('PUT', '/api/v1/alerts/settings');
    const rotated = await call('POST', '/api/v1/alerts/webhook/secret', bySession(adminB));
    expect(rotated.statusCode).toBe(200);
    cover('POST', '/api/v1/alerts/webhook/secret');
    const test = await call('POST', '/api/v1/alerts/webhook/test', bySession(adminB));
    expect(test.statusCode).toBe(202);
    cover('POST', '/api/v1/alerts/webhook/test');
    expect(await snapshotAll(A.id)).toEqual(before);
    expect(await rowsOfB('webhook_deliveries')).toBe(deliveriesOfB + 1);
    const [settingsOfB] = await owner<{ url: string; secret: string }>(
      'select webhook_url as url, webhook_secret as secret from alert_settings where tenant_id = $1',
      [B.id],
    );
    expect(settingsOfB).toEqual({
      url: 'https://hooks.example.test/b-changed',
      secret: rotated.json().secret,
    });
  });

  it("cannot change or remove A's budgets (404), and what B sets is B's", async () => {
    const before = await snapshotAll(A.id);
    const [budgetOfA] = await owner<{ id: string }>('select id::text from budgets where tenant_id = $1', [
      A.id,
    ]);
    const settings = {
      scope: { kind: 'opening', value: 'op-b' },
      credits: 1,
      window: 'month',
      onExhausted: 'block',
    };
    const changed = await call('PUT', `/api/v1/budgets/${budgetOfA?.id}`, bySession(adminB), settings);
    expect(changed.statusCode).toBe(404);
    expectNoSecretOfA(changed);
    cover('PUT', '/api/v1/budgets/{budgetId}');
    const removed = await call('DELETE', `/api/v1/budgets/${budgetOfA?.id}`, bySession(adminB));
    expect(removed.statusCode).toBe(404);
    cover('DELETE', '/api/v1/budgets/{budgetId}');
    // B's own budget: B's alone.
    const created = await call('POST', '/api/v1/budgets', bySession(adminB), settings);
    expect(created.statusCode).toBe(201);
    expectNoSecretOfA(created);
    cover('POST', '/api/v1/budgets');
    const [row] = await owner<{ tenant: string }>(
      'select tenant_id::text as tenant from budgets where id = $1',
      [created.json().budgetId],
    );
    expect(row?.tenant).toBe(B.id);
    expect(await snapshotAll(A.id)).toEqual(before);
    expect(
      (await call('DELETE', `/api/v1/budgets/${created.json().budgetId}`, bySession(adminB))).statusCode,
    ).toBe(204);
  });

  it("changes B's auto top-up alone", async () => {
    const before = await snapshotAll(A.id);
    const saved = await call('PUT', '/api/v1/credits/auto-top-up', bySession(adminB), {
      enabled: false,
      belowCredits: 3,
      buyCredits: 5,
      monthlyCapCredits: 5,
    });
    expect(saved.statusCode).toBe(200);
    expectNoSecretOfA(saved);
    cover('PUT', '/api/v1/credits/auto-top-up');
    expect(await snapshotAll(A.id)).toEqual(before);
  });

  it("changes B's email recipients alone; an unsubscribe link turns off its own recipient only", async () => {
    const before = await snapshotAll(A.id);
    const saved = await call('PUT', '/api/v1/notifications/recipients', bySession(adminB), {
      recipients: [{ email: 'finance@b.example', alerts: true, weeklyDigest: false, statements: false }],
    });
    expect(saved.statusCode).toBe(200);
    cover('PUT', '/api/v1/notifications/recipients');
    const [ofB] = await owner<{ token: string }>(
      'select unsubscribe_token as token from notification_recipients where tenant_id = $1',
      [B.id],
    );
    const off = await call('POST', '/api/v1/notifications/unsubscribe', {}, { token: ofB?.token });
    expect(off.json()).toEqual({ email: 'finance@b.example' });
    cover('POST', '/api/v1/notifications/unsubscribe');
    expect(await snapshotAll(A.id)).toEqual(before);
  });

  it("changes B's sign-in settings and console links alone; B cannot claim A's domain or users", async () => {
    const before = await snapshotAll(A.id);
    const claim = await call('PUT', '/api/v1/sso', bySession(adminB), {
      ...ssoSettingsOf(B),
      emailDomains: [domainOf(A)],
    });
    expect(claim.statusCode).toBe(409);
    expect(claim.json().error.code).toBe('domain_taken');
    expectNoSecretOfA(claim, domainOf(A));
    const saved = await call('PUT', '/api/v1/sso', bySession(adminB), {
      ...ssoSettingsOf(B),
      roleClaim: 'groups',
    });
    expect(saved.statusCode).toBe(200);
    expect(JSON.stringify(saved.json())).not.toContain('secret-');
    expectNoSecretOfA(saved);
    cover('PUT', '/api/v1/sso');
    // The login page's first step answers by domain: A's domain goes to A's provider, naming nothing else.
    const discovered = await call('POST', '/api/v1/auth/sso/discover', {}, { email: `x@${domainOf(A)}` });
    expect(discovered.json()).toMatchObject({ method: 'sso' });
    expectNoSecretOfA(discovered, domainOf(A));
    cover('POST', '/api/v1/auth/sso/discover');
    // A link of B's for A's user is refused; B's own link signs into B alone.
    const ofA = await call('POST', '/api/v1/console-links', byKey(B.apiKey), {
      user: { externalId: 'intruder', email: adminA.email, name: 'Intruder', role: 'account_admin' },
    });
    expect(ofA.statusCode).toBe(409);
    expect(ofA.json().error.code).toBe('email_taken');
    expectNoSecretOfA(ofA, adminA.email);
    const link = await call('POST', '/api/v1/console-links', byKey(B.apiKey), {
      user: { externalId: 'host-2', email: `host-2@${domainOf(B)}`, name: 'Host two', role: 'viewer' },
    });
    expect(link.statusCode).toBe(201);
    cover('POST', '/api/v1/console-links');
    const opened = await call('GET', new URL(link.json().url).pathname + new URL(link.json().url).search, {});
    expect(opened.statusCode).toBe(303);
    const [made] = await owner<{ tenant: string }>(
      'select tenant_id::text as tenant from users where email = $1',
      [`host-2@${domainOf(B)}`],
    );
    expect(made?.tenant).toBe(B.id);
    const off = await call('DELETE', '/api/v1/sso', bySession(adminB));
    expect(off.statusCode).toBe(204);
    cover('DELETE', '/api/v1/sso');
    expect(await snapshotAll(A.id)).toEqual(before);
    expect((await call('PUT', '/api/v1/sso', bySession(adminB), ssoSettingsOf(B))).statusCode).toBe(200);
    // Turning SSO off dropped B's sign-ins under way; the checks below want a row of each tenant.
    await seedSsoRequest(B);
  });

  it("cannot change A's users or revoke A's keys (404), and what B adds is B's", async () => {
    const before = await snapshotAll(A.id);
    const [userOfA] = await owner<{ id: string }>('select id::text from users where tenant_id = $1 limit 1', [
      A.id,
    ]);
    const patched = await call('PATCH', `/api/v1/users/${userOfA?.id}`, bySession(adminB), {
      role: 'viewer',
    });
    expect(patched.statusCode).toBe(404);
    expectNoSecretOfA(patched);
    cover('PATCH', '/api/v1/users/{userId}');

    const [keyOfA] = await owner<{ id: string }>(
      'select id::text from api_keys where tenant_id = $1 limit 1',
      [A.id],
    );
    const revoked = await call('DELETE', `/api/v1/api-keys/${keyOfA?.id}`, bySession(adminB));
    expect(revoked.statusCode).toBe(404);
    cover('DELETE', '/api/v1/api-keys/{keyId}');
    expect(await snapshotAll(A.id)).toEqual(before);

    // An email is one login platform-wide, so A's address is refused (it tells B it exists, nothing more).
    const taken = await call('POST', '/api/v1/users', bySession(adminB), {
      email: adminA.email,
      name: 'Intruder',
      role: 'account_admin',
      password: 'another long password',
    });
    expect(taken.statusCode).toBe(409);
    expectNoSecretOfA(taken);
    const added = await call('POST', '/api/v1/users', bySession(adminB), {
      email: `b-added-${B.slug}@example.test`,
      name: 'Added by B',
      role: 'viewer',
      password: 'another long password',
    });
    expect(added.statusCode).toBe(201);
    const [addedRow] = await owner<{ tenant: string }>(
      'select tenant_id::text as tenant from users where id = $1',
      [added.json().user.id],
    );
    expect(addedRow?.tenant).toBe(B.id);
    cover('POST', '/api/v1/users');

    const key = await call('POST', '/api/v1/api-keys', bySession(adminB), {
      name: 'from B',
      scopes: ['usage:read'],
    });
    expect(key.statusCode).toBe(201);
    const [keyRow] = await owner<{ tenant: string }>(
      'select tenant_id::text as tenant from api_keys where id = $1',
      [key.json().apiKey.id],
    );
    expect(keyRow?.tenant).toBe(B.id);
    const balance = await call('GET', '/api/v1/credits/balance', byKey(key.json().apiKey.key));
    expect(balance.statusCode).toBe(200);
    expectNoSecretOfA(balance);
    cover('POST', '/api/v1/api-keys');
    // A's own key still works.
    expect((await call('GET', '/api/v1/credits/balance', byKey(A.apiKey))).statusCode).toBe(200);
  });

  it("shows B's balance and ledger alone, and no entry of A's interviews", async () => {
    const [sumB] = await owner<{ total: number }>(
      'select coalesce(sum(amount_milli), 0)::bigint as total from ledger_entries where tenant_id = $1',
      [B.id],
    );
    const lotsOfB = (
      await owner<{ id: string }>('select id::text from credit_lots where tenant_id = $1', [B.id])
    ).map((r) => r.id);
    const entriesOfB = (
      await owner<{ id: number }>('select id from ledger_entries where tenant_id = $1', [B.id])
    ).map((r) => Number(r.id));
    for (const headers of [byKey(B.apiKey), bySession(adminB)]) {
      const balance = await call('GET', '/api/v1/credits/balance', headers);
      expect(balance.statusCode).toBe(200);
      expect(balance.json().balance * 1000).toBe(Number(sumB?.total));
      for (const lot of balance.json().lots) expect(lotsOfB).toContain(lot.id);
      expectNoSecretOfA(balance);

      const ledger = await call('GET', '/api/v1/credits/ledger?limit=500', headers);
      expect(ledger.statusCode).toBe(200);
      const entries: { id: number; lotId: string | null }[] = ledger.json().entries;
      expect(entries.map((e) => e.id).sort((x, y) => x - y)).toEqual(entriesOfB.sort((x, y) => x - y));
      for (const e of entries) if (e.lotId !== null) expect(lotsOfB).toContain(e.lotId);
      expectNoSecretOfA(ledger);

      for (const interviewId of [...A_PRIVATE, ...SHARED]) {
        const one = await call('GET', `/api/v1/credits/ledger?interviewId=${interviewId}`, headers);
        expect(one.statusCode).toBe(200);
        expect({ interviewId, entries: one.json().entries }).toEqual({ interviewId, entries: [] });
      }
    }
    cover('GET', '/api/v1/credits/balance');
    cover('GET', '/api/v1/credits/ledger');
  });

  it("cannot reverse A's interview (404), and A's idempotency key buys B's own credits", async () => {
    const before = await snapshotAll(A.id);
    for (const interviewId of [...A_PRIVATE, ...SHARED]) {
      const res = await call('POST', '/api/v1/credits/reversals', bySession(adminB), {
        interviewId,
        reason: 'trying the neighbours',
      });
      expect({ interviewId, status: res.statusCode, code: res.json().error?.code }).toEqual({
        interviewId,
        status: 404,
        code: 'not_found',
      });
    }
    cover('POST', '/api/v1/credits/reversals');

    const purchase = await app.inject({
      method: 'POST',
      url: '/api/v1/credits/purchases',
      headers: { ...byKey(B.apiKey), 'idempotency-key': A_IDEMPOTENCY_KEY },
      payload: { credits: 2 },
    });
    expect(purchase.statusCode, 'a replay of A’s purchase would answer 200').toBe(201);
    expectNoSecretOfA(purchase);
    const [row] = await owner<{ tenant: string }>(
      'select tenant_id::text as tenant from purchases where id = $1',
      [purchase.json().purchaseId],
    );
    expect(row?.tenant).toBe(B.id);
    cover('POST', '/api/v1/credits/purchases');
    expect(await snapshotAll(A.id)).toEqual(before);
  });

  it('ends only B’s session on logout; A stays signed in', async () => {
    const other = await signIn(app, t.db, B.id, 'viewer');
    const out = await call('POST', '/api/v1/auth/logout', bySession(other));
    expect(out.statusCode).toBe(204);
    expect((await call('GET', '/api/v1/me', bySession(other))).statusCode).toBe(401);
    const meA = await call('GET', '/api/v1/me', bySession(adminA));
    expect(meA.statusCode).toBe(200);
    expect(meA.json().tenant.id).toBe(A.id);
    cover('POST', '/api/v1/auth/logout');
    // Login answers for the account it signs in, before any tenant is known (signIn above checks it).
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminB.email, password: 'correct horse battery' },
    });
    expect(login.json().tenant.id).toBe(B.id);
    expectNoSecretOfA(login);
    cover('POST', '/api/v1/auth/login');
  });

  /** Every route of the OpenAPI document, as 'METHOD /path/{param}'. */
  const allRoutes = () => {
    const doc = app.swagger() as { paths?: Record<string, Record<string, unknown>> };
    return Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  };

  /** B's own downloads (GETs of the sweep) are audited: its audit log grows by their rows each sweep. */
  const DOWNLOADS = ['usage.exported', 'statement.downloaded', 'receipt.downloaded'];
  const withoutOwnExports = (url: string, res: LightMyRequestResponse) =>
    url.startsWith('/api/v1/audit') && res.statusCode === 200
      ? JSON.stringify(
          (res.json().entries as { action: string }[]).filter((e) => !DOWNLOADS.includes(e.action)),
        )
      : res.body;

  it("answers B the same on every GET route before and after A's data changes, showing nothing of A", async () => {
    const [userOfA] = await owner<{ id: string }>('select id::text from users where tenant_id = $1 limit 1', [
      A.id,
    ]);
    const [userOfB] = await owner<{ id: string }>('select id::text from users where tenant_id = $1 limit 1', [
      B.id,
    ]);
    const [keyOfA] = await owner<{ id: string }>(
      'select id::text from api_keys where tenant_id = $1 limit 1',
      [A.id],
    );
    const [keyOfB] = await owner<{ id: string }>(
      'select id::text from api_keys where tenant_id = $1 limit 1',
      [B.id],
    );
    const [purchaseOfA] = await owner<{ id: string }>(
      'select id::text from purchases where tenant_id = $1 limit 1',
      [A.id],
    );
    const [purchaseOfB] = await owner<{ id: string }>(
      'select id::text from purchases where tenant_id = $1 limit 1',
      [B.id],
    );
    const [periodOfB] = await owner<{ start: string }>(
      `select to_char(start_at at time zone t.time_zone, 'YYYY-MM-DD') as start
         from billing_periods p join tenants t on t.id = p.tenant_id where p.tenant_id = $1 limit 1`,
      [B.id],
    );
    /** Path parameters filled with A's identifiers and with B's own. */
    const values: Record<string, string[]> = {
      purchaseId: [purchaseOfA?.id ?? '', purchaseOfB?.id ?? ''],
      periodStart: [periodOfB?.start ?? ''],
      openingId: ['op-a', 'op-b'],
      interviewId: [A_PRIVATE[0] ?? '', 'iv-b-completed'],
      userId: [userOfA?.id ?? '', userOfB?.id ?? ''],
      keyId: [keyOfA?.id ?? '', keyOfB?.id ?? ''],
      budgetId: await Promise.all(
        [A, B].map(
          async (x) =>
            (
              await owner<{ id: string }>('select id::text from budgets where tenant_id = $1 limit 1', [x.id])
            )[0]?.id ?? '',
        ),
      ),
    };
    // The health and readiness checks and the API's document hold nothing of any tenant, and answer anyone.
    // The sign-in redirects answer anyone, and show nothing but where the browser goes next.
    const PUBLIC = [
      'GET /api/v1/health',
      'GET /api/v1/ready',
      'GET /api/docs/json',
      'GET /api/v1/auth/session',
      'GET /api/v1/auth/sso/start',
      'GET /api/v1/auth/sso/callback',
      'GET /api/v1/console-links/open',
    ];
    // Routes that answer nothing without a query parameter.
    const QUERIES: Record<string, string> = { '/api/v1/consumption/breakdown': '?by=recruiter' };
    const urls = allRoutes()
      .filter((r) => r.startsWith('GET ') && !PUBLIC.includes(r))
      .flatMap((r) => {
        let urlsOfRoute = [r.slice(4)];
        for (const [, name] of r.matchAll(/\{(\w+)\}/g)) {
          const fill = values[name ?? ''] ?? [A.id, B.id];
          urlsOfRoute = urlsOfRoute.flatMap((u) =>
            fill.map((v) => u.replace(`{${name}}`, encodeURIComponent(v))),
          );
        }
        return urlsOfRoute.map((u) => u + (QUERIES[u] ?? ''));
      });
    expect(urls.length).toBeGreaterThan(5);
    const look = async () => {
      const seen: Record<string, string> = {};
      for (const url of urls) {
        for (const [who, headers] of [
          ['session', bySession(adminB)],
          ['key', byKey(B.apiKey)],
          ['engine key', byKey(engineKeyOfB)],
        ] as const) {
          const res = await call('GET', url, headers);
          // The engine's key reads nothing: each GET needs usage:read or a session.
          const allowed = who === 'engine key' ? [401, 403] : [200, 401, 403, 404];
          expect({ url, who, status: res.statusCode }).toEqual({
            url,
            who,
            status: expect.toSatisfy((s: number) => allowed.includes(s)),
          });
          expectNoSecretOfA(res, decodeURIComponent(url));
          seen[`${who} ${url}`] = `${res.statusCode} ${withoutOwnExports(url, res)}`;
        }
      }
      return seen;
    };
    const before = await look();
    // A grows: new interviews (also in an opening id B uses), a purchase, a user.
    const more = [
      ...interviewEvents({ openingId: 'op-b', jobTitle: 'A in op-b', outcome: 'completed' }),
      ...interviewEvents({ openingId: 'op-a', outcome: 'partial', completion: 0.9 }),
      ...interviewEvents({ openingId: 'op-b', outcome: 'simulation' }),
      ...interviewEvents({ openingId: 'op-a', outcome: 'expired', at: '2025-01-10T10:00:00Z' }),
    ];
    expect((await postEvents(app, A.apiKey, more)).json()).toMatchObject({ accepted: more.length });
    const bought = await app.inject({
      method: 'POST',
      url: '/api/v1/credits/purchases',
      headers: { ...byKey(A.apiKey), 'idempotency-key': 'a-grows-0001' },
      payload: { credits: 3 },
    });
    expect(bought.statusCode).toBe(201);
    await signIn(app, t.db, A.id, 'recruiter');
    expect(await look()).toEqual(before);
  });

  it("turns events B posts with A's interview and event ids into B's own interviews", async () => {
    const before = await snapshotAll(A.id);
    const eventsOfA = await owner<Record<string, unknown>>(
      `select id, type, interview_id as "interviewId", opening_id as "openingId", job_title as "jobTitle",
              candidate_id as "candidateId", occurred_at as "occurredAt", completion
         from interview_events where tenant_id = $1 and interview_id = any($2::text[])`,
      [A.id, SHARED],
    );
    const replay = eventsOfA.map((e) =>
      Object.fromEntries(
        Object.entries({ ...e, occurredAt: new Date(e.occurredAt as string).toISOString() }).filter(
          ([, v]) => v !== null,
        ),
      ),
    );
    expect(replay.length).toBeGreaterThan(0);
    const res = await postEvents(app, B.apiKey, replay);
    expect(res.json(), 'A’s event ids are neither duplicates nor conflicts for B').toEqual({
      accepted: replay.length,
      duplicates: 0,
      rejected: [],
    });
    cover('POST', '/api/v1/events');
    const rows = await owner<{ tenant: string; id: string; charged: number }>(
      `select tenant_id::text as tenant, id, charged_milli as charged from interviews
        where id = any($1::text[]) order by tenant_id, id`,
      [SHARED],
    );
    expect(rows.filter((r) => r.tenant === B.id).map((r) => r.id)).toEqual([...SHARED].sort());
    expect(rows.filter((r) => r.tenant === A.id).map((r) => r.id)).toEqual([...SHARED].sort());
    // Everything of A's is exactly as it was: same rows, same row versions.
    expect(await snapshotAll(A.id)).toEqual(before);
  });

  it('has covered every route of the API (a new write route needs its cross-tenant check here)', () => {
    const routes = allRoutes();
    expect(routes.length).toBeGreaterThan(10);
    // GET routes are all covered by the sweep above; writes each need their own check.
    expect(routes.filter((r) => !r.startsWith('GET ') && !covered.has(r)).sort()).toEqual([]);
  });
});

// These change B's rows for real, so they come last.
describe('writes with the tenant filter left out', () => {
  it("refuses B's transaction every row it writes with A's tenant id (row-level security)", async () => {
    const before = await snapshotAll(A.id);
    for (const { name, column } of tables) {
      // A copy of one of B's rows with A's tenant id ("overriding system value": identity columns copied too).
      const insert = await asTenant(
        B.id,
        `insert into ${name} overriding system value
         select (jsonb_populate_record(null::${name}, to_jsonb(r) || jsonb_build_object('${column}', $1::text))).*
           from ${name} r limit 1`,
        [A.id],
      );
      expect({ table: name, error: insert.error }).toEqual({
        table: name,
        error: expect.stringContaining(`new row violates row-level security policy for table "${name}"`),
      });
      const move = await asTenant(B.id, `update ${name} set ${column} = $1`, [A.id]);
      expect({ table: name, error: move.error }).toEqual({
        table: name,
        error: APPEND_ONLY.includes(name)
          ? `permission denied for table ${name}`
          : expect.stringContaining(`new row violates row-level security policy for table "${name}"`),
      });
    }
    expect(await snapshotAll(A.id)).toEqual(before);
  });

  it("updates B's rows alone with an unfiltered UPDATE of every table", async () => {
    const before = await snapshotAll(A.id);
    const beforeB = await snapshotAll(B.id);
    const outcome = await eachTableInOneTransaction(
      B.id,
      (name, column) => `update ${name} set ${column} = ${column} returning ${column}::text as tenant`,
    );
    for (const { name, column } of tables) {
      const result = outcome.get(name);
      if (result && 'error' in result) {
        expect({ table: name, error: result.error }).toEqual({
          table: name,
          error: `permission denied for table ${name}`,
        });
        expect(APPEND_ONLY).toContain(name);
        continue;
      }
      const rows = result?.rows ?? [];
      expect({ table: name, tenants: [...new Set(rows.map((r) => r.tenant))] }).toEqual({
        table: name,
        tenants: [B.id],
      });
      expect(rows.length).toBe(await ownerCount(name, column, B.id));
      // B's rows were rewritten (new row versions); A's were not touched.
      expect((await snapshot(name, column, B.id)).some((v) => beforeB[name]?.includes(v))).toBe(false);
    }
    expect(await snapshotAll(A.id)).toEqual(before);
  });

  it("deletes B's rows alone with an unfiltered DELETE of every table", async () => {
    const before = await snapshotAll(A.id);
    const outcome = await eachTableInOneTransaction(
      B.id,
      (name, column) => `delete from ${name} returning ${column}::text as tenant`,
      tables.length,
    );
    for (const { name, column } of tables) {
      const result = outcome.get(name);
      if (result && 'error' in result) {
        // Refused outright, or (credit lots, plans) because B's undeletable rows still point at them.
        expect({ table: name, error: result.error }).toEqual({
          table: name,
          error: expect.stringMatching(/permission denied|violates foreign key constraint/),
        });
        continue;
      }
      const tenants = [...new Set((result?.rows ?? []).map((r) => r.tenant))];
      expect({ table: name, tenants }).toEqual({
        table: name,
        tenants: DERIVED.includes(name) && tenants.length === 0 ? [] : [B.id],
      });
      expect({ table: name, left: await ownerCount(name, column, B.id) }).toEqual({ table: name, left: 0 });
    }
    expect(await snapshotAll(A.id)).toEqual(before);
    for (const { name, column } of tables) expect(await ownerCount(name, column, A.id)).toBeGreaterThan(0);
  });
});
