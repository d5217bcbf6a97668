import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { interviewEvents, postEvents, TestClock, testAppForFile, uniqueSlug } from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));

const env = testAppForFile(clock);

/** Runs the CLI in this process on the test database; returns the exit code and what it printed. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    db: env.t.db,
    now: clock.now,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err, lastLine: out[out.length - 1] ?? '', stderr: err.join('\n') };
}

async function createTenant(slug = uniqueSlug('cli'), ...extra: string[]) {
  const res = await cli('tenant', 'create', '--slug', slug, '--name', `Tenant ${slug}`, ...extra);
  expect(res.code, res.stderr).toBe(0);
  return { slug, id: res.lastLine };
}

describe('tenant create', () => {
  it('creates a tenant with the plan given, prints its id, and opens its first period', async () => {
    const slug = uniqueSlug('cli');
    const res = await cli(
      'tenant',
      'create',
      '--slug',
      slug,
      '--name',
      'Initech',
      '--time-zone',
      'Europe/Berlin',
      '--anchor',
      '2026-01-01',
      '--allotment',
      '1200.5',
      '--period',
      'month',
      '--rollover',
      'capped',
      '--rollover-cap-percent',
      '10',
      '--overage',
      'allow',
      '--overage-limit',
      '50',
      '--price-cents',
      '350',
      '--purchase-limit',
      '2500',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.lastLine).toMatch(/^[0-9a-f-]{36}$/);
    const [plan] = await env.t.db.withTenant(res.lastLine, (tx) =>
      tx.query(
        `select p.period_unit, p.allotment_milli, p.rollover_mode, p.rollover_cap_percent, p.overage_mode,
                p.overage_limit_milli, p.credit_price_cents, p.purchase_limit_milli,
                t.time_zone, to_char(t.billing_anchor, 'YYYY-MM-DD') as anchor
           from plans p join tenants t on t.id = p.tenant_id`,
      ),
    );
    expect(plan).toMatchObject({
      period_unit: 'month',
      rollover_mode: 'capped',
      rollover_cap_percent: 10,
      overage_mode: 'allow',
      credit_price_cents: 350,
      time_zone: 'Europe/Berlin',
      anchor: '2026-01-01',
    });
    expect(Number(plan?.allotment_milli)).toBe(1_200_500);
    expect(Number(plan?.overage_limit_milli)).toBe(50_000);
    expect(Number(plan?.purchase_limit_milli)).toBe(2_500_000);
    const [account] = await env.t.db.withTenant(res.lastLine, (tx) =>
      tx.query<{ balance_milli: number }>('select balance_milli from credit_accounts'),
    );
    expect(Number(account?.balance_milli)).toBe(1_200_500);
  });

  it('defaults the plan and anchors at the 1st of the current month', async () => {
    const { id } = await createTenant();
    const [row] = await env.t.db.withTenant(id, (tx) =>
      tx.query(
        `select p.allotment_milli, p.rollover_mode, p.overage_mode, p.purchase_limit_milli,
                to_char(t.billing_anchor, 'YYYY-MM-DD') as anchor
           from plans p join tenants t on t.id = p.tenant_id`,
      ),
    );
    expect(row).toMatchObject({ rollover_mode: 'capped', overage_mode: 'block', anchor: '2026-01-01' });
    expect(Number(row?.allotment_milli)).toBe(500_000);
    expect(Number(row?.purchase_limit_milli)).toBe(100_000_000);
  });
});

describe('user add', () => {
  it('adds a user with a generated password that signs in', async () => {
    const { slug } = await createTenant();
    const email = `${slug}@example.test`;
    const res = await cli(
      'user',
      'add',
      '--tenant',
      slug,
      '--email',
      email,
      '--name',
      'Ops',
      '--role',
      'account_admin',
    );
    expect(res.code, res.stderr).toBe(0);
    const password = /Generated password \(shown once\): (\S+)$/.exec(res.lastLine)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(20);
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.role).toBe('account_admin');
  });

  it('uses the password given', async () => {
    const { slug } = await createTenant();
    const email = `v-${slug}@example.test`;
    const res = await cli(
      'user',
      'add',
      '--tenant',
      slug,
      '--email',
      email,
      '--name',
      'Viewer',
      '--role',
      'viewer',
      '--password',
      'a long enough password',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.out.join('\n')).not.toContain('Generated password');
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'a long enough password' },
    });
    expect(login.statusCode).toBe(200);
  });
});

describe('apikey create', () => {
  it('prints the key alone on the last line, and the key authenticates event ingestion', async () => {
    const { slug } = await createTenant();
    const res = await cli('apikey', 'create', '--tenant', slug, '--name', 'Engine');
    expect(res.code, res.stderr).toBe(0);
    expect(res.out.length).toBeGreaterThanOrEqual(2);
    expect(res.lastLine).toMatch(/^ml_\S+$/);
    const events = interviewEvents({ at: '2026-01-14T10:00:00Z' });
    const posted = await postEvents(env.app, res.lastLine, events);
    expect(posted.statusCode).toBe(200);
    expect(posted.json()).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    // Without --scope the key is the interview engine's: it cannot read the ledger.
    const ledger = await env.app.inject({
      method: 'GET',
      url: '/api/v1/credits/ledger',
      headers: { authorization: `Bearer ${res.lastLine}` },
    });
    expect(ledger.statusCode).toBe(403);
    expect(ledger.json().error.code).toBe('insufficient_scope');
  });

  it('gives the key the scopes named, repeated or comma-separated', async () => {
    const { slug } = await createTenant();
    const res = await cli('apikey', 'create', '--tenant', slug, '--scope', 'usage:read,credits:purchase');
    expect(res.code, res.stderr).toBe(0);
    expect(res.out[0]).toContain('with scopes usage:read, credits:purchase;');
    const balance = await env.app.inject({
      method: 'GET',
      url: '/api/v1/credits/balance',
      headers: { authorization: `Bearer ${res.lastLine}` },
    });
    expect(balance.statusCode).toBe(200);
    const both = await cli(
      'apikey',
      'create',
      '--tenant',
      slug,
      '--scope',
      'events:write',
      '--scope',
      'openings:write',
    );
    expect(both.out[0]).toContain('with scopes events:write, openings:write;');
  });
});

describe('apikey list and revoke', () => {
  it('lists id, name, prefix, scopes, created, last used and revoked; revokes by id', async () => {
    const { slug } = await createTenant();
    expect((await cli('apikey', 'list', '--tenant', slug)).lastLine).toBe(`Tenant ${slug} has no API keys.`);
    const key = (
      await cli('apikey', 'create', '--tenant', slug, '--name', 'Reports', '--scope', 'usage:read')
    ).lastLine;
    await env.app.inject({
      method: 'GET',
      url: '/api/v1/credits/balance',
      headers: { authorization: `Bearer ${key}` },
    });
    const listed = await cli('apikey', 'list', '--tenant', slug);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.out[0]?.split(/\s{2,}/)).toEqual([
      'id',
      'name',
      'prefix',
      'scopes',
      'created',
      'last used',
      'revoked',
    ]);
    const row = listed.out[1]?.split(/\s{2,}/) ?? [];
    expect(row).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36}$/),
      'Reports',
      key.slice(0, 10),
      'usage:read',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      '2026-01-15T12:00:00.000Z',
      '-',
    ]);
    expect(listed.out.join('\n')).not.toContain(key);

    const revoked = await cli('apikey', 'revoke', '--tenant', slug, '--id', row[0] ?? '');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.lastLine).toContain('Revoked API key');
    const again = await cli('apikey', 'revoke', '--tenant', slug, '--id', row[0] ?? '');
    expect(again.lastLine).toContain('revoked already');
    const after = (await cli('apikey', 'list', '--tenant', slug)).out[1]?.split(/\s{2,}/) ?? [];
    expect(after[6]).toBe('2026-01-15T12:00:00.000Z');
    const refused = await env.app.inject({
      method: 'GET',
      url: '/api/v1/credits/balance',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(refused.statusCode).toBe(401);
  });
});

describe('budgets list, create and delete', () => {
  it("sets a tenant's budget, lists it with its usage, refuses bad values, and removes it", async () => {
    const { slug } = await createTenant();
    expect((await cli('budgets', 'list', '--tenant', slug)).lastLine).toBe(`Tenant ${slug} has no budgets.`);
    const created = await cli(
      ...['budgets', 'create', '--tenant', slug, '--opening', 'op-1', '--credits', '2.5'],
      ...['--window', 'month', '--on-exhausted', 'block', '--thresholds', '100,50'],
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.lastLine).toMatch(
      /^Budget [0-9a-f-]{36}: 2\.5 credits per calendar month for opening op-1/,
    );
    expect(created.lastLine).toContain('blocks new interviews (thresholds 50, 100 %)');
    const listed = await cli('budgets', 'list', '--tenant', slug);
    expect(listed.out[0]?.split(/\s{2,}/)).toEqual([
      'id',
      'scope',
      'credits',
      'window',
      'on exhausted',
      'used',
      'remaining',
      'runs out',
    ]);
    const row = listed.out[1]?.split(/\s{2,}/) ?? [];
    expect(row.slice(1)).toEqual(['opening op-1', '2.5', 'month', 'block', '0', '2.5', '-']);

    const twice = await cli('budgets', 'create', '--tenant', slug, '--opening', 'op-1', '--credits', '3');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already has a budget');
    const noScope = await cli('budgets', 'create', '--tenant', slug, '--credits', '3');
    expect(noScope.stderr).toContain('exactly one of --opening, --department or --recruiter');
    const badCredits = await cli(
      'budgets',
      'create',
      '--tenant',
      slug,
      '--department',
      'Sales',
      '--credits',
      '0',
    );
    expect(badCredits.code).toBe(2);
    expect(badCredits.stderr).toContain("A budget's credits must be more than 0");
    const badWindow = await cli(
      ...[
        'budgets',
        'create',
        '--tenant',
        slug,
        '--department',
        'Sales',
        '--credits',
        '1',
        '--window',
        'week',
      ],
    );
    expect(badWindow.code).toBe(2);

    const removed = await cli('budgets', 'delete', '--tenant', slug, '--id', row[0] ?? '');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.lastLine).toContain('Removed budget');
    const gone = await cli('budgets', 'delete', '--tenant', slug, '--id', row[0] ?? '');
    expect(gone.code).toBe(2);
    expect((await cli('budgets', 'list', '--tenant', slug)).lastLine).toBe(`Tenant ${slug} has no budgets.`);
  });
});

describe('periods close', () => {
  it('closes the periods that have ended, once', async () => {
    const { slug } = await createTenant(
      uniqueSlug('cli'),
      '--time-zone',
      'Europe/Berlin',
      '--anchor',
      '2026-01-01',
    );
    const first = await cli('periods', 'close', '--now', '2026-03-01T00:00:00Z');
    expect(first.code, first.stderr).toBe(0);
    expect(first.out).toContain(`${slug}: closed 2 period(s), opened 2, expired 0 lot(s)`);
    const again = await cli('periods', 'close', '--now', '2026-03-01T00:00:00Z');
    expect(again.out).toContain(`${slug}: nothing due`);
  });
});

describe('ledger verify', () => {
  it('prints ok per tenant, and names a tampered balance with exit code 1', async () => {
    const { slug } = await createTenant();
    const ok = await cli('ledger', 'verify');
    expect(ok.code, ok.out.join('\n')).toBe(0);
    expect(ok.out).toContain(`ok ${slug}`);
    expect(ok.out.every((line) => line.startsWith('ok '))).toBe(true);

    const one = await cli('ledger', 'verify', '--tenant', slug);
    expect(one).toMatchObject({ code: 0, out: [`ok ${slug}`] });

    await env.t.asOwner((q) => q.query('update credit_accounts set balance_milli = balance_milli + 1'));
    try {
      const bad = await cli('ledger', 'verify', '--tenant', slug);
      expect(bad.code).toBe(1);
      expect(bad.out.join('\n')).toMatch(
        new RegExp(`^FAIL ${slug} balance: Balance \\d+ ≠ sum of ledger entries`),
      );
      expect(bad.stderr).toContain('disagree');
    } finally {
      await env.t.asOwner((q) => q.query('update credit_accounts set balance_milli = balance_milli - 1'));
    }
    expect((await cli('ledger', 'verify', '--tenant', slug)).code).toBe(0);
  });
});

describe('ledger verify on a tampered chain', () => {
  it('exits 1 naming the ledger entry or audit row whose content was changed, though every sum agrees', async () => {
    const { slug, id } = await createTenant();
    const key = await cli('apikey', 'create', '--tenant', slug);
    // An interview charged twice (partial, then completed at the instant it ended, so its finish and
    // its charges' date stay): two entries on one lot.
    const partial = interviewEvents({ interviewId: 'iv-cli', outcome: 'partial', completion: 0.6 });
    const completed = {
      id: 'ev-cli-completed',
      type: 'interview.completed',
      interviewId: 'iv-cli',
      openingId: 'op-1',
      occurredAt: '2026-01-10T12:20:00.000Z',
    };
    for (const batch of [partial, [completed]]) {
      expect((await postEvents(env.app, key.lastLine, batch)).json()).toMatchObject({ rejected: [] });
    }
    const entries = await env.t.asOwner((q) =>
      q.query<{ id: number }>(
        `select id from ledger_entries where tenant_id = $1 and interview_id = 'iv-cli' order by id`,
        [id],
      ),
    );
    expect(entries).toHaveLength(2);
    const first = Number(entries[0]?.id);
    const second = Number(entries[1]?.id);
    // Moves 100 thousandths between the two: the balance, the lot and the interview's charge still agree.
    const move = (by: number) =>
      env.t.asOwner(async (q) => {
        await q.query('alter table ledger_entries disable trigger ledger_entries_no_update');
        await q.query(
          'update ledger_entries set amount_milli = amount_milli - $3 where tenant_id = $1 and id = $2',
          [id, first, by],
        );
        await q.query(
          'update ledger_entries set amount_milli = amount_milli + $3 where tenant_id = $1 and id = $2',
          [id, second, by],
        );
        await q.query('alter table ledger_entries enable trigger ledger_entries_no_update');
      });
    await move(100);
    const bad = await cli('ledger', 'verify', '--tenant', slug);
    expect(bad.code).toBe(1);
    expect(bad.out).toEqual([
      `FAIL ${slug} ledger_chain: Ledger entry ${first} does not match its hash: it was changed after it was written.`,
    ]);
    expect(bad.stderr).toContain('disagree');
    await move(-100);
    expect((await cli('ledger', 'verify', '--tenant', slug)).code).toBe(0);

    const [row] = await env.t.asOwner((q) =>
      q.query<{ id: number }>(
        `update audit_log set actor = 'user:someone@example.test' where tenant_id = $1 and action = 'api_key.created' returning id`,
        [id],
      ),
    );
    const audit = await cli('ledger', 'verify', '--tenant', slug);
    expect(audit.code).toBe(1);
    expect(audit.out.join('\n')).toContain(
      `FAIL ${slug} audit_chain: Audit row ${row?.id} does not match its hash`,
    );
  });
});

describe('demo load', () => {
  it('loads the demo, prints the counts and logins, and refuses a second load', async () => {
    const res = await cli('demo', 'load', '--scale', '0.01');
    expect(res.code, res.stderr).toBe(0);
    const text = res.out.join('\n');
    expect(text).toMatch(/^acme: \d+ interviews/m);
    expect(text).toMatch(/^globex: \d+ interviews/m);
    expect(text).toContain('admin@acme.test');
    expect(text).toContain('meterline-demo');
    const again = await cli('demo', 'load', '--scale', '0.01');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('loaded already');
    expect((await cli('ledger', 'verify', '--tenant', 'acme')).out).toEqual(['ok acme']);
  });
});

describe('bad arguments', () => {
  it.each([
    [['nope'], /unknown command 'nope'/],
    [[], /Usage: meterline/],
    [['tenant', 'create', '--name', 'X'], /required option '--slug <slug>' not specified/],
    [['tenant', 'create', '--slug', 'Bad Slug', '--name', 'X'], /slug is 2-63 lowercase/],
    [
      ['tenant', 'create', '--slug', 'ok-slug', '--name', 'X', '--allotment', 'lots'],
      /--allotment <credits>.*invalid/,
    ],
    [
      ['tenant', 'create', '--slug', 'ok-slug', '--name', 'X', '--period', 'week'],
      /Allowed choices are month, year/,
    ],
    [
      ['tenant', 'create', '--slug', 'ok-slug', '--name', 'X', '--time-zone', 'Mars/Base'],
      /Unknown time zone/,
    ],
    [
      ['tenant', 'create', '--slug', 'ok-slug', '--name', 'X', '--overage-limit', '5'],
      /goes with --overage allow/,
    ],
    [
      ['user', 'add', '--tenant', 'x', '--email', 'a@b.c', '--name', 'A', '--role', 'boss'],
      /Allowed choices/,
    ],
    [
      ['user', 'add', '--tenant', 'missing', '--email', 'a@b.c', '--name', 'A', '--role', 'viewer'],
      /No tenant/,
    ],
    [['apikey', 'create', '--tenant', 'missing'], /No tenant with slug 'missing'/],
    [
      ['apikey', 'create', '--tenant', 'x', '--scope', 'admin'],
      /Unknown scope 'admin'; the scopes are events:write/,
    ],
    [['apikey', 'list', '--tenant', 'missing'], /No tenant with slug 'missing'/],
    [['apikey', 'revoke', '--tenant', 'x', '--id', '12'], /--id <keyId>.*invalid.*UUID/],
    [['apikey', 'revoke', '--tenant', 'x'], /required option '--id <keyId>' not specified/],
    [
      ['tenant', 'create', '--slug', 'ok-slug', '--name', 'X', '--purchase-limit', '0'],
      /purchase limit must be/,
    ],
    [['periods', 'close', '--now', 'tomorrow'], /ISO 8601/],
    [['demo', 'load', '--scale', '-1'], /--scale/],
    [['ledger', 'verify', '--tenant', 'missing'], /No tenant/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const res = await cli(...argv);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('answers --help with usage and exit code 0', async () => {
    const res = await cli('tenant', 'create', '--help');
    expect(res.code).toBe(0);
    expect(res.out.join('\n')).toContain('--rollover-cap-percent');
    expect(res.out.join('\n')).toContain('--purchase-limit');
    expect((await cli('apikey', 'create', '--help')).out.join('\n')).toContain('credits:purchase');
    expect((await cli('--help')).out.join('\n')).toContain('Exit codes');
  });
});
