import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { closeDuePeriods } from '../src/server/ledger/close.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';
import { pdfText } from './helpers/pdf.js';

/**
 * Statements and receipts (docs/product.md, Statements): a January with a grant, a purchase,
 * consumption and a reversal, closed with a capped rollover and an expiry, and a February in
 * progress. Every figure of the PDF is read back from its text and set against the ledger.
 */

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

const CREDIT = 1000;

type Session = { cookie: string; csrf: string };

const get = (who: Session, url: string) =>
  env.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

/** The value printed beside each label of a table. */
function valuesOf(items: string[], labels: string[]): Record<string, string | undefined> {
  return Object.fromEntries(labels.map((l) => [l, items[items.indexOf(l) + 1]]));
}

/** Credits as the console writes them, negated with a hyphen where the statement takes them off. */
const shown = (credits: number) => credits.toLocaleString('en-GB', { maximumFractionDigits: 3 });
const taken = (credits: number) => (credits === 0 ? '0' : `-${shown(credits)}`);

/** A job title in three scripts, from Łódź: the PDF must write it as the console does. */
const DESIGNER = 'Łódź · Дизайн · Σχέδιο';

let tenant: TestTenant;
let admin: Session;
let purchaseId: string;

async function balance(): Promise<number> {
  const res = await env.app.inject({
    method: 'GET',
    url: '/api/v1/credits/balance',
    headers: { authorization: `Bearer ${tenant.apiKey}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json().balance;
}

async function audits(action: string): Promise<number> {
  const [row] = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ n: number }>('select count(*)::int as n from audit_log where action = $1', [action]),
  );
  return Number(row?.n);
}

/** Where the ledger stood when January closed, before February's grant. */
let ledgerAtJanuaryEnd: number;

beforeAll(async () => {
  clock.set('2026-01-15T12:00:00Z');
  tenant = await makeTenant(env.t.db, clock, {
    plan: {
      allotmentMilli: 10 * CREDIT,
      rolloverMode: 'capped',
      rolloverCapMilli: 3 * CREDIT,
      rolloverCapPercent: null,
      rolloverExpiresAfterPeriods: null,
      overageMode: 'block',
      creditPriceCents: 250,
      currency: 'EUR',
    },
    scopes: ['events:write', 'usage:read'],
  });
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const reversed = 'iv-reversed';
  const events = [
    ...interviewEvents({ outcome: 'completed' }),
    ...interviewEvents({ outcome: 'completed' }),
    ...interviewEvents({ interviewId: reversed, outcome: 'completed' }),
    ...interviewEvents({ openingId: 'op-2', jobTitle: DESIGNER, outcome: 'partial', completion: 0.5 }),
  ];
  expect((await postEvents(env.app, tenant.apiKey, events)).statusCode).toBe(200);
  const bought = await env.app.inject({
    method: 'POST',
    url: '/api/v1/credits/purchases',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'idempotency-key': 'statement-buy-0001' },
    payload: { credits: 5 },
  });
  expect(bought.statusCode).toBe(201);
  purchaseId = bought.json().purchaseId;
  const reversal = await env.app.inject({
    method: 'POST',
    url: '/api/v1/credits/reversals',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    payload: { interviewId: reversed, reason: 'Video failed mid-interview' },
  });
  expect(reversal.statusCode).toBe(201);
  // 10 granted + 5 bought − 3.5 used + 1 given back.
  expect(await balance()).toBe(12.5);

  clock.set('2026-02-01T00:00:00Z');
  await closeDuePeriods(env.t.db, tenant.id, clock.now());
  ledgerAtJanuaryEnd = (await balance()) - 10;

  clock.set('2026-02-05T12:00:00Z');
  const february = interviewEvents({ outcome: 'completed', at: '2026-02-03T09:00:00Z' });
  expect((await postEvents(env.app, tenant.apiKey, february)).statusCode).toBe(200);
  // January's session has run out.
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
});

const LABELS = [
  'Opening balance',
  'Grants',
  'Rollover in',
  'Purchases',
  'Consumption',
  'Reversals',
  'Expiry',
  'Closing balance',
  'of which rolled over',
];

describe('GET /api/v1/credits/statements', () => {
  it('lists the closed January and February in progress, newest first, with the ledger’s figures', async () => {
    const res = await get(admin, '/api/v1/credits/statements');
    expect(res.statusCode).toBe(200);
    const [february, january, ...rest] = res.json().items;
    expect(rest).toEqual([]);
    expect(january).toEqual({
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      closed: true,
      openingBalance: 0,
      grants: 10,
      rollover: 0,
      purchases: 5,
      autoTopUps: 0,
      consumption: 3.5,
      // The reversed interview's charge is consumption, given back among the reversals.
      topOpenings: [
        { openingId: 'op-1', jobTitle: 'Backend Engineer', consumption: 3 },
        { openingId: 'op-2', jobTitle: DESIGNER, consumption: 0.5 },
      ],
      otherOpenings: 0,
      reversals: 1,
      adjustments: 0,
      // 7.5 of the grant left at the end: 3 rolled over (the cap), 4.5 lost.
      expiry: 4.5,
      closingBalance: 8,
      rolledOver: 3,
    });
    expect(january.closingBalance).toBe(ledgerAtJanuaryEnd);
    expect(february).toEqual({
      periodStart: '2026-02-01',
      periodEnd: '2026-02-28',
      closed: false,
      // January's closing less what rolled over: what rolled comes in as February's rollover.
      openingBalance: january.closingBalance - january.rolledOver,
      grants: 10,
      rollover: january.rolledOver,
      purchases: 0,
      autoTopUps: 0,
      consumption: 1,
      topOpenings: [{ openingId: 'op-1', jobTitle: 'Backend Engineer', consumption: 1 }],
      otherOpenings: 0,
      reversals: 0,
      adjustments: 0,
      expiry: 0,
      closingBalance: await balance(),
      rolledOver: null,
    });
    expect(february.closingBalance).toBe(17);
  });
});

describe('statements of a tenant in New York whose purchase lapses', () => {
  it('counts a purchase past its date as February’s expiry, and every period adds up', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const other = await makeTenant(env.t.db, clock, {
      timeZone: 'America/New_York',
      plan: {
        allotmentMilli: 10 * CREDIT,
        rolloverMode: 'none',
        rolloverCapPercent: null,
        rolloverExpiresAfterPeriods: null,
        purchaseValidityMonths: 1,
      },
      scopes: ['usage:read', 'credits:purchase'],
    });
    const byKey = { authorization: `Bearer ${other.apiKey}` };
    const bought = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/purchases',
      headers: { ...byKey, 'idempotency-key': 'statement-lapse-0001' },
      payload: { credits: 5 },
    });
    expect(bought.statusCode).toBe(201);
    clock.set('2026-03-05T12:00:00Z');
    await closeDuePeriods(env.t.db, other.id, clock.now());
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/credits/statements', headers: byKey });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(
      items.map((s: Record<string, unknown>) => [
        s.periodStart,
        s.openingBalance,
        s.expiry,
        s.closingBalance,
      ]),
    ).toEqual([
      ['2026-03-01', 0, 0, 10],
      // The purchase lapsed on 15 February: 5 credits, beside the 10 of the grant at the end.
      ['2026-02-01', 5, 15, 0],
      ['2026-01-01', 0, 10, 5],
    ]);
    for (const s of items) {
      const flow =
        s.openingBalance +
        s.grants +
        s.rollover +
        s.purchases -
        s.consumption +
        s.reversals +
        s.adjustments -
        s.expiry;
      expect({ period: s.periodStart, closing: s.closingBalance }).toEqual({
        period: s.periodStart,
        closing: flow,
      });
    }
    const now = await env.app.inject({ method: 'GET', url: '/api/v1/credits/balance', headers: byKey });
    expect(items[0].closingBalance).toBe(now.json().balance);
    // Later tests run in February.
    clock.set('2026-02-05T12:00:00Z');
  });
});

describe('GET /api/v1/credits/statements/:periodStart', () => {
  it('writes January’s PDF with the figures of the list, and audits the download', async () => {
    const list = (await get(admin, '/api/v1/credits/statements')).json().items;
    const january = list.find((s: { periodStart: string }) => s.periodStart === '2026-01-01');
    const before = await audits('statement.downloaded');
    const res = await get(admin, '/api/v1/credits/statements/2026-01-01');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="statement-${tenant.slug}-2026-01-01.pdf"`,
    );
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(res.rawPayload);
    expect(text).toContain(`Tenant ${tenant.slug}`);
    expect(text).toContain('Billing period 1 Jan 2026 – 31 Jan 2026');
    expect(valuesOf(text, LABELS)).toEqual({
      'Opening balance': shown(january.openingBalance),
      Grants: shown(january.grants),
      'Rollover in': shown(january.rollover),
      Purchases: shown(january.purchases),
      Consumption: taken(january.consumption),
      Reversals: shown(january.reversals),
      Expiry: taken(january.expiry),
      'Closing balance': shown(ledgerAtJanuaryEnd),
      'of which rolled over': shown(january.rolledOver),
    });
    expect(valuesOf(text, ['Backend Engineer (op-1)', `${DESIGNER} (op-2)`])).toEqual({
      'Backend Engineer (op-1)': taken(january.topOpenings[0].consumption),
      [`${DESIGNER} (op-2)`]: taken(january.topOpenings[1].consumption),
    });
    expect(text).not.toContain('Other openings');
    expect(await audits('statement.downloaded')).toBe(before + 1);
  });

  it('writes the period in progress with its closing balance as of now', async () => {
    const res = await get(admin, '/api/v1/credits/statements/2026-02-01');
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('Billing period 1 Feb 2026 – 28 Feb 2026 (in progress)');
    expect(valuesOf(text, ['Opening balance', 'Rollover in', 'Closing balance (as of now)'])).toEqual({
      'Opening balance': '5',
      'Rollover in': '3',
      'Closing balance (as of now)': shown(await balance()),
    });
    expect(text).not.toContain('of which rolled over');
  });

  it('refuses a malformed date (400) and a period without a statement (404), writing no audit row', async () => {
    const before = await audits('statement.downloaded');
    for (const [periodStart, status, code] of [
      ['2026-13-01', 400, 'invalid_date'],
      ['January', 400, 'invalid_date'],
      ['2026-01-02', 404, 'period_not_found'],
      ['2025-12-01', 404, 'period_not_found'],
      ['2026-03-01', 404, 'period_not_found'],
    ] as const) {
      const res = await get(admin, `/api/v1/credits/statements/${periodStart}`);
      expect({ periodStart, status: res.statusCode, code: res.json().error?.code }).toEqual({
        periodStart,
        status,
        code,
      });
    }
    expect(await audits('statement.downloaded')).toBe(before);
  });
});

