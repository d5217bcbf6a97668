import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fillDailyUsage,
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testApp,
  testAppForFile,
} from './helpers/factories.js';

let tenant: TestTenant;
let admin: { cookie: string; email: string };
const clock = new TestClock(new Date('2026-03-20T15:00:00Z'));
const FORMULA_TITLE = '=HYPERLINK("http://x","y")';
const MARCH = 'from=2026-03-01&to=2026-03-31';

const HEADER = [
  'Date',
  'Opening ID',
  'Job title',
  'Recruiter ID',
  'Recruiter',
  'Department',
  'Location',
  'Candidate count',
  'Credits used',
  'Invited',
  'Started',
  'Completed',
  'Partially completed',
  'Expired or cancelled',
  'Simulations',
];

const get = (url: string, cookie = admin.cookie) =>
  env.app.inject({ method: 'GET', url, headers: { cookie } });

const env = testAppForFile(clock);
const exportAudits = async () => {
  const [row] = await env.t.db.withTenant(tenant.id, (tx) =>
    tx.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'usage.exported'`),
  );
  return row?.n ?? 0;
};
beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { timeZone: 'America/New_York', anchor: '2025-01-01' });
  admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
  const data = { openingId: 'op-data', jobTitle: 'Data Engineer' };
  const events = [
    // 2 March (New York): one candidate completes two interviews; another is invited late in the evening
    // (03:00 UTC on the 3rd) and starts and completes after local midnight, on the 3rd.
    ...interviewEvents({ ...data, candidateId: 'c1', at: '2026-03-02T15:00:00Z' }),
    ...interviewEvents({ ...data, candidateId: 'c1', at: '2026-03-02T16:00:00Z' }),
    ...interviewEvents({ ...data, candidateId: 'c5', at: '2026-03-03T03:00:00Z' }),
    ...interviewEvents({
      ...data,
      candidateId: 'c2',
      outcome: 'partial',
      completion: 0.5,
      at: '2026-03-10T15:00:00Z',
    }),
    ...interviewEvents({
      openingId: 'op-formula',
      jobTitle: FORMULA_TITLE,
      candidateId: 'c3',
      at: '2026-03-11T15:00:00Z',
    }),
    ...interviewEvents({ openingId: 'op-formula', outcome: 'simulation', at: '2026-03-11T16:00:00Z' }),
    ...interviewEvents({ ...data, candidateId: 'c4', outcome: 'invited', at: '2026-03-12T16:00:00Z' }),
    // Invited on 5 March, expired seven days later.
    ...interviewEvents({
      openingId: 'op-other',
      jobTitle: 'Designer, "Senior"',
      candidateId: 'c6',
      outcome: 'expired',
      at: '2026-03-05T15:00:00Z',
    }),
    // February: outside the range.
    ...interviewEvents({ ...data, candidateId: 'c7', at: '2026-02-10T15:00:00Z' }),
  ];
  const res = await postEvents(env.app, tenant.apiKey, events);
  expect(res.json().rejected).toEqual([]);
});

type Record = string[];

function parseCsv(body: string): Record[] {
  return parse(body, { bom: true, relaxColumnCount: false }) as Record[];
}

const COUNT_COLUMNS = HEADER.slice(HEADER.indexOf('Credits used'));

/** Column sums of the data rows, by header. */
function sums(rows: Record[]): { [column: string]: number } {
  const out: { [column: string]: number } = {};
  for (const name of COUNT_COLUMNS) {
    const i = HEADER.indexOf(name);
    out[name] = rows.reduce((s, r) => s + Number(r[i]), 0);
  }
  out['Credits used'] = Math.round((out['Credits used'] ?? 0) * 1000) / 1000;
  return out;
}

async function consoleTotals(range: string) {
  const openings = (await get(`/api/v1/consumption/openings?${range}&pageSize=500`)).json();
  const summary = (await get(`/api/v1/consumption/summary?${range}`)).json();
  return { openings, summary };
}

describe('GET /api/v1/consumption/export (CSV)', () => {
  it('downloads one row per date and opening, RFC 4180, with a file name saying tenant and range', async () => {
    const res = await get(`/api/v1/consumption/export?${MARCH}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="meterline-usage-${tenant.slug}-2026-03-01-to-2026-03-31.csv"`,
    );
    expect(res.body.startsWith('\uFEFFDate,Opening ID,')).toBe(true);
    expect(res.body).toContain('\r\n');
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(HEADER);
    expect(rows.map((r) => [r[0], r[1], r[7]])).toEqual([
      ['2026-03-02', 'op-data', '2'],
      ['2026-03-03', 'op-data', '1'],
      ['2026-03-05', 'op-other', '1'],
      ['2026-03-10', 'op-data', '1'],
      ['2026-03-11', 'op-formula', '1'],
      ['2026-03-12', 'op-data', '1'],
      ['2026-03-12', 'op-other', '1'],
    ]);
    expect(rows[0]).toEqual([
      '2026-03-02',
      'op-data',
      'Data Engineer',
      '',
      '',
      '',
      '',
      '2',
      '2',
      '3',
      '2',
      '2',
      '0',
      '0',
      '0',
    ]);
    expect(rows[2]?.[2]).toBe('Designer, "Senior"');
    expect(res.body).toContain('"Designer, ""Senior"""');
  });

  it('adds up to what the console shows for the same range, in total and per opening', async () => {
    const [, ...rows] = parseCsv((await get(`/api/v1/consumption/export?${MARCH}`)).body);
    const { openings, summary } = await consoleTotals(MARCH);
    const s = sums(rows);
    expect(s).toEqual({
      'Credits used': openings.totals.creditsUsed,
      Invited: openings.totals.invited,
      Started: openings.totals.started,
      Completed: openings.totals.completed,
      'Partially completed': openings.totals.partiallyCompleted,
      'Expired or cancelled': openings.totals.expired + openings.totals.cancelled,
      Simulations: openings.totals.simulations,
    });
    expect(s['Credits used']).toBe(summary.creditsUsed);
    expect((s.Completed ?? 0) + (s['Partially completed'] ?? 0)).toBe(summary.totalInterviews);
    for (const item of openings.items) {
      const own = sums(rows.filter((r) => r[1] === item.openingId));
      expect(own['Credits used']).toBe(item.creditsUsed);
      expect(own.Invited).toBe(item.invited);
      expect(own.Completed).toBe(item.completed);
    }
  });

  it('writes a job title that is a formula as inert text', async () => {
    const [, ...rows] = parseCsv((await get(`/api/v1/consumption/export?${MARCH}&format=csv`)).body);
    const row = rows.find((r) => r[1] === 'op-formula');
    expect(row?.[2]).toBe(`'${FORMULA_TITLE}`);
  });

  it('gives the header alone for a range with no activity', async () => {
    const res = await get('/api/v1/consumption/export?from=2024-01-01&to=2024-01-31');
    expect(res.statusCode).toBe(200);
    expect(parseCsv(res.body)).toEqual([HEADER]);
  });
});

