import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS, signIn } from '../helpers/browser.js';
import type { TestDatabase } from '../helpers/db.js';
import { makeTenant, PASSWORD, TestClock } from '../helpers/factories.js';
import { type ServedConsole, startConsole } from '../helpers/served-console.js';

/**
 * Email recipients on Plan & credits, and an email's unsubscribe link, in Chromium. The server
 * has no SMTP server here, so the card says email is off. Screens: test-results/screenshots/email-*.png.
 */
const ADMIN = 'e2e-email-admin@example.test';
const FINANCE = 'finance@books.example';

let served: ServedConsole;
let db: TestDatabase;
let base: string;
let page: Page;
let consoleErrors: ConsoleErrors;
let tenantId: string;

beforeAll(async () => {
  served = await startConsole({
    async before(t) {
      const tenant = await makeTenant(t.db, new TestClock(new Date()), {
        admin: { email: ADMIN, name: 'Email Admin' },
      });
      tenantId = tenant.id;
    },
  });
  ({ db, base, page, consoleErrors } = served);
});

afterEach(() => {
  expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
});

afterAll(() => served?.close());

describe('email notifications in Chromium', () => {
  it('adds a recipient who is not a user, chooses what it receives, and saves', async () => {
    await signIn(page, base, ADMIN, PASSWORD);
    await page.goto(`${base}/credits`);
    const card = page.getByRole('region', { name: 'Email notifications' });
    await card.getByTestId('email-off').waitFor();
    await card.getByLabel('Add a recipient').fill('not an address');
    await expect.poll(() => card.getByText('Enter an email address').count()).toBe(1);
    await card.getByLabel('Add a recipient').fill(` ${FINANCE.toUpperCase()} `);
    await card.getByRole('button', { name: 'Add' }).click();
    await card.getByLabel(`Weekly digest to ${FINANCE}`).uncheck();
    await card.getByRole('button', { name: 'Save recipients' }).click();
    await card.getByText('Saved.').waitFor();
    const saved = await page.request.get(`${base}/api/v1/notifications/recipients`);
    expect(await saved.json()).toEqual({
      recipients: [{ email: FINANCE, alerts: true, weeklyDigest: false, statements: true }],
      emailEnabled: false,
    });
    await card.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'Plan & credits with email recipients');
    await card.screenshot({ path: join(SHOTS, 'email-recipients.png') });
  });

  it('turns off every email of a recipient from its link, signed out, after asking', async () => {
    const [row] = await db.db.withTenant(tenantId, (tx) =>
      tx.query<{ token: string }>('select unsubscribe_token as token from notification_recipients'),
    );
    const context = page.context();
    await context.clearCookies();
    await page.goto(`${base}/unsubscribe?token=${encodeURIComponent(row?.token ?? '')}`);
    await page.getByRole('button', { name: 'Unsubscribe' }).waitFor();
    await expectAccessible(page, 'Unsubscribe');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain(`${FINANCE} will no longer receive Meterline emails`);
    await page.screenshot({ path: join(SHOTS, 'email-unsubscribed.png') });
    const [after] = await db.db.withTenant(tenantId, (tx) =>
      tx.query('select alerts, weekly_digest, statements from notification_recipients'),
    );
    expect(after).toEqual({ alerts: false, weekly_digest: false, statements: false });
  });
});