describe('purchases and receipts', () => {
  it('lists the purchase with who bought it', async () => {
    const res = await get(admin, '/api/v1/credits/purchases');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        purchaseId,
        credits: 5,
        unitPriceCents: 250,
        totalCents: 1250,
        currency: 'EUR',
        idempotencyKey: 'statement-buy-0001',
        actorName: 'account_admin',
      }),
    ]);
  });

  it('writes the receipt with the purchase’s figures, and audits the download', async () => {
    const before = await audits('receipt.downloaded');
    const res = await get(admin, `/api/v1/credits/purchases/${purchaseId}/receipt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="receipt-${tenant.slug}-${purchaseId}.pdf"`,
    );
    const text = await pdfText(res.rawPayload);
    expect(text).toContain(`Tenant ${tenant.slug}`);
    expect(
      valuesOf(text, [
        'Date',
        'Credits',
        'Unit price (a credit)',
        'Amount',
        'Bought by',
        'Purchase id',
        'Idempotency key',
      ]),
    ).toEqual({
      Date: '15 Jan 2026',
      Credits: '5',
      'Unit price (a credit)': '€2.50',
      Amount: '€12.50',
      'Bought by': 'account_admin',
      'Purchase id': purchaseId,
      'Idempotency key': 'statement-buy-0001',
    });
    expect(await audits('receipt.downloaded')).toBe(before + 1);
  });

  it('answers 404 purchase_not_found for an unknown id and for another tenant’s purchase', async () => {
    const other = await makeTenant(env.t.db, clock, { scopes: ['credits:purchase'] });
    const theirs = await env.app.inject({
      method: 'POST',
      url: '/api/v1/credits/purchases',
      headers: { authorization: `Bearer ${other.apiKey}`, 'idempotency-key': 'statement-other-0001' },
      payload: { credits: 1 },
    });
    expect(theirs.statusCode).toBe(201);
    for (const id of [theirs.json().purchaseId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await get(admin, `/api/v1/credits/purchases/${id}/receipt`);
      expect({ id, status: res.statusCode, code: res.json().error?.code }).toEqual({
        id,
        status: 404,
        code: 'purchase_not_found',
      });
    }
    const listed = (await get(admin, '/api/v1/credits/purchases')).json().items;
    expect(listed.map((p: { purchaseId: string }) => p.purchaseId)).toEqual([purchaseId]);
  });
});