describe('GET /api/v1/consumption/export (Excel)', () => {
  async function workbookOf(range: string) {
    const res = await get(`/api/v1/consumption/export?${range}&format=xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toMatch(/filename="meterline-usage-.*\.xlsx"$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return wb;
  }

  it('has typed cells, a frozen header, an autofilter and a totals sheet equal to the console', async () => {
    const wb = await workbookOf(MARCH);
    const usage = wb.getWorksheet('Usage');
    const totals = wb.getWorksheet('Totals');
    if (!usage || !totals) throw new Error('missing sheets');
    expect(usage.getRow(1).values).toEqual([undefined, ...HEADER]);
    expect(usage.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(usage.autoFilter).toBe('A1:O8');
    expect(usage.rowCount).toBe(8);
    const first = usage.getRow(2);
    expect(first.getCell(1).value).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(first.getCell(2).value).toBe('op-data');
    expect(first.getCell(8).value).toBe(2);
    expect(first.getCell(9).value).toBe(2);
    expect(usage.getColumn(3).width).toBeGreaterThan(20);
    const formula = usage.getRow(6);
    expect(formula.getCell(2).value).toBe('op-formula');
    expect(formula.getCell(3).type).toBe(ExcelJS.ValueType.String);
    expect(formula.getCell(3).value).toBe(`'${FORMULA_TITLE}`);

    const { openings, summary } = await consoleTotals(MARCH);
    const figure = (name: string) => {
      let value: unknown;
      totals.eachRow((row) => {
        if (row.getCell(1).value === name) value = row.getCell(2).value;
      });
      return value;
    };
    expect(figure('Total interviews')).toBe(summary.totalInterviews);
    expect(figure('Credits used')).toBe(summary.creditsUsed);
    expect(figure('Invited')).toBe(openings.totals.invited);
    expect(figure('Started')).toBe(openings.totals.started);
    expect(figure('Completed')).toBe(openings.totals.completed);
    expect(figure('Partially completed')).toBe(openings.totals.partiallyCompleted);
    expect(figure('Expired or cancelled')).toBe(openings.totals.expired + openings.totals.cancelled);
    expect(figure('Simulations')).toBe(openings.totals.simulations);
    expect(figure('Rows')).toBe(7);
    expect(figure('From')).toEqual(new Date('2026-03-01T00:00:00Z'));

    // The rows add up to the totals sheet too.
    let credits = 0;
    usage.eachRow((row, n) => {
      if (n > 1) credits += Number(row.getCell(9).value);
    });
    expect(credits).toBe(summary.creditsUsed);
  });

  it('gives the header and zero totals for a range with no activity', async () => {
    const wb = await workbookOf('from=2024-01-01&to=2024-01-31');
    expect(wb.getWorksheet('Usage')?.rowCount).toBe(1);
    const values: unknown[] = [];
    wb.getWorksheet('Totals')?.eachRow((row) => {
      if (row.getCell(1).value === 'Credits used' || row.getCell(1).value === 'Total interviews')
        values.push(row.getCell(2).value);
    });
    expect(values).toEqual([0, 0]);
  });
});

