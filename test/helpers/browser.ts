import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

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
