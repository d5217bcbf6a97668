import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
