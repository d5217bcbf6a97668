import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../src/shared/calendar.js';
import { type ConsoleErrors, SHOTS, signIn } from '../helpers/browser.js';
import { interviewEvents, makeTenant, PASSWORD, postEvents, TestClock } from '../helpers/factories.js';
import { type ServedConsole, startConsole } from '../helpers/served-console.js';

/**
 * The export dialog in Chromium: Export → range → format → Download, and the file the browser
 * saves, read back and checked against the API for the same range. Screens go to
 * test-results/screenshots/ (export-*.png).
 */
const EMAIL = 'e2e-export-admin@example.test';
const FORMULA_TITLE = '=HYPERLINK("http://x","y")';

let served: ServedConsole;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  const now = new Date();
  const clock = new TestClock(now);
  served = await startConsole({
    acceptDownloads: true,
    async before(db, app) {
      // The billing period is this calendar month (UTC); the interviews happened in the last hours.
      const tenant = await makeTenant(db.db, clock, {
        anchor: `${localDate(now, 'UTC').slice(0, 7)}-01`,
        admin: { email: EMAIL, name: 'Finance Admin' },
      });
      const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
      const res = await postEvents(app, tenant.apiKey, [
        ...interviewEvents({ openingId: 'op-1', jobTitle: 'Backend Engineer', at: at(4) }),
        ...interviewEvents({
          openingId: 'op-1',
          jobTitle: 'Backend Engineer',
          outcome: 'partial',
          at: at(4),
        }),
        ...interviewEvents({ openingId: 'op-2', jobTitle: FORMULA_TITLE, at: at(3) }),
      ]);
      expect(res.json().rejected).toEqual([]);
    },
  });
  ({ base, page, consoleErrors } = served);
});

afterEach(() => {
  expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
});

afterAll(() => served?.close());

async function apiGet<T>(path: string): Promise<T> {
  const res = await page.request.get(`${base}/api/v1${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

/** Picks a format in the dialog, downloads, and returns the saved file's path and name. */
async function download(format: 'CSV' | 'Excel (.xlsx)') {
  const dialog = page.getByRole('dialog', { name: 'Export usage' });
  await dialog.getByText(format, { exact: true }).click();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('export-download').click(),
  ]);
  const path = await file.path();
  await dialog.getByTestId('export-done').waitFor();
  return { path, name: file.suggestedFilename() };
}

describe('the export dialog in Chromium', () => {
  it('downloads the current billing period as CSV and as Excel, matching the console', async () => {
    await signIn(page, base, EMAIL, PASSWORD);
    await page.goto(`${base}/consumption`);
    await page.getByRole('heading', { name: 'Consumption', level: 1 }).waitFor();

    await page.getByTestId('export-open').click();
    const dialog = page.getByRole('dialog', { name: 'Export usage' });
    await dialog.waitFor();
    // The row grain it states is the file's (docs/product.md, Export).
    await dialog
      .getByText('One row per date, opening, recruiter, department and location with activity')
      .waitFor();
    const summary = await apiGet<{
      periodStart: string;
      periodEnd: string;
      creditsUsed: number;
      totalInterviews: number;
    }>('/consumption/summary');
    await shot('export-01-dialog');

    const csv = await download('CSV');
    expect(csv.name).toMatch(new RegExp(`-${summary.periodStart}-to-${summary.periodEnd}\\.csv$`));
    const [header, ...rows] = parse(readFileSync(csv.path), { bom: true }) as string[][];
    expect(header).toEqual([
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
    ]);
    const creditsColumn = header?.indexOf('Credits used') ?? -1;
    const credits = rows.reduce((s, r) => s + Number(r[creditsColumn]), 0);
    expect(credits).toBe(summary.creditsUsed);
    expect(rows.find((r) => r[1] === 'op-2')?.[2]).toBe(`'${FORMULA_TITLE}`);
    await shot('export-02-csv-done');

    const xlsx = await download('Excel (.xlsx)');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx.path);
    let total: unknown;
    wb.getWorksheet('Totals')?.eachRow((row) => {
      if (row.getCell(1).value === 'Total interviews') total = row.getCell(2).value;
    });
    expect(total).toBe(summary.totalInterviews);
    await shot('export-03-xlsx-done');
  });

  it('offers the page’s presets, custom range included', async () => {
    const dialog = page.getByRole('dialog', { name: 'Export usage' });
    await dialog.getByTestId('period-picker').click();
    for (const label of [
      'Current billing period',
      'Previous billing period',
      'This month',
      'Last 3 months',
      'This year',
      'Custom range',
    ]) {
      await page.getByRole('option', { name: label }).waitFor();
    }
    await page.getByRole('option', { name: 'This year' }).click();
    const year = new Date().getUTCFullYear();
    await expect.poll(() => dialog.getByTestId('export-range').textContent()).toContain(String(year));
    await shot('export-04-this-year');
  });
});
