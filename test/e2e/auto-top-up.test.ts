import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS, signIn } from '../helpers/browser.js';
import {
  interviewEvents,
  makeTenant,
  PASSWORD,
  postEvents,
  TestClock,
  type TestTenant,
} from '../helpers/factories.js';
import { type ServedConsole, startConsole } from '../helpers/served-console.js';

/**
 * Auto top-up on Plan & credits, in Chromium: set it, let charges cross the floor twice with a cap of
 * one top-up, and read what the card says. Screens: test-results/screenshots/auto-top-up-*.png.
 */
const ADMIN = 'e2e-top-up-admin@example.test';

let served: ServedConsole;
let app: FastifyInstance;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;
let tenant: TestTenant;

beforeAll(async () => {
  served = await startConsole({
    async before(db) {
      tenant = await makeTenant(db.db, new TestClock(new Date()), {
        plan: { allotmentMilli: 20_000, rolloverMode: 'none' },
        admin: { email: ADMIN, name: 'Top-up Admin' },
      });
    },
  });
  ({ app, base, page, consoleErrors } = served);
});

afterEach(() => {
  expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
});

afterAll(() => served?.close());

/** Completes `n` interviews, finished a little before now. */
async function complete(n: number) {
  const at = new Date(Date.now() - 4 * 3_600_000).toISOString();
  const events = Array.from({ length: n }, () => interviewEvents({ at })).flat();
  expect((await postEvents(app, tenant.apiKey, events)).json()).toMatchObject({ rejected: [] });
}

describe('auto top-up in Chromium', () => {
  it('is set on Plan & credits, buys once, and shows when the monthly cap stopped a top-up', async () => {
    await signIn(page, base, ADMIN, PASSWORD);
    await page.goto(`${base}/credits`);
    const card = page.getByRole('region', { name: 'Auto top-up' });
    await card.getByLabel('When a charge takes the balance below').fill('5');
    await card.getByLabel('Buy', { exact: true }).fill('10');
    await card.getByLabel('At most, each calendar month').fill('5');
    await card.getByText('At least one top-up').waitFor();
    expect(await card.getByRole('button', { name: 'Save auto top-up' }).isDisabled()).toBe(true);
    await card.getByLabel('At most, each calendar month').fill('10');
    // By keyboard: the console's sticky header may cover the switch where the page scrolled it.
    await card.getByRole('switch', { name: 'Buy credits automatically when the balance runs low' }).focus();
    await page.keyboard.press('Space');
    await card.getByRole('button', { name: 'Save auto top-up' }).click();
    await card.getByText('Saved.').waitFor();
    const saved = await page.request.get(`${base}/api/v1/credits/auto-top-up`);
    expect(await saved.json()).toMatchObject({
      enabled: true,
      belowCredits: 5,
      buyCredits: 10,
      monthlyCapCredits: 10,
    });

    await complete(16); // crossing: one top-up
    await complete(10); // crossing again: the cap stops it
    await page.reload();
    await expect
      .poll(() => card.getByTestId('auto-top-up-month').textContent())
      .toContain('1 top-up, 10 of 10 credits');
    await card.getByTestId('auto-top-up-capped').waitFor();
    expect(await card.getByTestId('auto-top-ups').locator('tbody tr').count()).toBe(1);
    await card.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'Plan & credits with auto top-up');
    await card.screenshot({ path: join(SHOTS, 'auto-top-up-capped.png') });
    await page.getByRole('table', { name: 'Purchases' }).getByText('Auto top-up').waitFor();
  });
});
