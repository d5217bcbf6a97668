import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  type TestTenant,
  testAppForFile,
} from './helpers/factories.js';

let tenant: TestTenant;
let cookie: string;
const clock = new TestClock(new Date('2026-03-20T15:00:00Z'));
const dir = mkdtempSync(join(tmpdir(), 'meterline-export-'));

const env = testAppForFile(clock);
beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { timeZone: 'Europe/Berlin' });
  cookie = (await signIn(env.app, env.t.db, tenant.id, 'account_admin')).cookie;
  const res = await postEvents(env.app, tenant.apiKey, [
    ...interviewEvents({ openingId: 'op-a', jobTitle: '+Sales', at: '2026-03-02T10:00:00Z' }).map((e) => ({
      ...e,
      department: 'Sales',
      tags: { region: 'emea' },
    })),
    ...interviewEvents({
      openingId: 'op-b',
      jobTitle: 'Support',
      outcome: 'partial',
      at: '2026-03-04T10:00:00Z',
    }),
    ...interviewEvents({ openingId: 'op-b', jobTitle: 'Support', at: '2026-03-04T11:00:00Z' }),
  ]);
  expect(res.json().rejected).toEqual([]);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

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

describe('cli export', () => {
  it('writes the same CSV as the API', async () => {
    const file = join(dir, 'march.csv');
    const res = await cli(
      'export',
      '--tenant',
      tenant.slug,
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--out',
      file,
    );
    expect(res.code, res.err).toBe(0);
    expect(res.out).toBe(`Wrote 2 row(s) for 2026-03-01 to 2026-03-31 to ${file}`);
    const api = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/export?from=2026-03-01&to=2026-03-31&format=csv',
      headers: { cookie },
    });
    expect(readFileSync(file, 'utf8')).toBe(api.body);
    const [, a] = parse(readFileSync(file), { bom: true }) as string[][];
    expect(a?.[2]).toBe("'+Sales");
  });

  it('takes the API’s filters: the same CSV as the filtered API', async () => {
    const file = join(dir, 'sales.csv');
    const res = await cli(
      'export',
      '--tenant',
      tenant.slug,
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--department',
      'Sales',
      '--tag',
      'region=emea',
      '--out',
      file,
    );
    expect(res.code, res.err).toBe(0);
    expect(res.out).toBe(`Wrote 1 row(s) for 2026-03-01 to 2026-03-31 to ${file}`);
    const api = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/export?from=2026-03-01&to=2026-03-31&format=csv&department=Sales&tag.region=emea',
      headers: { cookie },
    });
    expect(readFileSync(file, 'utf8')).toBe(api.body);
    const none = await cli(
      'export',
      '--tenant',
      tenant.slug,
      '--tag',
      'region=apac',
      '--out',
      join(dir, 'none.csv'),
    );
    expect(none.out).toContain('Wrote 0 row(s)');
    const bad = await cli(
      'export',
      '--tenant',
      tenant.slug,
      '--tag',
      'region',
      '--out',
      join(dir, 'bad.csv'),
    );
    expect(bad.code).toBe(2);
  });

  it('writes an .xlsx whose totals are the console summary, and audits it as the CLI', async () => {
    const file = join(dir, 'march.xlsx');
    const res = await cli(
      'export',
      '--tenant',
      tenant.slug,
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--format',
      'xlsx',
      '--out',
      file,
    );
    expect(res.code, res.err).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    let credits: unknown;
    wb.getWorksheet('Totals')?.eachRow((row) => {
      if (row.getCell(1).value === 'Credits used') credits = row.getCell(2).value;
    });
    const summary = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/summary?from=2026-03-01&to=2026-03-31',
      headers: { cookie },
    });
    expect(credits).toBe(summary.json().creditsUsed);
    const [audit] = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query(
        `select actor, details from audit_log where action = 'usage.exported' order by id desc limit 1`,
      ),
    );
    expect(audit).toMatchObject({ actor: 'cli', details: { format: 'xlsx', rows: 2, status: 'completed' } });
  });

  it('refuses bad input with the API’s message and writes no file', async () => {
    const file = join(dir, 'bad.csv');
    const inverted = await cli(
      'export',
      '--tenant',
      tenant.slug,
      '--from',
      '2026-04-01',
      '--to',
      '2026-03-01',
      '--out',
      file,
    );
    expect(inverted.code).toBe(2);
    expect(inverted.err).toContain('from must not be after to');
    const format = await cli('export', '--tenant', tenant.slug, '--format', 'pdf', '--out', file);
    expect(format.code).toBe(2);
    expect(format.err).toContain('Allowed choices are csv, xlsx');
    expect(readdirSync(dir)).not.toContain('bad.csv');
  });

  it('explains itself with --help', async () => {
    const res = await cli('export', '--help');
    expect(res.code).toBe(0);
    expect(res.out).toContain('--format <format>');
    expect(res.out).toContain('--out <file>');
  });
});
