import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatCredits } from '../../src/web/lib/format.js';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS } from '../helpers/browser.js';
import { type ServedConsole, startDemoConsole } from '../helpers/served-console.js';

/**
 * Tenant Management → Budgets in Chromium, on the demo: Acme's two budgets with their bars and the
 * banner of the one past its threshold, a budget created, changed and removed through the page,
 * its usage chart, and an opening's budget in the openings table. Screens go to
 * test-results/screenshots/ (budgets-*.png).
 */
let served: ServedConsole;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

interface BudgetJson {
  budgetId: string;
  scope: { kind: string; value: string };
  label: string;
  credits: number;
  used: number;
  onExhausted: string;
  reached: number[];
}

async function budgets(): Promise<BudgetJson[]> {
  const res = await page.request.get(`${base}/api/v1/budgets`);
  expect(res.status()).toBe(200);
  return (await res.json()).items;
}

const card = (label: string) => page.getByTestId('budget-card').filter({ hasText: label });

beforeAll(async () => {
  served = await startDemoConsole({ viewport: { width: 1440, height: 900 } });
  ({ base, page, consoleErrors } = served);
});

afterEach(() => {
  expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
});

afterAll(() => served?.close());

describe('the Budgets page in Chromium', () => {
  it("shows Acme's budgets with their bars, and the banner of the one past its threshold", async () => {
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Budgets' })
      .click();
    await page.getByRole('heading', { name: 'Budgets', level: 1 }).waitFor();
    await poll(() => page.getByTestId('budget-card').count()).toBe(2);
    const demo = await budgets();
    const opening = demo.find((b) => b.scope.kind === 'opening');
    expect(opening).toMatchObject({ onExhausted: 'block' });
    expect(opening?.reached).toContain(80);
    await expect(
      card(opening?.label ?? '')
        .getByTestId('budget-used')
        .textContent(),
    ).resolves.toContain(
      `${formatCredits(opening?.used ?? 0)} of ${formatCredits(opening?.credits ?? 0)} credits used`,
    );
    await expect(page.getByTestId('budget-alert').textContent()).resolves.toContain(opening?.label);
    await expectAccessible(page, 'the Budgets page');
    await shot('budgets-page');
  });

  it('creates a budget through the page, shows its usage chart, changes it and removes it', async () => {
    await page.goto(`${base}/budgets`);
    await page.getByTestId('budget-new').click();
    const dialog = page.getByRole('dialog', { name: 'New budget' });
    // A department spelt otherwise than its interviews name it would count nothing: the form says so.
    await dialog.getByLabel('Budget for').click();
    await page.getByRole('option', { name: 'Department' }).click();
    await dialog.getByLabel('Department').fill('sales');
    await poll(() => dialog.getByTestId('budget-value-warning').textContent()).toContain('“Sales”');
    await dialog.getByLabel('Department').fill('Sales');
    await dialog.getByTestId('budget-value-warning').waitFor({ state: 'detached' });
    await dialog.getByLabel('Budget for').click();
    await page.getByRole('option', { name: 'Opening' }).click();
    await dialog.getByLabel('Opening id').fill('op-e2e-budget');
    await dialog.getByLabel('Credits').fill('12.5');
    await dialog.getByText('Block new interviews').click();
    await expectAccessible(page, 'the new budget dialog');
    await shot('budgets-new');
    await dialog.getByTestId('budget-save').click();
    await dialog.waitFor({ state: 'detached' });
    await poll(() => page.getByTestId('budget-card').count()).toBe(3);
    const created = (await budgets()).find((b) => b.scope.value === 'op-e2e-budget');
    expect(created).toMatchObject({ credits: 12.5, onExhausted: 'block', used: 0 });

    const it = card('op-e2e-budget');
    await expect(it.getByTestId('budget-used').textContent()).resolves.toContain('0 of 12.5 credits used');
    await it.getByRole('button', { name: 'Show usage' }).click();
    await it.getByTestId('budget-usage-chart').waitFor();
    await expectAccessible(page, 'a budget with its usage chart');
    await shot('budgets-created');

    await it.getByRole('button', { name: 'Edit the budget of op-e2e-budget' }).click();
    const edit = page.getByRole('dialog', { name: 'Change budget' });
    await edit.getByLabel('Credits').fill('20');
    await edit.getByTestId('budget-save').click();
    await edit.waitFor({ state: 'detached' });
    await poll(async () => (await budgets()).find((b) => b.budgetId === created?.budgetId)?.credits).toBe(20);
    await poll(() => it.getByTestId('budget-used').textContent()).toContain('0 of 20 credits used');

    await it.getByRole('button', { name: 'Delete the budget of op-e2e-budget' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove this budget?' });
    await confirm.getByTestId('budget-delete-confirm').click();
    await confirm.waitFor({ state: 'detached' });
    await poll(() => page.getByTestId('budget-card').count()).toBe(2);
    expect((await budgets()).map((b) => b.scope.value)).not.toContain('op-e2e-budget');
  });

  it('keeps each budget readable on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${base}/budgets`);
      await poll(() => page.getByTestId('budget-card').count()).toBe(2);
      const widths = await page
        .getByTestId('budget-card')
        .evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().right));
      for (const right of widths) expect(right).toBeLessThanOrEqual(390);
      await expectAccessible(page, 'the Budgets page on a phone');
      await shot('budgets-phone');
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it("shows an opening's budget under its credits in the openings table", async () => {
    const opening = (await budgets()).find((b) => b.scope.kind === 'opening');
    await page.goto(`${base}/consumption?q=${encodeURIComponent(opening?.label ?? '')}`);
    const note = page.getByTestId('opening-budget').first();
    await note.waitFor();
    await expect(note.textContent()).resolves.toBe(
      `${formatCredits(opening?.used ?? 0)} / ${formatCredits(opening?.credits ?? 0)} budget`,
    );
    await expectAccessible(page, 'the openings table with a budget');
    await shot('budgets-openings-table');
  });
});