describe('export input, access and audit', () => {
  it.each([
    ['format=pdf', 'invalid_format'],
    ['from=2026-02-30&to=2026-03-31', 'invalid_date'],
    // Found by the fuzz suite: past the dates a range takes (the day after 9999-12-31 was a 500).
    ['from=9999-12-31&to=9999-12-31', 'invalid_date'],
    ['from=0001-01-01&to=0001-01-31', 'invalid_date'],
    ['from=2026-03-01', 'invalid_range'],
    ['from=2026-04-01&to=2026-03-01', 'invalid_range'],
    ['from=2020-01-01&to=2026-03-31', 'range_too_long'],
  ])('answers 400 to %s', async (query, code) => {
    const res = await get(`/api/v1/consumption/export?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
  });

  it('answers 401 without a session and 403 to other roles', async () => {
    expect((await get(`/api/v1/consumption/export?${MARCH}`, '')).statusCode).toBe(401);
    for (const role of ['recruiter', 'viewer'] as const) {
      const user = await signIn(env.app, env.t.db, tenant.id, role);
      const res = await get(`/api/v1/consumption/export?${MARCH}`, user.cookie);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('writes every export to the audit log: who, range, format, rows', async () => {
    await get('/api/v1/consumption/export?from=2026-03-10&to=2026-03-12&format=xlsx');
    // Written once the file has gone out, so just after the response.
    const latest = async () => {
      const rows = await env.t.db.withTenant(tenant.id, (tx) =>
        tx.query<{ actor: string; details: { [k: string]: unknown } }>(
          `select actor, details from audit_log where action = 'usage.exported' order by id desc limit 1`,
        ),
      );
      return rows[0];
    };
    await expect.poll(latest, { timeout: 10_000, interval: 50 }).toMatchObject({
      actor: `user:${admin.email}`,
      details: { from: '2026-03-10', to: '2026-03-12', format: 'xlsx', rows: 4, status: 'completed' },
    });
  });
});

describe('shutdown', () => {
  it('closes the server only once the audit entry of an export just downloaded is written', async () => {
    const app = await testApp(env.t.db, clock);
    const before = await exportAudits();
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/consumption/export?from=2026-03-10&to=2026-03-12&format=xlsx',
      headers: { cookie: admin.cookie },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    expect(await exportAudits()).toBe(before + 1);
  });
});

describe('text stored before the API refused what XML cannot hold', () => {
  it('writes an .xlsx that opens, each such character as U+FFFD; the CSV keeps the text as stored', async () => {
    const old = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
    const oldAdmin = await signIn(env.app, env.t.db, old.id, 'account_admin');
    const attributed = interviewEvents({ openingId: 'op-old', at: '2026-03-04T10:00:00Z' }).map((e) => ({
      ...e,
      recruiterId: 'rec-old',
      recruiterName: 'Ann',
      department: 'Care',
      location: 'Paris',
    }));
    expect((await postEvents(env.app, old.apiKey, attributed)).json().rejected).toEqual([]);
    // As rows written before the rule would hold them: U+FFFE and U+FFFF, and a control character.
    await env.t.asOwner(async (q) => {
      await q.query(`update openings set job_title = 'Nurse ' || chr(65534) where tenant_id = $1`, [old.id]);
      await q.query(`update recruiters set name = 'Ann ' || chr(27) || '[31m' where tenant_id = $1`, [
        old.id,
      ]);
      await q.query(
        `update attribution_sets set department = 'Care ' || chr(65535), location = chr(1) || 'Paris'
          where tenant_id = $1`,
        [old.id],
      );
    });
    const range = 'from=2026-03-01&to=2026-03-31';
    const xlsx = await get(`/api/v1/consumption/export?${range}&format=xlsx`, oldAdmin.cookie);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const row = wb.getWorksheet('Usage')?.getRow(2);
    expect([3, 5, 6, 7].map((c) => row?.getCell(c).value)).toEqual([
      'Nurse \ufffd',
      'Ann \ufffd[31m',
      'Care \ufffd',
      '\ufffdParis',
    ]);
    expect(row?.getCell(9).value).toBe(1);

    const csv = await get(`/api/v1/consumption/export?${range}&format=csv`, oldAdmin.cookie);
    const [, first] = parseCsv(csv.body);
    expect([2, 4, 5, 6].map((c) => first?.[c])).toEqual([
      'Nurse \ufffe',
      'Ann \u001b[31m',
      'Care \uffff',
      '\u0001Paris',
    ]);

    // A filter holding such a character is refused now, like any other text.
    const filtered = await get(
      `/api/v1/consumption/export?${range}&format=xlsx&department=Care%20%EF%BF%BF`,
      oldAdmin.cookie,
    );
    expect({ status: filtered.statusCode, code: filtered.json().error.code }).toEqual({
      status: 400,
      code: 'invalid_text',
    });
  });
});

describe('streaming', () => {
  // For the .xlsx, also: its worker thread is ended with the export (src/server/export/xlsx.test.ts).
  it.each(['csv', 'xlsx'])('stops reading rows when the client disconnects (%s)', async (format) => {
    const big = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
    const bigAdmin = await signIn(env.app, env.t.db, big.id, 'account_admin');
    // 200 openings × 1,000 days: far more than the socket and stream buffers hold.
    await fillDailyUsage(env.t, big.id, { openings: 200, days: 1000 });
    if (!env.app.server.listening) await env.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = env.app.server.address() as AddressInfo;
    const received = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          path: `/api/v1/consumption/export?from=2024-01-01&to=2026-09-26&format=${format}`,
          headers: { cookie: bigAdmin.cookie },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk.length);
          });
        },
      );
      req.on('error', (err) => {
        if (!req.destroyed) reject(err);
      });
      req.end();
    });
    expect(received).toBeGreaterThan(0);
    const audit = async () => {
      const rows = await env.t.db.withTenant(big.id, (tx) =>
        tx.query<{ details: { status: string; rows: number } }>(
          `select details from audit_log where action = 'usage.exported'`,
        ),
      );
      return rows[0]?.details;
    };
    await expect.poll(audit, { timeout: 20_000, interval: 100 }).toMatchObject({ status: 'aborted' });
    expect((await audit())?.rows).toBeLessThan(200_000 / 2);
    // The database is free again for the next request.
    const next = await get('/api/v1/consumption/summary', bigAdmin.cookie);
    expect(next.statusCode).toBe(200);
  });
});
