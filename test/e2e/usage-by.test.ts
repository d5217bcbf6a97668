import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { NO_ATTRIBUTE_LABEL } from '../../src/shared/attribution.js';
import { creditsToMilli } from '../../src/shared/credits.js';
import { formatCredits, formatNumber, formatPercent } from '../../src/web/lib/format.js';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS } from '../helpers/browser.js';
import { interviewEvents, postEvents } from '../helpers/factories.js';
import { type ServedConsole, startDemoConsole } from '../helpers/served-console.js';

/**
 * The Consumption page's "Usage by" switch in Chromium, on the demo: usage by department adds up
 * to the cards and equals the breakdown route, the choice stays in the URL across a reload, and a
 * phone keeps the label, Completed and Credits Used on screen. Screens go to
 * test-results/screenshots/ (usage-by-*.png).
 */
/** A department no demo opening has, so its row's figures are known. */
const DEPARTMENT = 'Legal & Compliance';

let served: ServedConsole;
let base: string;
let context: BrowserContext;
let page: Page;
let consoleErrors: ConsoleErrors;

const shot = (name: string, p: Page = page) =>
  p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

interface BreakdownJson {
  by: string;
  items: {
    key: string | null;
    label: string;
    invited: number;
    completed: number;
    partiallyCompleted: number;
    simulations: number;
    creditsUsed: number;
    share: number;
  }[];
  totals: { completed: number; partiallyCompleted: number; creditsUsed: number; totalInterviews: number };
  total: number;
}