it('answers a recruiter 403 on every statement and receipt route', async () => {
  const recruiter = await signIn(env.app, env.t.db, tenant.id, 'recruiter');
  for (const url of [
    '/api/v1/credits/statements',
    '/api/v1/credits/statements/2026-01-01',
    '/api/v1/credits/purchases',
    `/api/v1/credits/purchases/${purchaseId}/receipt`,
  ]) {
    const res = await get(recruiter, url);
    expect({ url, status: res.statusCode, code: res.json().error?.code }).toEqual({
      url,
      status: 403,
      code: 'forbidden',
    });
  }
});

describe('npm run cli -- credits statement', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterline-statement-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      db: env.t.db,
      now: clock.now,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('writes the statement the API serves, audited as the command line', async () => {
    const file = join(dir, 'january.pdf');
    const before = await audits('statement.downloaded');
    const res = await cli(
      'credits',
      'statement',
      '--tenant',
      tenant.slug,
      '--period',
      '2026-01-01',
      '--out',
      file,
    );
    expect(res, res.err).toMatchObject({ code: 0 });
    expect(res.out).toContain(file);
    const text = await pdfText(readFileSync(file));
    expect(valuesOf(text, ['Closing balance', 'of which rolled over'])).toEqual({
      'Closing balance': shown(ledgerAtJanuaryEnd),
      'of which rolled over': '3',
    });
    expect(await audits('statement.downloaded')).toBe(before + 1);
  });

  it('refuses a period without a statement (exit 2) and writes no file', async () => {
    const file = join(dir, 'none.pdf');
    const res = await cli(
      'credits',
      'statement',
      '--tenant',
      tenant.slug,
      '--period',
      '2025-12-01',
      '--out',
      file,
    );
    expect(res.code).toBe(2);
    expect(res.err).toContain('No closed or current billing period starts on 2025-12-01');
    expect(() => readFileSync(file)).toThrow();
  });
});
