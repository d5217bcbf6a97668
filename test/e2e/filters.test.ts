import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { formatCredits, formatNumber } from '../../src/web/lib/format.js';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS } from '../helpers/browser.js';
import { interviewEvents, postEvents } from '../helpers/factories.js';
import { type ServedConsole, startDemoConsole } from '../helpers/served-console.js';

/**
 * The Consumption page's filter chips in Chromium, on the demo (docs/product.md, Filters): picking
 * a department changes the cards to the filtered summary, keeps the balance, goes to the URL and
 * survives a reload; removing the chip brings the account's figures back. Screens go to
 * test-results/screenshots/ (filters-*.png).
 */
/** A department no demo opening has, so its figures are known. */
const DEPARTMENT = 'Legal & Compliance';

let served: ServedConsole;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const text = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';

async function apiGet<T>(path: string): Promise<T> {
  const res = await page.request.get(`${base}/api/v1${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

interface SummaryJson {
  creditsUsed: number;
  totalInterviews: number;
  remainingBalance: number;
}

beforeAll(async () => {
  served = await startDemoConsole({
    viewport: { width: 1440, height: 900 },
    async before(db, app, acmeTenantId) {
      const { key } = await createApiKey(db.db, acmeTenantId, {
        name: 'e2e filters',
        scopes: ['events:write'],
      });
      const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
      const legal = { openingId: 'op-e2e-legal', jobTitle: 'Legal Counsel', at };
      const res = await postEvents(
        app,
        key,
        [
          ...interviewEvents(legal),
          ...interviewEvents({ ...legal, outcome: 'partial', completion: 0.9 }),
        ].map((e) => ({ ...e, department: DEPARTMENT, tags: { wave: 'e2e' } })),
      );
      expect(res.json().rejected).toEqual([]);
    },
  });
  ({ base, page, consoleErrors } = served);
});

afterEach(() => {
  expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
});

afterAll(() => served?.close());

describe('the filter chips in Chromium', () => {
  it('filter the cards by a department picked from the chips, in the URL, and back', async () => {
    await page.goto(`${base}/consumption`);
    await page.getByTestId('opening-row').first().waitFor();
    const whole = await apiGet<SummaryJson>('/consumption/summary');
    await poll(() => text('value-credits-used')).toBe(formatCredits(whole.creditsUsed));
    await expect(page.getByTestId('filter-note').count()).resolves.toBe(0);

    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-attribute').click();
    await page.getByRole('option', { name: 'Department', exact: true }).click();
    await page.getByTestId('filter-value').click();
    await page.getByRole('option', { name: DEPARTMENT, exact: true }).click();

    await poll(() => new URL(page.url()).searchParams.get('department')).toBe(DEPARTMENT);
    const legal = await apiGet<SummaryJson>(
      `/consumption/summary?department=${encodeURIComponent(DEPARTMENT)}`,
    );
    expect(legal.totalInterviews).toBe(2);
    expect(legal.creditsUsed).toBeLessThan(whole.creditsUsed);
    await poll(() => text('value-total-interviews')).toBe(formatNumber(2));
    await poll(() => text('value-credits-used')).toBe(formatCredits(legal.creditsUsed));
    // The balance stays the account's, and the page says so.
    expect(await text('value-remaining-balance')).toBe(formatCredits(whole.remainingBalance));
    await page.getByTestId('filter-note').waitFor();
    await expect(page.getByTestId('filter-department').count()).resolves.toBe(0);
    await expect(text('filter-chip-department')).resolves.toContain(DEPARTMENT);
    // The openings table holds the filtered opening alone.
    await poll(() => page.getByTestId('opening-row').count()).toBe(1);
    await expectAccessible(page, 'filtered by a department');
    await shot('filters-department');

    await page.reload();
    await poll(() => text('value-total-interviews')).toBe(formatNumber(2));

    await page.getByRole('button', { name: `Remove the filter Department: ${DEPARTMENT}` }).click();
    await poll(() => new URL(page.url()).searchParams.get('department')).toBe(null);
    await poll(() => text('value-credits-used')).toBe(formatCredits(whole.creditsUsed));
  });

  it('offers the tenant’s tag keys in the Usage by switch', async () => {
    await page.goto(`${base}/consumption?by=tag:wave&tag.wave=e2e`);
    await page.getByRole('heading', { name: 'Usage by tag wave' }).waitFor();
    await page.getByTestId('breakdown-row').first().waitFor();
    await poll(() => page.getByTestId('breakdown-label').allTextContents()).toEqual(['e2e']);
    await expectAccessible(page, 'usage by a tag key');
    await shot('filters-tag');
  });
});
