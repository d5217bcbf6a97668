import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type AppDeps, buildApp } from '../../src/server/app.js';
import type { Database } from '../../src/server/db/database.js';
import { DEMO_PASSWORD, loadDemo } from '../../src/server/demo/load.js';
import { type ConsoleErrors, launchChromium, openConsolePage, serve, signIn } from './browser.js';
import { openTestDatabase, type TestDatabase } from './db.js';

/** The demo's account admin of Acme Talent. */
export const DEMO_ADMIN = 'admin@acme.test';

/** A browser test file's console: the app served on a fresh database, Chromium and one page. */
export interface ServedConsole {
  browser: Browser;
  db: TestDatabase;
  app: FastifyInstance;
  base: string;
  context: BrowserContext;
  page: Page;
  consoleErrors: ConsoleErrors;
  /** Closes the browser, the app and the database. */
  close(): Promise<void>;
}

export interface ConsoleOptions {
  /** Settings for the app, over quiet logs and twelve-hour sessions. */
  config?: Partial<AppDeps['config']>;
  /** Builds the app another way (such as testApp on a test clock); `config` is then not read. */
  app?: (db: Database) => Promise<FastifyInstance>;
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
  /** Fills the database, with the app built (for its routes) and before it listens. */
  before?: (db: TestDatabase, app: FastifyInstance) => Promise<void>;
  /** Who the page signs in as before the first test; left on the login page without. */
  signIn?: { email: string; password: string };
}

/**
 * Everything a browser test file starts with, in the order it needs: Chromium first (it builds
 * the console the server serves), a fresh database, the app, the file's own data, the server
 * listening, a console page and, when asked, signed in. What it opened is closed again when a
 * step fails, so a failed setup leaves no browser or database behind.
 */
export async function startConsole(options: ConsoleOptions = {}): Promise<ServedConsole> {
  const opened: { close(): Promise<unknown> }[] = [];
  const close = async () => {
    for (const o of opened.reverse()) await o.close();
  };
  try {
    const browser = await launchChromium();
    opened.push(browser);
    const db = await openTestDatabase();
    opened.push(db);
    const app = await (options.app?.(db.db) ??
      buildApp({
        db: db.db,
        config: { LOG_LEVEL: 'silent', METERLINE_SESSION_HOURS: 12, ...options.config },
      }));
    opened.push(app);
    await options.before?.(db, app);
    const base = await serve(app);
    const { context, page, consoleErrors } = await openConsolePage(browser, {
      ...(options.viewport ? { viewport: options.viewport } : {}),
      ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
    });
    if (options.signIn) await signIn(page, base, options.signIn.email, options.signIn.password);
    return { browser, db, app, base, context, page, consoleErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export interface DemoConsoleOptions extends Omit<ConsoleOptions, 'before' | 'signIn' | 'app'> {
  /** Adds to the demo, with Acme Talent's tenant id. */
  before?: (db: TestDatabase, app: FastifyInstance, acmeTenantId: string) => Promise<void>;
  /** Stays on the login page instead of signing in as Acme's admin. */
  signedOut?: boolean;
}

/** startConsole on the demo tenants (a twentieth of the demo's size), signed in as Acme's admin. */
export async function startDemoConsole(
  options: DemoConsoleOptions = {},
): Promise<ServedConsole & { acmeTenantId: string }> {
  let acmeTenantId = '';
  const { before, signedOut, ...rest } = options;
  const served = await startConsole({
    ...rest,
    async before(db, app) {
      await loadDemo(db.db, { now: new Date(), scale: 0.05 });
      const [acme] = await db.db.query<{ id: string }>(`select id from system_tenants() where slug = 'acme'`);
      acmeTenantId = acme?.id ?? '';
      await before?.(db, app, acmeTenantId);
    },
    ...(signedOut ? {} : { signIn: { email: DEMO_ADMIN, password: DEMO_PASSWORD } }),
  });
  return { ...served, acmeTenantId };
}
