import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { saveSsoSettings } from '../../src/server/auth/sso.js';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, launchChromium, openConsolePage, SHOTS, serve } from '../helpers/browser.js';
import { openTestDatabase, type TestDatabase } from '../helpers/db.js';
import { makeTenant, PASSWORD, TestClock, type TestTenant, testApp } from '../helpers/factories.js';

/**
 * Both ways into the console in Chromium: a password for a tenant without single sign-on, and
 * single sign-on through a real OpenID provider (oidc-provider, in this process) for one with it;
 * then a host platform's one-time console link, opened twice. Screens go to
 * test-results/screenshots/ (sign-in-*.png).
 */

const SSO_DOMAIN = 'sso-corp.example';
const ADA = `ada@${SSO_DOMAIN}`;
const PASSWORD_USER = 'pat@plain.example';

let t: TestDatabase;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let provider: Server;
let ssoTenant: TestTenant;
let linkKey: string;

const clock = new TestClock(new Date());

beforeAll(async () => {
  browser = await launchChromium();
  t = await openTestDatabase();
  app = await testApp(t.db, clock, { METERLINE_SSO_ALLOW_PRIVATE: true });
  base = await serve(app);

  provider = createServer();
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: 'meterline',
        client_secret: 'provider secret',
        redirect_uris: [`${base}/api/v1/auth/sso/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: ADA,
        email_verified: true,
        name: 'Ada Lovelace',
        groups: ['finance-admins'],
      }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['e2e cookie key'] },
  });
  const callback = oidc.callback();
  provider.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    // The organisation's login page, already signed in: it sends Ada straight back.
    const details = await oidc.interactionDetails(req, res);
    const grant = new oidc.Grant({ accountId: 'ada', clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    await oidc.interactionFinished(req, res, {
      login: { accountId: 'ada' },
      consent: { grantId: await grant.save() },
    });
  });

  // A tenant without single sign-on, whose admin signs in with a password.
  await makeTenant(t.db, clock, { admin: { email: PASSWORD_USER, name: 'Pat' } });
  ssoTenant = await makeTenant(t.db, clock);
  await saveSsoSettings(
    t.db,
    ssoTenant.id,
    {
      issuer,
      clientId: 'meterline',
      clientSecret: 'provider secret',
      roleClaim: 'groups',
      roleMapping: [
        { value: 'finance-admins', role: 'account_admin' },
        { value: 'recruiting', role: 'recruiter' },
      ],
      emailDomains: [SSO_DOMAIN],
      passwordLogin: false,
    },
    { actor: 'test', at: new Date() },
    { allowPrivate: true },
  );
  linkKey = (await createApiKey(t.db, ssoTenant.id, { name: 'Interview platform', scopes: ['console:link'] }))
    .key;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => provider?.close(resolve));
  await t?.close();
});

async function withPage(fn: (page: Page, errors: ConsoleErrors) => Promise<void>) {
  const { context, page, consoleErrors } = await openConsolePage(browser);
  try {
    await fn(page, consoleErrors);
    expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
  } finally {
    await context.close();
  }
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `sign-in-${name}.png`), fullPage: true });

describe('signing in', () => {
  it('with a password, for a tenant without single sign-on', async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'Sign in to Meterline' }).waitFor();
      await page.getByLabel('Work email').fill(PASSWORD_USER);
      await page.locator('input[type="password"]').fill(PASSWORD);
      await shot(page, 'password');
      await expectAccessible(page, 'sign-in with a password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    });
  });

  it('with single sign-on: the work email sends Ada to her provider; she lands on Consumption as an account admin', async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/`);
      await page.getByLabel('Work email').fill(ADA);
      await page.getByLabel('Work email').blur();
      const sso = page.getByRole('button', { name: 'Continue with single sign-on' });
      await sso.waitFor();
      // The tenant turned passwords off: no password field is offered.
      expect(await page.locator('input[type="password"]').count()).toBe(0);
      await shot(page, 'sso-email');
      await expectAccessible(page, 'sign-in with single sign-on');
      await sso.click();
      await page.waitForURL(`${base}/consumption`);
      await page.getByRole('heading', { name: 'Consumption', level: 1 }).waitFor();
      await shot(page, 'sso-landed');

      await page.goto(`${base}/users`);
      const row = page.getByTestId('users-table').getByRole('row').filter({ hasText: ADA });
      await row.getByText('Signs in with single sign-on').waitFor();
      await row.getByText(/^with single sign-on$/).waitFor();
      await shot(page, 'users');

      await page.goto(`${base}/settings`);
      await page.getByRole('heading', { name: 'Sign-in' }).waitFor();
      expect(await page.getByLabel('Issuer URL').inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:/);
      await page.getByRole('link', { name: 'Test sign-in' }).click();
      await page.getByText(`The provider signed in ${ADA}, who would be Account admin`).waitFor();
      await shot(page, 'settings');
      await expectAccessible(page, 'Settings → Sign-in');

      const audit = await page.request.get(`${base}/api/v1/audit?action=auth.login`);
      const entries = (await audit.json()).entries as { actor: string; details: { method?: string } }[];
      expect(entries.some((e) => e.actor === `user:${ADA}` && e.details.method === 'sso')).toBe(true);
    });
  });

  it('with a console link from the host platform: it opens once', async () => {
    const minted = await app.inject({
      method: 'POST',
      url: '/api/v1/console-links',
      headers: { authorization: `Bearer ${linkKey}` },
      payload: {
        user: {
          externalId: 'platform-42',
          email: `grace@${SSO_DOMAIN}`,
          name: 'Grace Hopper',
          role: 'account_admin',
        },
      },
    });
    expect(minted.statusCode).toBe(201);
    const { url } = minted.json();
    // The host's answer names the public URL of the request; the browser opens it on this server.
    const link = `${base}${new URL(url).pathname}${new URL(url).search}`;
    await withPage(async (page) => {
      await page.goto(link);
      await page.waitForURL(`${base}/consumption`);
      await page.getByRole('heading', { name: 'Consumption', level: 1 }).waitFor();
    });
    await withPage(async (page) => {
      await page.goto(link);
      await page.waitForURL(`${base}/login?error=console_link_used`);
      await page.getByRole('alert').getByText('This sign-in link has already been used').waitFor();
      await shot(page, 'console-link-used');
    });
  });
});
