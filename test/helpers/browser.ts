import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where the browser tests save their screenshots (looked at by people, not compared). */
export const SHOTS = 'test-results/screenshots';

/**
 * What every browser test file starts with: the console built (when dist/web is missing or older
 * than its sources) and Debian's Chromium launched headless. playwright-core gives each launch a
 * fresh temporary profile; the background-networking flags keep Chromium from calling out of
 * this machine's closed network.
 */
export async function launchChromium(): Promise<Browser> {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  const build = spawnSync(process.execPath, ['src/web/build-if-stale.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('Building the console failed.');
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What the pages of a browser context logged as errors: console errors and uncaught exceptions. */
export interface ConsoleErrors {
  /**
   * The errors logged since the last call, less one for each of `expected` that matches one
   * (a refusal a test provokes on purpose, such as a wrong password's 401); then forgets them all.
   */
  take(...expected: RegExp[]): string[];
}

/**
 * Starts collecting every page's console errors in `context` — a failed request (its status and
 * URL), a refused script or style (the CSP), a React warning logged as an error — and uncaught
 * exceptions. The console tests fail on any that was not expected.
 */
export function watchConsoleErrors(context: BrowserContext): ConsoleErrors {
  let errors: string[] = [];
  context.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url;
    errors.push(where ? `${msg.text()} (${where})` : msg.text());
  });
  context.on('weberror', (e) => errors.push(`uncaught: ${e.error().stack ?? e.error().message}`));
  return {
    take(...expected) {
      const left = [...expected];
      const unexpected = errors.filter((e) => {
        const i = left.findIndex((p) => p.test(e));
        if (i < 0) return true;
        left.splice(i, 1);
        return false;
      });
      errors = [];
      return unexpected;
    },
  };
}

/** Starts `app` on a free port of this machine and gives its base URL. */
export async function serve(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * A browser context and its first page as the console tests use them: British English, a
 * viewport (a laptop's by default), a default wait long enough for a cold chart chunk, and its
 * console errors collected.
 */
export async function openConsolePage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; consoleErrors: ConsoleErrors }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1366, height: 900 },
    locale: 'en-GB',
    acceptDownloads: options.acceptDownloads ?? false,
  });
  context.setDefaultTimeout(20_000);
  const consoleErrors = watchConsoleErrors(context);
  return { context, page: await context.newPage(), consoleErrors };
}

/** Signs in on the login page and waits for the home page. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.locator('input[type="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Welcome/ }).waitFor();
}