async function apiGet<T>(path: string, p: Page = page): Promise<T> {
  const res = await p.request.get(`${base}/api/v1${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

/** A figure as the console writes it, read back ("1,234.5" → 1234.5). */
const parseFigure = (text: string) => Number(text.replace(/,/g, ''));

/** The breakdown table's rows as the page shows them: the label and each figure's text. */
async function tableRows(p: Page) {
  const rows = p.getByTestId('breakdown-table').getByTestId('breakdown-row');
  return rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      label: tr.querySelector('[data-testid="breakdown-label"]')?.textContent ?? '',
      figures: Object.fromEntries(
        [...tr.querySelectorAll('[data-figure]')].map((td) => [
          td.getAttribute('data-figure'),
          td.textContent ?? '',
        ]),
      ),
    })),
  );
}

/** The route's items as the table should write them. */
const expectedRows = (b: BreakdownJson) =>
  b.items.map((i) => ({
    label: i.label,
    figures: {
      invited: formatNumber(i.invited),
      completed: formatNumber(i.completed),
      partiallyCompleted: formatNumber(i.partiallyCompleted),
      simulations: formatNumber(i.simulations),
      creditsUsed: formatCredits(i.creditsUsed),
      share: formatPercent(i.share),
    },
  }));

const usageBy = (p: Page, label: string) =>
  p.getByRole('radiogroup', { name: 'Usage by' }).getByText(label, { exact: true });

const choice = (p: Page, label: string) =>
  p.getByRole('radiogroup', { name: 'Usage by' }).getByRole('radio', { name: label, exact: true });

beforeAll(async () => {
  served = await startDemoConsole({
    viewport: { width: 1440, height: 900 },
    // Three interviews of the last hours: two of a department no demo opening has, one naming no
    // department (so "(none)" has a row whatever the demo's titles give).
    async before(db, app, acmeTenantId) {
      const { key } = await createApiKey(db.db, acmeTenantId, {
        name: 'e2e usage by',
        scopes: ['events:write'],
      });
      const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
      const legal = { openingId: 'op-e2e-legal', jobTitle: 'Legal Counsel', at };
      const res = await postEvents(app, key, [
        ...[
          ...interviewEvents(legal),
          ...interviewEvents({ ...legal, outcome: 'partial', completion: 0.9 }),
        ].map((e) => ({ ...e, department: DEPARTMENT })),
        ...interviewEvents({ openingId: 'op-e2e-none', jobTitle: 'Unfiled Role', at }),
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

describe('the "Usage by" switch in Chromium', () => {
  it('shows usage by department that adds up to the cards and equals the breakdown route', async () => {
    await page.goto(`${base}/consumption`);
    await page.getByTestId('opening-row').first().waitFor();
    await expect(choice(page, 'Opening').isChecked()).resolves.toBe(true);

    await usageBy(page, 'Department').click();
    await page.getByRole('heading', { name: 'Usage by department' }).waitFor();
    await poll(() => new URL(page.url()).searchParams.get('by')).toBe('department');
    await page.getByTestId('breakdown-row').first().waitFor();
    await expect(page.getByTestId('openings-table').count()).resolves.toBe(0);

    const breakdown = await apiGet<BreakdownJson>('/consumption/breakdown?by=department&limit=1000');
    const summary = await apiGet<{ creditsUsed: number; totalInterviews: number; completed: number }>(
      '/consumption/summary',
    );
    expect(breakdown.total).toBe(breakdown.items.length);
    expect(breakdown.items.map((i) => i.label)).toContain(DEPARTMENT);
    expect(breakdown.items.map((i) => i.label)).toContain(NO_ATTRIBUTE_LABEL);
    // The first column's head names the dimension.
    await expect(page.getByTestId('breakdown-table').locator('thead th').first().textContent()).resolves.toBe(
      'Department',
    );

    // Row for row, the route's items in its order (most credits first).
    await poll(() => tableRows(page)).toEqual(expectedRows(breakdown));
    const rows = await tableRows(page);
    const credits = rows.map((r) => parseFigure(r.figures.creditsUsed ?? ''));
    expect(credits).toEqual([...credits].sort((a, b) => b - a));
    const legal = breakdown.items.find((i) => i.key === DEPARTMENT);
    expect(legal).toMatchObject({ invited: 2, completed: 1, partiallyCompleted: 1 });

    // The rows add up to the cards, and the totals row says so.
    const card = async (id: string) => parseFigure((await page.getByTestId(id).textContent()) ?? '');
    const cardCredits = await card('value-credits-used');
    const cardInterviews = await card('value-total-interviews');
    expect(cardCredits).toBe(summary.creditsUsed);
    expect(cardInterviews).toBe(summary.totalInterviews);
    const milliSum = rows.reduce((a, r) => a + creditsToMilli(parseFigure(r.figures.creditsUsed ?? '')), 0);
    expect(milliSum).toBe(creditsToMilli(cardCredits));
    const interviews = rows.reduce(
      (a, r) => a + parseFigure(r.figures.completed ?? '') + parseFigure(r.figures.partiallyCompleted ?? ''),
      0,
    );
    expect(interviews).toBe(cardInterviews);
    const totals = page.getByTestId('breakdown-totals');
    await expect(totals.locator('[data-figure="creditsUsed"]').textContent()).resolves.toBe(
      formatCredits(summary.creditsUsed),
    );
    await expect(totals.locator('[data-figure="completed"]').textContent()).resolves.toBe(
      formatNumber(summary.completed),
    );
    await expect(totals.locator('[data-figure="share"]').textContent()).resolves.toBe(formatPercent(1));

    await expectAccessible(page, 'usage by department');
    await shot('usage-by-01-department-1440');
  });

  it('keeps the choice in the URL across a reload, and shows each choice its own rows', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Usage by department' }).waitFor();
    await expect(choice(page, 'Department').isChecked()).resolves.toBe(true);
    const departments = await apiGet<BreakdownJson>('/consumption/breakdown?by=department&limit=1000');
    await poll(() => tableRows(page)).toEqual(expectedRows(departments));

    // Another attribute never shows the department's rows while its own load.
    await usageBy(page, 'Location').click();
    await page.getByRole('heading', { name: 'Usage by location' }).waitFor();
    const locations = await apiGet<BreakdownJson>('/consumption/breakdown?by=location&limit=1000');
    await poll(() => tableRows(page)).toEqual(expectedRows(locations));
    expect(new URL(page.url()).searchParams.get('by')).toBe('location');

    // From the keyboard: the arrows go through the choices, the focus staying on the switch.
    await choice(page, 'Location').focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('heading', { name: 'Usage by department' }).waitFor();
    await poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(
      'department',
    );
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('heading', { name: 'Usage by recruiter' }).waitFor();
    await poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(
      'recruiter',
    );
    const recruiters = await apiGet<BreakdownJson>('/consumption/breakdown?by=recruiter&limit=1000');
    await poll(() => tableRows(page)).toEqual(expectedRows(recruiters));

    // Openings again: the table of before, and nothing left in the URL.
    await usageBy(page, 'Opening').click();
    await page.getByTestId('opening-row').first().waitFor();
    await page.getByRole('heading', { name: 'Usage by opening' }).waitFor();
    expect(new URL(page.url()).searchParams.has('by')).toBe(false);
    await page.reload();
    await page.getByTestId('opening-row').first().waitFor();
    await expect(page.getByTestId('breakdown-table').count()).resolves.toBe(0);
    await shot('usage-by-03-opening-1440');
  });

  it('keeps the label, Completed and Credits Used on a phone and opens the rest per row', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/consumption?by=department`);
    await phone.getByRole('heading', { name: 'Usage by department' }).waitFor();
    const table = phone.getByTestId('breakdown-table');
    const first = table.getByTestId('breakdown-row').first();
    await first.waitFor();
    const onScreen = async (name: string, box: { x: number; width: number } | null) => {
      expect(box, name).not.toBeNull();
      expect(box?.x ?? -1, name).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0), name).toBeLessThanOrEqual(390);
    };
    await onScreen('department', await first.getByTestId('breakdown-label').boundingBox());
    await onScreen('completed', await first.locator('[data-figure="completed"]').boundingBox());
    await onScreen('credits used', await first.locator('[data-figure="creditsUsed"]').boundingBox());
    await onScreen('the switch', await phone.getByRole('radiogroup', { name: 'Usage by' }).boundingBox());
    await expect(first.locator('[data-figure="invited"]').isVisible()).resolves.toBe(false);

    const breakdown = await apiGet<BreakdownJson>('/consumption/breakdown?by=department&limit=1000', phone);
    const top = breakdown.items[0];
    await first.getByRole('button', { name: `More figures for ${top?.label}` }).click();
    const more = table.getByTestId('opening-figures').first();
    await more.waitFor();
    await expect(more.textContent()).resolves.toContain(formatNumber(top?.invited ?? -1));
    await expect(more.textContent()).resolves.toContain(formatPercent(top?.share ?? -1));

    await expectAccessible(phone, 'usage by department on a phone');
    await shot('usage-by-02-department-390', phone);

    // The switch beside the openings table's title and search on a phone too.
    await usageBy(phone, 'Opening').click();
    await phone.getByTestId('opening-row').first().waitFor();
    await onScreen('the switch', await phone.getByRole('radiogroup', { name: 'Usage by' }).boundingBox());
    await shot('usage-by-04-opening-390', phone);
    await phone.close();
  });
});
