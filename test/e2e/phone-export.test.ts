import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDate, startOfLocalDate } from '../../src/shared/calendar.js';
import { addDays } from '../../src/shared/local-dates.js';
import { formatCredits, formatDateRange, formatNumber } from '../../src/web/lib/format.js';
import { type ConsoleErrors, SHOTS } from '../helpers/browser.js';
import { interviewEvents, makeTenant, PASSWORD, postEvents, TestClock } from '../helpers/factories.js';
import { type ServedConsole, startConsole } from '../helpers/served-console.js';

/**
 * The Consumption page on a phone (390 × 844), the export dialog's "Last quarter" preset and the
 * confirmation before an opening is closed, in Chromium. The tenant keeps Auckland's time, so
 * its days start eleven to thirteen hours before UTC's: "today" and the quarter's first day are
 * the tenant's. Screens go to test-results/screenshots/ (phone-*.png).
 */
const EMAIL = 'e2e-phone-admin@example.test';
const TIME_ZONE = 'Pacific/Auckland';

let served: ServedConsole;
let base: string;
let context: BrowserContext;
let page: Page;
let consoleErrors: ConsoleErrors;

const shot = (name: string, p: Page = page) =>
  p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** The calendar quarter before the one holding `today`, written out without the console's helpers. */
function quarterBefore(today: string) {
  const year = Number(today.slice(0, 4));
  const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
  const [y, q] = quarter === 0 ? [year - 1, 3] : [year, quarter - 1];
  const firstMonth = q * 3 + 1;
  const lastDay = new Date(Date.UTC(y, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${y}-${pad(firstMonth)}-01`, to: `${y}-${pad(firstMonth + 2)}-${pad(lastDay)}` };
}

const now = new Date();
const today = localDate(now, TIME_ZONE);
const lastQuarter = quarterBefore(today);
/** An instant `hours` into a local day of the tenant. */
const localTime = (date: string, hours: number) =>
  new Date(startOfLocalDate(date, TIME_ZONE).getTime() + hours * 3_600_000).toISOString();

beforeAll(async () => {
  served = await startConsole({
    acceptDownloads: true,
    signIn: { email: EMAIL, password: PASSWORD },
    async before(db, app) {
      // A mid-month anchor, so billing periods are not calendar months, away from today and yesterday
      // so the last hours' interviews are in the current period.
      const anchorDay = Number(today.slice(8, 10)) >= 15 ? '05' : '20';
      const tenant = await makeTenant(db.db, new TestClock(now), {
        timeZone: TIME_ZONE,
        anchor: `${Number(today.slice(0, 4)) - 2}-01-${anchorDay}`,
        admin: { email: EMAIL, name: 'Finance Admin' },
      });
      const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
      const res = await postEvents(app, tenant.apiKey, [
        ...interviewEvents({ openingId: 'op-now', jobTitle: 'Revenue Operations Manager', at: hoursAgo(5) }),
        ...interviewEvents({
          openingId: 'op-now',
          jobTitle: 'Revenue Operations Manager',
          outcome: 'partial',
          at: hoursAgo(4),
        }),
        ...interviewEvents({ openingId: 'op-now-2', jobTitle: 'Implementation Consultant', at: hoursAgo(3) }),
        // 01:00 on the quarter's first local day: still the day before in UTC.
        ...interviewEvents({
          openingId: 'op-q',
          jobTitle: 'Quarter Analyst',
          at: localTime(lastQuarter.from, 1),
        }),
        ...interviewEvents({
          openingId: 'op-q',
          jobTitle: 'Quarter Analyst',
          at: localTime(lastQuarter.to, 12),
        }),
        // The evening before the quarter: not in it.
        ...interviewEvents({
          openingId: 'op-before',
          jobTitle: 'Before The Quarter',
          at: localTime(addDays(lastQuarter.from, -1), 19),
        }),
      ]);
      expect(res.json().rejected).toEqual([]);
    },
  });
  ({ base, context, page, consoleErrors } = served);
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

async function openConsumption(p: Page) {
  await p.goto(`${base}/consumption`);
  await p.getByRole('heading', { name: 'Consumption', level: 1 }).waitFor();
  await p.getByTestId('opening-row').first().waitFor();
}

describe('the Consumption page on a phone', () => {
  it('keeps Job Title, Completed and Credits Used on screen and opens the rest per row', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await openConsumption(phone);
    const table = phone.getByTestId('openings-table');
    const width = 390;
    const onScreen = async (name: string, box: { x: number; width: number } | null) => {
      expect(box, name).not.toBeNull();
      expect(box?.x, name).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0), name).toBeLessThanOrEqual(width);
    };
    const headers = table.locator('thead th');
    for (const [name, sort] of [
      ['Job Title', 'sort-jobTitle'],
      ['Completed', 'sort-completed'],
      ['Credits Used', 'sort-creditsUsed'],
    ] as const) {
      const button = table.getByTestId(sort);
      expect(await button.getByText(name, { exact: true }).isVisible(), name).toBe(true);
      await onScreen(`${name} header`, await button.boundingBox());
    }
    // The other figures are not squeezed off the edge: they are not drawn until asked for.
    for (const sort of ['sort-invited', 'sort-partiallyCompleted', 'sort-simulations']) {
      expect(await table.getByTestId(sort).isVisible(), sort).toBe(false);
    }
    expect(await headers.filter({ hasText: 'Share' }).isVisible()).toBe(false);

    const row = table.getByTestId('opening-row').filter({ hasText: 'Revenue Operations Manager' });
    const cells = row.locator('td');
    const openings = await apiGet<{
      items: {
        jobTitle: string;
        invited: number;
        completed: number;
        partiallyCompleted: number;
        creditsUsed: number;
      }[];
    }>('/consumption/openings');
    const figures = openings.items.find((o) => o.jobTitle === 'Revenue Operations Manager');
    expect(figures).toMatchObject({ invited: 2, completed: 1, partiallyCompleted: 1 });
    const visible: string[] = [];
    for (let i = 0; i < (await cells.count()); i++) {
      const cell = cells.nth(i);
      if (!(await cell.isVisible())) continue;
      visible.push((await cell.textContent())?.trim() ?? '');
      await onScreen(`cell ${i}`, await cell.boundingBox());
    }
    expect(visible).toEqual([
      'Revenue Operations Manager',
      formatNumber(figures?.completed ?? -1),
      formatCredits(figures?.creditsUsed ?? -1),
      '',
    ]);

    await row.getByRole('button', { name: 'More figures for Revenue Operations Manager' }).click();
    const more = table.getByTestId('opening-figures');
    await more.waitFor();
    expect(await more.textContent()).toMatch(/Interviews Invited2Partially Completed1Simulations0Share/);
    await onScreen('more figures', await more.boundingBox());
    expect(await row.getByRole('button', { name: /More figures/ }).getAttribute('aria-expanded')).toBe(
      'true',
    );

    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Summary cards one under another, each as wide as the page allows.
    const cards = await Promise.all(
      ['value-total-interviews', 'value-credits-used'].map((id) =>
        phone.getByTestId(id).evaluate((el) => {
          const card = el.closest('.mantine-Card-root') ?? el;
          const r = card.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      ),
    );
    const [first, second] = cards;
    expect(second?.y).toBeGreaterThanOrEqual((first?.y ?? 0) + (first?.height ?? 0));
    for (const card of cards) await onScreen('summary card', card);
    await shot('phone-01-consumption-390', phone);
    await phone.close();
  });

  it('shows every column at 1366 px, with nothing to expand', async () => {
    await openConsumption(page);
    const table = page.getByTestId('openings-table');
    for (const sort of [
      'sort-jobTitle',
      'sort-invited',
      'sort-completed',
      'sort-partiallyCompleted',
      'sort-simulations',
      'sort-creditsUsed',
    ]) {
      expect(await table.getByTestId(sort).isVisible(), sort).toBe(true);
    }
    const completed = table.getByTestId('sort-completed');
    expect(await completed.getByText('Interviews Completed', { exact: true }).isVisible()).toBe(true);
    expect(await completed.getByText('Completed', { exact: true }).isVisible()).toBe(false);
    expect(await table.getByTestId('opening-more').first().isVisible()).toBe(false);
    await shot('phone-02-consumption-1366');
  });
});

describe('the export dialog’s presets', () => {
  it('fills the tenant’s last quarter and downloads exactly that range', async () => {
    await openConsumption(page);
    await page.getByTestId('export-open').click();
    const dialog = page.getByRole('dialog', { name: 'Export usage' });
    await dialog.waitFor();
    await dialog.getByTestId('period-picker').click();
    for (const label of [
      'Current billing period',
      'Previous billing period',
      'Last month',
      'Last quarter',
      'This year',
      'Last year',
      'Custom range',
    ]) {
      await page.getByRole('option', { name: label, exact: true }).waitFor();
    }
    await page.getByRole('option', { name: 'Last quarter', exact: true }).click();
    await expect
      .poll(() => dialog.getByTestId('export-range').textContent())
      .toBe(formatDateRange(lastQuarter.from, lastQuarter.to));
    await shot('phone-03-export-last-quarter');

    await dialog.getByText('CSV', { exact: true }).click();
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('export-download').click(),
    ]);
    await dialog.getByTestId('export-done').waitFor();
    expect(file.suggestedFilename()).toMatch(new RegExp(`-${lastQuarter.from}-to-${lastQuarter.to}\\.csv$`));
    const [header, ...rows] = parse(readFileSync(await file.path()), { bom: true }) as string[][];
    const creditsColumn = header?.indexOf('Credits used') ?? -1;
    const dates = rows.map((r) => r[0] ?? '');
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) {
      expect(date >= lastQuarter.from && date <= lastQuarter.to, date).toBe(true);
    }
    // The quarter's first and last local days, and nothing from the evening before it.
    expect(dates).toContain(lastQuarter.from);
    expect(dates).toContain(lastQuarter.to);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['op-q']));
    const summary = await apiGet<{ creditsUsed: number }>(
      `/consumption/summary?from=${lastQuarter.from}&to=${lastQuarter.to}`,
    );
    expect(rows.reduce((s, r) => s + Number(r[creditsColumn]), 0)).toBe(summary.creditsUsed);
    expect(summary.creditsUsed).toBeGreaterThan(0);
    await shot('phone-04-export-done');

    // Custom range starts from the range shown, written the same way in the field and under it.
    await dialog.getByTestId('period-picker').click();
    await page.getByRole('option', { name: 'Custom range', exact: true }).click();
    const field = dialog.getByLabel('Custom range');
    await expect.poll(() => field.textContent()).toBe(formatDateRange(lastQuarter.from, lastQuarter.to));
    expect(await dialog.getByTestId('export-range').textContent()).toBe(
      formatDateRange(lastQuarter.from, lastQuarter.to),
    );
    await shot('phone-05-export-custom');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('gives the page the same preset', async () => {
    await page.goto(`${base}/consumption?range=lastQuarter`);
    await expect
      .poll(() => page.getByTestId('range-label').textContent())
      .toBe(formatDateRange(lastQuarter.from, lastQuarter.to));
    await page.getByTestId('opening-row').filter({ hasText: 'Quarter Analyst' }).waitFor();
    expect(await page.getByTestId('opening-row').count()).toBe(1);
  });
});

describe('closing an opening', () => {
  it('asks first; Cancel changes nothing; reopening acts at once', async () => {
    const statusPuts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'PUT' && req.url().includes('/status')) statusPuts.push(req.postData() ?? '');
    });
    const statusOf = async () =>
      (await apiGet<{ items: { openingId: string; status: string }[] }>('/consumption/openings')).items.find(
        (o) => o.openingId === 'op-now-2',
      )?.status;

    await openConsumption(page);
    await page.getByRole('button', { name: 'Implementation Consultant: show its interviews' }).click();
    const drawer = page.getByRole('dialog', { name: /Implementation Consultant/ });
    await drawer.getByTestId('drawer-title').waitFor();
    const badge = drawer.getByTestId('opening-status');
    expect(await badge.textContent()).toBe('Open');

    await drawer.getByRole('button', { name: 'Close opening' }).click();
    const confirm = page.getByRole('dialog', { name: 'Close this opening?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Implementation Consultant will be marked closed');
    await shot('phone-06-close-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await badge.textContent()).toBe('Open');
    expect(await statusOf()).toBe('open');
    expect(statusPuts).toEqual([]);

    // Escape, wherever the focus is in the dialog, closes the dialog alone: the drawer stays.
    for (const focus of ['button', 'text'] as const) {
      await drawer.getByRole('button', { name: 'Close opening' }).click();
      await confirm.waitFor();
      if (focus === 'text') await confirm.getByText('will be marked closed').click();
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'hidden' });
      expect(await drawer.getByTestId('drawer-title').isVisible(), focus).toBe(true);
    }
    expect(statusPuts).toEqual([]);

    await drawer.getByRole('button', { name: 'Close opening' }).click();
    await confirm.getByRole('button', { name: 'Close opening' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => badge.textContent()).toBe('Closed');
    expect(await statusOf()).toBe('closed');
    expect(statusPuts).toEqual([JSON.stringify({ status: 'closed' })]);

    await drawer.getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => badge.textContent()).toBe('Open');
    expect(await page.getByRole('dialog', { name: 'Close this opening?' }).count()).toBe(0);
    expect(statusPuts).toHaveLength(2);
    expect(await statusOf()).toBe('open');
    await shot('phone-07-reopened');
  });
});
