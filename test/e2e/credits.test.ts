import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { purchaseCredits } from '../../src/server/ledger/purchases.js';
import { creditsToMilli } from '../../src/shared/credits.js';
import { formatCredits, formatCreditsUnit, formatDay, setDisplayTimeZone } from '../../src/web/lib/format.js';
import { type ConsoleErrors, SHOTS } from '../helpers/browser.js';
import { type ServedConsole, startDemoConsole } from '../helpers/served-console.js';

/**
 * Money and plan in the browser (issue 11): the balance in parts and the expiry warning on
 * Consumption and on Plan & credits, the partial tiers, the period in money, and the ledger with
 * job titles, actors by name and the kind filter; at 1440 and 390 px wide.
 */

let served: ServedConsole;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

async function apiGet<T>(path: string): Promise<T> {
  const res = await page.request.get(`${base}/api/v1${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

interface BalanceJson {
  balance: number;
  breakdown: Record<string, number>;
  expiringSoon: { credits: number; expiresAt: string; kinds: string[] } | null;
  plan: { partialRule: { tiers: { minCompletion: number; credits: number }[] } };
}

describe('Plan & credits and the balance in the browser', () => {
  beforeAll(async () => {
    served = await startDemoConsole({
      viewport: { width: 1440, height: 900 },
      // Credits bought twelve months less five days ago: they expire in five days.
      async before(db, _app, acmeTenantId) {
        await purchaseCredits(db.db, acmeTenantId, {
          idempotencyKey: 'e2e-expiring',
          creditsMilli: creditsToMilli(276.5),
          actor: 'user:admin@acme.test',
          now: new Date(Date.now() - (365 - 5) * 86_400_000),
        });
      },
    });
    ({ base, page, consoleErrors } = served);
    const me = await apiGet<{ tenant: { timeZone: string } }>('/me');
    setDisplayTimeZone(me.tenant.timeZone);
  });

  afterEach(() => {
    expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
  });

  afterAll(() => served?.close());

  it('warns of the expiring credits and breaks the balance down on Consumption', async () => {
    await page.goto(`${base}/consumption`);
    const balance = await apiGet<BalanceJson>('/credits/balance');
    const soon = balance.expiringSoon;
    // These, and any other purchase expiring on that day.
    expect(soon?.kinds).toEqual(['purchase']);
    expect(soon?.credits).toBeGreaterThanOrEqual(276.5);
    const warning = page.getByTestId('expiring-credits');
    await poll(() => warning.textContent()).toContain(
      `${formatCredits(soon?.credits ?? 0)} purchased credits expire on ${formatDay(soon?.expiresAt)}`,
    );
    const card = page.getByTestId('card-remaining-balance');
    const parts = await card.getByTestId('balance-breakdown').textContent();
    expect(parts).toContain(`${formatCredits(balance.breakdown.grant ?? 0)} this period’s grant`);
    expect(parts).toContain(`${formatCredits(balance.breakdown.purchase ?? 0)} purchased`);
    expect(parts).toContain(`${formatCredits(balance.balance)} credits:`);
    expect(await card.textContent()).not.toContain('allotment per period');
    await page.getByTestId('card-credits-used').getByTestId('credits-value').waitFor();
    await page.screenshot({ path: join(SHOTS, 'credits-01-consumption-1440.png'), fullPage: false });
  });

  it('shows the partial tiers, the period in money and the same warning on Plan & credits', async () => {
    await page.goto(`${base}/credits`);
    await page.getByRole('heading', { name: 'Plan & credits', level: 1 }).waitFor();
    const balance = await apiGet<BalanceJson>('/credits/balance');
    await page.getByTestId('expiring-credits').waitFor();
    const rows = page.getByTestId('partial-tiers').locator('tbody tr');
    await poll(() => rows.count()).toBe(balance.plan.partialRule.tiers.length);
    const cells = await rows.allTextContents();
    balance.plan.partialRule.tiers.forEach((t, i) => {
      expect(cells[i]).toContain(formatCreditsUnit(t.credits));
    });
    expect(await page.getByTestId('money-bought').textContent()).toMatch(/credits? for /);
    await poll(() => page.getByTestId('money-used').textContent()).toMatch(/worth /);
    await page.getByTestId('ledger-table').waitFor();
    await page.screenshot({ path: join(SHOTS, 'credits-02-plan-1440.png'), fullPage: true });
  });

  it('lists the ledger newest first with job titles and actors by name, and filters it by kind', async () => {
    const api = await apiGet<{
      entries: { actorName: string; jobTitle: string | null }[];
      total: number;
    }>('/credits/ledger?limit=25');
    const table = page.getByTestId('ledger-table');
    await poll(() => table.getByTestId('ledger-actor').first().textContent()).toBe(api.entries[0]?.actorName);
    const titles = await table.getByTestId('ledger-job-title').allTextContents();
    expect(titles).toEqual(api.entries.map((e) => e.jobTitle ?? '—'));
    expect(await table.textContent()).not.toContain('api_key:');

    const purchases = await apiGet<{ total: number }>('/credits/ledger?kind=purchase');
    await page.getByTestId('ledger-kinds').click();
    await page.getByRole('option', { name: 'Purchase' }).click();
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('ledger-count').textContent()).toContain(
      `of ${purchases.total} ${purchases.total === 1 ? 'entry' : 'entries'}`,
    );
    const kinds = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['Purchase']));
    await page.screenshot({ path: join(SHOTS, 'credits-03-ledger-purchases.png'), fullPage: false });
  });

  it('fits a phone: the warning and the balance in parts at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/credits`);
    await page.getByTestId('expiring-credits').waitFor();
    await page.getByTestId('partial-tiers').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'credits-04-plan-390.png'), fullPage: true });
  });
});
