import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../../src/server/ledger/close.js';
import { purchaseCredits } from '../../src/server/ledger/purchases.js';
import { creditsToMilli } from '../../src/shared/credits.js';
import { formatCredits } from '../../src/shared/display.js';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS } from '../helpers/browser.js';
import { makeTenant, PASSWORD, TestClock, testApp } from '../helpers/factories.js';
import { type ServedConsole, startConsole } from '../helpers/served-console.js';

/**
 * Statements and receipts on Plan & credits: closed periods and the one in progress listed
 * with their closing balances, and the PDFs downloaded from their links hold the same figures.
 */

// Near the browser's own time, as the session cookie's expiry is the server's.
const clock = new TestClock(new Date(Date.now() - 40 * 86_400_000));
const email = 'finance@statements.test';

let served: ServedConsole;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;

const standardFontDataUrl = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

async function pdfText(bytes: Buffer): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, standardFontDataUrl })
    .promise;
  const content = await (await pdf.getPage(1)).getTextContent();
  await pdf.destroy();
  return content.items.flatMap((i) => ('str' in i && i.str.trim() !== '' ? [i.str.trim()] : []));
}

describe('statements and receipts in the browser', () => {
  beforeAll(async () => {
    served = await startConsole({
      app: (db) => testApp(db, clock),
      acceptDownloads: true,
      async before(db) {
        const tenant = await makeTenant(db.db, clock, {
          plan: { creditPriceCents: 250, currency: 'EUR' },
          admin: { email, name: 'Fin Ance' },
        });
        await purchaseCredits(db.db, tenant.id, {
          idempotencyKey: 'e2e-statement-0001',
          creditsMilli: creditsToMilli(40),
          actor: `user:${email}`,
          now: clock.now(),
        });
        clock.current = new Date();
        await closeDuePeriods(db.db, tenant.id, clock.now());
      },
      signIn: { email, password: PASSWORD },
    });
    ({ base, page, consoleErrors } = served);
  }, 120_000);

  afterAll(() => served?.close());

  it('lists the statements and the purchase, and downloads PDFs with their figures', async () => {
    await page.goto(`${base}/credits`);
    const statements = page.getByTestId('statements-table');
    await statements.waitFor();
    const res = await page.request.get(`${base}/api/v1/credits/statements`);
    const items: { periodStart: string; closingBalance: number; closed: boolean }[] = (await res.json())
      .items;
    expect(items.map((s) => s.closed)).toEqual([false, ...items.slice(1).map(() => true)]);
    expect(items.length).toBeGreaterThan(1);
    const rows = statements.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(items.length);
    expect(await rows.nth(0).textContent()).toContain('in progress');
    expect(await rows.nth(1).locator('td').nth(1).textContent()).toBe(
      formatCredits(items[1]?.closingBalance ?? -1),
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      rows
        .nth(1)
        .getByRole('link', { name: /Download PDF/ })
        .click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^statement-.*-${items[1]?.periodStart}\\.pdf$`));
    const text = await pdfText(readFileSync(await download.path()));
    expect(text[text.indexOf('Closing balance') + 1]).toBe(formatCredits(items[1]?.closingBalance ?? -1));

    const purchases = page.getByTestId('purchases-table');
    expect(await purchases.locator('tbody tr').count()).toBe(1);
    expect(await purchases.textContent()).toContain('Fin Ance');
    const [receipt] = await Promise.all([
      page.waitForEvent('download'),
      purchases.getByRole('link', { name: /Download PDF/ }).click(),
    ]);
    const receiptText = await pdfText(readFileSync(await receipt.path()));
    expect(receiptText[receiptText.indexOf('Amount') + 1]).toBe('€100.00');

    await page.screenshot({ path: join(SHOTS, 'statements-01-credits-1366.png'), fullPage: true });
    await expectAccessible(page, 'Plan & credits with statements');
    expect(consoleErrors.take()).toEqual([]);
  });

  it('at 390 px the period in progress keeps its badge in its own cell, off the closing balance', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/credits`);
    const period = page.getByTestId('statements-table').locator('tbody tr').first().locator('td').first();
    await period.getByText('in progress').waitFor();
    const spill = await period.evaluate((td) => {
      const edge = td.getBoundingClientRect().right;
      return [...td.querySelectorAll('*')].some((e) => e.getBoundingClientRect().right > edge + 1);
    });
    expect(spill).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'statements-02-credits-390.png'), fullPage: true });
  });
});
