import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueWebhooks } from '../../src/server/alerts/delivery.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { DEMO_PASSWORD } from '../../src/server/demo/load.js';
import { METRIC_DEFINITIONS } from '../../src/shared/metrics.js';
import { initialJsGzip } from '../../src/web/bundle-size.js';
import {
  formatCredits,
  formatCreditsUnit,
  formatDate,
  formatInterviewsUnit,
  formatNumber,
  formatPoint,
  formatYearOverYearMonth,
} from '../../src/web/lib/format.js';
import { expectAccessible } from '../helpers/axe.js';
import { type ConsoleErrors, SHOTS, signIn as signInAs } from '../helpers/browser.js';
import type { TestDatabase } from '../helpers/db.js';
import { interviewEvents } from '../helpers/factories.js';
import { DEMO_ADMIN as ADMIN, type ServedConsole, startDemoConsole } from '../helpers/served-console.js';
import { verifyWebhook } from '../helpers/webhooks.js';

/**
 * The console in a real browser: the built app served by the real server (in this process, on
 * a fresh database with the demo tenants), driven through Debian's Chromium. Each screen is
 * saved to test-results/screenshots/; axe-core judges each page and the drawer, and any error in
 * the browser's console fails the test it happened in.
 */
const RECRUITER = 'e2e-recruiter@acme.test';
const RECRUITER_PASSWORD = 'recruiter-pass-123';

let served: ServedConsole;
let db: TestDatabase;
let base: string;
let context: BrowserContext;
let page: Page;
let consoleErrors: ConsoleErrors;

const shot = (name: string, p: Page = page) =>
  p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** An API answer with the browser's session (same cookies as the page). */
async function apiGet<T>(path: string): Promise<T> {
  const res = await page.request.get(`${base}/api/v1${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

const signIn = (email: string, password: string) => signInAs(page, base, email, password);

async function signOut() {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('button', { name: 'Sign out' })
    .click();
  await page.getByRole('heading', { name: 'Sign in to Meterline' }).waitFor();
}

/** A sidebar item (the home page links to the same pages). */
const navLink = (name: string) =>
  page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name, exact: true });

/** Waits for the page to get there (the default of one second is short for a cold chart chunk). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

const urlParam = (name: string) => new URL(page.url()).searchParams.get(name);

/** What the browser refused under the app's Content-Security-Policy, on any page of any test. */
const cspViolations: string[] = [];

describe('the web console in Chromium', () => {
  beforeAll(async () => {
    served = await startDemoConsole({
      // The webhook test endpoint listens on this machine.
      config: { METERLINE_WEBHOOK_ALLOW_PRIVATE: true },
      signedOut: true,
    });
    ({ db, base, context, page, consoleErrors } = served);
    context.on('console', (msg) => {
      if (msg.type() === 'error' && msg.text().includes('Content Security Policy'))
        cspViolations.push(msg.text());
    });
  });

  afterEach(() => {
    expect(consoleErrors.take(), 'errors in the browser console').toEqual([]);
  });

  afterAll(() => served?.close());

  it('keeps the initial JavaScript under 300 KB gzipped', () => {
    const { bytes, files } = initialJsGzip();
    console.log(
      `initial JS: ${(bytes / 1024).toFixed(1)} KB gzipped (${files.map((f) => f.file).join(', ')})`,
    );
    expect(bytes).toBeLessThan(300 * 1024);
  });

  it('serves the app at / with a fallback for deep links, and keeps /api 404s as JSON', async () => {
    const deep = await fetch(`${base}/consumption?view=weekly`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
    expect(await deep.text()).toContain('<div id="root">');
    const missing = await fetch(`${base}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('serves robots.txt as text, and no page for a file the build does not have', async () => {
    const robots = await fetch(`${base}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await robots.text()).toBe('User-agent: *\nDisallow: /\n');
    const favicon = await fetch(`${base}/favicon.ico`);
    expect(favicon.status).toBe(404);
    expect(await favicon.text()).not.toContain('<div id="root">');
  });

  it('an admin signs in and sees Tenant Management in the sidebar', async () => {
    // Anonymous: the console asks for the session without a refused request.
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to Meterline' }).waitFor();
    expect(consoleErrors.take()).toEqual([]);
    await expectAccessible(page, 'Login');
    await page.getByLabel('Email').fill(ADMIN);
    await page.locator('input[type="password"]').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not correct' }).waitFor();
    // The wrong password's 401, and nothing else.
    expect(consoleErrors.take(/status of 401 .*\/api\/v1\/auth\/login\)$/)).toEqual([]);
    await expectAccessible(page, 'Login with its error');
    await shot('01-login-error');

    await signIn(ADMIN, DEMO_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByText('Tenant Management').waitFor();
    for (const item of ['Consumption', 'Plan & credits', 'Users', 'Audit log']) {
      expect(await nav.getByRole('link', { name: item }).isVisible()).toBe(true);
    }
    await expectAccessible(page, 'Home');
    await shot('02-admin-home');
  });

  it('shows the four cards with the API’s numbers, and each definition on hover', async () => {
    await navLink('Consumption').click();
    await page.getByRole('heading', { name: 'Consumption', level: 1 }).waitFor();
    const summary = await apiGet<{
      totalInterviews: number;
      creditsUsed: number;
      remainingBalance: number;
      allotment: number;
      dataAsOf: string;
    }>('/consumption/summary');
    await expect
      .poll(() => page.getByTestId('value-total-interviews').textContent())
      .toBe(formatNumber(summary.totalInterviews));
    expect(await page.getByTestId('value-credits-used').textContent()).toBe(
      formatCredits(summary.creditsUsed),
    );
    expect(await page.getByTestId('value-remaining-balance').textContent()).toBe(
      formatCredits(summary.remainingBalance),
    );
    expect(await page.getByTestId('value-allotment').textContent()).toContain(
      formatCredits(summary.allotment),
    );
    // How fresh the figures are: on one database, the moment they were read.
    const asOf = (await page.getByTestId('data-as-of').textContent()) ?? '';
    expect(asOf).toMatch(/^Data as of \d\d:\d\d:\d\d · times in America\/New_York$/);
    expect(Math.abs(Date.now() - Date.parse(summary.dataAsOf))).toBeLessThan(60_000);
    await page.getByTestId('trend-chart').waitFor();
    await page.getByTestId('opening-row').first().waitFor();
    await expectAccessible(page, 'Consumption (by opening, daily)');

    await page.getByTestId('card-total-interviews').locator('[data-metric="totalInterviews"]').hover();
    await page.getByRole('tooltip').filter({ hasText: METRIC_DEFINITIONS.totalInterviews }).waitFor();
    await shot('03-consumption');
    await page.mouse.move(0, 0);
  });

  it('switches every view; the URL keeps it', async () => {
    const views = [
      ['Weekly', 'weekly', 'Per week'],
      ['Monthly', 'monthly', 'Per month'],
      ['Year over year', 'yoy', undefined],
      ['Daily', null, 'Per day'],
    ] as const;
    for (const [tab, param, caption] of views) {
      await page.getByRole('tab', { name: tab }).click();
      await poll(() => urlParam('view')).toBe(param);
      const panel = page.getByRole('tabpanel');
      if (caption) await panel.getByTestId('chart-caption').filter({ hasText: caption }).waitFor();
      else await panel.getByTestId('yoy-compare').waitFor();
      await panel.getByTestId(param === 'yoy' ? 'yoy-chart' : 'usage-chart').waitFor();
      await expectAccessible(page, `Consumption, ${tab}`);
      await shot(`04-view-${param ?? 'daily'}`);
    }
  });

  it("a fault on the server's side shows what to quote: the answer's request id; trying again loads it", async () => {
    const openings = /\/api\/v1\/consumption\/openings(\?|$)/;
    await page.route(openings, (route) =>
      route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-fault-1' },
        body: JSON.stringify({
          error: { code: 'database_unavailable', message: 'The database is unavailable for a moment.' },
        }),
      }),
    );
    await page.reload();
    const fault = page.getByRole('alert').filter({ hasText: 'Usage by opening could not be loaded' });
    await fault.getByText('Reference: e2e-fault-1').waitFor();
    await fault.getByText('The database is unavailable for a moment.').waitFor();
    await shot('04-fault-reference');
    // The first try and the console's two retries of a 5xx.
    expect(consoleErrors.take(/status of 503/, /status of 503/, /status of 503/)).toEqual([]);
    await page.unroute(openings);
    await fault.getByRole('button', { name: 'Try again' }).click();
    await fault.waitFor({ state: 'detached' });
    await page.getByRole('table').filter({ hasText: 'Job Title' }).waitFor();
  });

  it("draws the cards' range in every view, stops at today and names the days of a bucket in progress", async () => {
    type Point = { start: string; from: string; to: string; partial: boolean; throughDay: string | null };
    type Month = { periodStart: string; periodEnd: string; creditsUsed: number };
    const summary = await apiGet<{ totalInterviews: number; creditsUsed: number; periodEnd: string }>(
      '/consumption/summary',
    );
    const panel = page.getByRole('tabpanel');
    /** Hovers bucket i of n and reads the tooltip's heading. */
    const tooltipOf = async (i: number, n: number) => {
      const grid = panel.locator('.recharts-cartesian-grid').first();
      // The mouse moves in viewport coordinates: bring the chart into view first.
      await grid.scrollIntoViewIfNeeded();
      const box = await grid.boundingBox();
      if (!box) throw new Error('no chart grid');
      await page.mouse.move(box.x + (box.width * (i + 0.5)) / n, box.y + box.height / 2);
      return panel.locator('.mantine-ChartTooltip-tooltipLabel').first().textContent();
    };
    for (const [tab, granularity] of [
      ['Daily', 'day'],
      ['Weekly', 'week'],
      ['Monthly', 'month'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      // One range per screen: the chart adds up to the cards.
      await poll(() => panel.getByTestId('chart-totals').textContent()).toContain(
        `${formatInterviewsUnit(summary.totalInterviews)} · ${formatCreditsUnit(summary.creditsUsed)}`,
      );
      const { points } = await apiGet<{ points: Point[] }>(
        `/consumption/timeseries?granularity=${granularity}`,
      );
      const i = points.findIndex((p) => p.throughDay);
      if (i >= 0) {
        await panel.getByTestId('usage-chart').waitFor();
        await poll(() => tooltipOf(i, points.length)).toBe(formatPoint(points[i] as Point, granularity));
        expect(await panel.getByTestId('chart-totals').textContent()).toContain(' to ');
        await shot(`04-view-${granularity}-in-progress`);
      }
    }
    await page.getByRole('tab', { name: 'Year over year' }).click();
    const yoy = await apiGet<{
      months: { month: number; throughDay: string | null; thisYear: Month | null; lastYear: Month | null }[];
    }>(`/consumption/year-over-year?year=${summary.periodEnd.slice(0, 4)}`);
    const m = yoy.months.find((x) => x.throughDay);
    if (m) {
      await panel.getByTestId('yoy-chart').waitFor();
      await poll(() => tooltipOf(m.month - 1, 12)).toBe(formatYearOverYearMonth(m));
      await shot('04-view-yoy-in-progress');
    }
    for (const later of yoy.months.filter((x) => m && x.month > m.month)) expect(later.thisYear).toBeNull();
    await page.mouse.move(0, 0);
    await page.getByRole('tab', { name: 'Daily' }).click();
  });

  it('Forecast: the projection with its band, the backtest, runway and period cards, and the planner', async () => {
    type Forecast = {
      model: { name: string };
      backtest: { mape: number | null } | null;
      runway: { date: string | null };
      endOfPeriod: { allotment: number };
    };
    await page.getByRole('tab', { name: 'Forecast' }).click();
    await poll(() => urlParam('view')).toBe('forecast');
    const panel = page.getByRole('tabpanel');
    await panel.getByTestId('forecast-chart').waitFor();
    const api = await apiGet<Forecast>('/consumption/forecast?months=12');
    expect(api.model.name).toBe('holt-winters');
    expect(await panel.getByTestId('forecast-reason').textContent()).toMatch(/complete months of history/);
    expect(await panel.getByTestId('backtest-mape').textContent()).toBe(`${api.backtest?.mape}%`);
    expect(await panel.getByTestId('runway-date').textContent()).toBe(
      api.runway.date ? formatDate(api.runway.date) : 'Not within 12 months',
    );
    expect(await panel.getByTestId('card-end-of-period').textContent()).toContain(
      `of ${formatCredits(api.endOfPeriod.allotment)} allotted`,
    );
    await expectAccessible(page, 'Consumption, Forecast');
    await shot('04-view-forecast');

    // The help article's example; the answer follows the form as it is typed.
    await panel.getByTestId('plan-roles').fill('5');
    await panel.getByTestId('plan-candidates').fill('50');
    await panel.getByTestId('plan-completion').fill('100');
    await panel.getByTestId('plan-months').fill('1');
    await panel.getByTestId('plan-buffer').fill('20');
    await poll(() => panel.getByTestId('plan-interviews').textContent()).toBe('250');
    expect(await panel.getByTestId('plan-credits').textContent()).toBe('250');
    expect(await panel.getByTestId('plan-with-buffer').textContent()).toBe('300');
    await panel.getByTestId('plan-roles').fill('8');
    await poll(() => panel.getByTestId('plan-with-buffer').textContent()).toBe('480');
    await expectAccessible(page, 'Consumption, Forecast with the planner filled in');
    await panel.getByTestId('planner').scrollIntoViewIfNeeded();
    await shot('04-view-forecast-planner');

    // A link keeps the view.
    await page.goto(page.url());
    await page.getByRole('tabpanel').getByTestId('forecast-chart').waitFor();
    await page.getByRole('tab', { name: 'Daily' }).click();
    await poll(() => urlParam('view')).toBe(null);
  });

  it('sorts and searches the usage-by-opening table; totals match the API', async () => {
    type Openings = {
      items: { jobTitle: string; openingId: string; creditsUsed: number }[];
      totals: { creditsUsed: number; invited: number };
      total: number;
    };
    const all = await apiGet<Openings>('/consumption/openings?pageSize=500');
    const totals = page.getByTestId('openings-totals');
    await poll(() => totals.textContent()).toContain(formatCredits(all.totals.creditsUsed));
    expect(await totals.textContent()).toContain(formatNumber(all.totals.invited));

    await page.getByTestId('sort-jobTitle').click();
    await poll(() => urlParam('sort')).toBe('jobTitle');
    expect(urlParam('order')).toBe('asc');
    const byTitle = await apiGet<Openings>('/consumption/openings?sort=jobTitle&order=asc&pageSize=10');
    const titles = () => page.getByTestId('opening-row').locator('td:first-child').allTextContents();
    await poll(titles).toEqual(byTitle.items.map((i) => i.jobTitle));

    await page.getByTestId('sort-jobTitle').click();
    await poll(() => urlParam('order')).toBe(null); // descending is the default, kept out of the URL
    expect(urlParam('sort')).toBe('jobTitle');
    await page.getByTestId('sort-creditsUsed').click();
    await poll(() => urlParam('sort')).toBe(null);
    await shot('05-table-sorted');

    const term = (byTitle.items[0]?.jobTitle ?? '').split(' ')[0] ?? '';
    await page.getByTestId('openings-search').fill(term);
    await poll(() => urlParam('q')).toBe(term);
    const found = await apiGet<Openings>(`/consumption/openings?q=${encodeURIComponent(term)}&pageSize=10`);
    await poll(titles).toEqual(found.items.map((i) => i.jobTitle));
    for (const t of await titles()) expect(t.toLowerCase()).toContain(term.toLowerCase());
    await shot('06-table-search');

    // A link reproduces the screen.
    const link = page.url();
    await page.goto(link);
    await poll(titles).toEqual(found.items.map((i) => i.jobTitle));
    expect(await page.getByTestId('openings-search').inputValue()).toBe(term);
  });

  it("reads the drawer's next page by the cursor its first page gave", async () => {
    // The last 90 days: enough of the busiest opening's interviews for several pages.
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${from}&to=${to}`;
    const [busiest] = (
      await apiGet<{ items: { openingId: string }[] }>(
        `/consumption/openings?${range}&sort=creditsUsed&order=desc&pageSize=1`,
      )
    ).items;
    await page.goto(
      `${base}/consumption?range=custom&${range}&opening=${encodeURIComponent(busiest?.openingId ?? '')}`,
    );
    const rows = page.getByTestId('interviews-table').locator('tbody tr');
    await rows.first().waitFor();
    const first = await apiGet<{ total: number; items: unknown[] }>(
      `/openings/${encodeURIComponent(busiest?.openingId ?? '')}/interviews?${range}&pageSize=25`,
    );
    expect(first.total).toBeGreaterThan(25);
    await poll(() => rows.count()).toBe(first.items.length);
    const pages = page.getByLabel('Interview pages');
    const second = page.waitForRequest(
      (r) => r.url().includes('/interviews?') && r.url().includes('cursor='),
    );
    await pages.getByRole('button', { name: 'Next page', exact: true }).click();
    const cursorUrl = new URL((await second).url());
    const next = await apiGet<{ items: unknown[] }>(
      `/openings/${encodeURIComponent(busiest?.openingId ?? '')}/interviews?${cursorUrl.searchParams}`,
    );
    await poll(() => rows.count()).toBe(next.items.length);
    await pages.getByRole('button', { name: 'Previous page', exact: true }).click();
    await poll(() => rows.count()).toBe(first.items.length);
    await pages.getByRole('button', { name: 'Page 2', exact: true }).click();
    await poll(() => rows.count()).toBe(next.items.length);
    // Back to the default range, where the next test starts.
    await page.goto(`${base}/consumption`);
    await page.getByTestId('opening-row').first().waitFor();
  });

  it("opens an opening's interviews with state, credits and rule", async () => {
    const first = page.getByTestId('opening-row').first();
    const title = (await first.locator('td:first-child').textContent()) ?? '';
    // Keyboard: the job title is a button; Enter opens the drawer.
    await first.getByRole('button', { name: `${title}: show its interviews` }).focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('drawer-title').textContent()).toBe(title);
    expect(urlParam('opening')).toBeTruthy();
    const rows = page.getByTestId('interviews-table').locator('tbody tr');
    await rows.first().waitFor();
    const api = await apiGet<{ total: number; items: { credits: number }[] }>(
      `/openings/${encodeURIComponent(urlParam('opening') ?? '')}/interviews?pageSize=25`,
    );
    expect(await rows.count()).toBe(api.items.length);
    // The drawer is its row itemised: its totals are the row's, and a figure lists its interviews.
    const openings = await apiGet<{ items: (Record<string, number> & { openingId: string })[] }>(
      '/consumption/openings?pageSize=500',
    );
    const row = openings.items.find((o) => o.openingId === urlParam('opening'));
    for (const figure of ['invited', 'completed', 'partiallyCompleted', 'simulations', 'creditsUsed']) {
      const shown = page.getByTestId('drawer-totals').locator(`[data-figure="${figure}"] [data-total]`);
      const value = row?.[figure] ?? Number.NaN;
      await poll(() => shown.textContent()).toBe(
        figure === 'creditsUsed' ? formatCredits(value) : formatNumber(value),
      );
    }
    await page.getByTestId('counted-in-filter').getByText('Interviews Completed').click();
    await poll(() => rows.count()).toBe(Math.min(25, row?.completed ?? 0));
    for (const tags of await rows.getByTestId('counted-in').all()) {
      expect(await tags.locator('[data-figure="completed"]').count()).toBe(1);
    }
    await page.getByTestId('counted-in-filter').getByText('Every interview').click();
    await poll(() => rows.count()).toBe(api.items.length);
    // At 1366 px every "Counted in" chip reads whole (they wrap rather than cut to "Compl…").
    const cut = await rows
      .getByTestId('counted-in')
      .locator('.mantine-Badge-label')
      .evaluateAll((labels) => labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent));
    expect(cut).toEqual([]);
    await expectAccessible(page, 'the opening drawer');
    await shot('07-opening-interviews');
    // An invitation that expired before it started never finished: its Finished cell is empty.
    const openingId = urlParam('opening') ?? '';
    const me = await apiGet<{ tenant: { id: string } }>('/me');
    const { key } = await createApiKey(db.db, me.tenant.id, { name: 'e2e drawer', scopes: ['events:write'] });
    const invited = new Date(Date.now() - 2 * 60_000).toISOString();
    const posted = await page.request.post(`${base}/api/v1/events`, {
      headers: { authorization: `Bearer ${key}` },
      data: {
        events: interviewEvents({
          openingId,
          jobTitle: title,
          outcome: 'expired',
          at: invited,
          expiresAfterHours: 1 / 60,
        }),
      },
    });
    expect((await posted.json()).rejected).toEqual([]);
    const expired = await apiGet<{ total: number; items: { finishedAt: string | null }[] }>(
      `/openings/${encodeURIComponent(openingId)}/interviews?pageSize=25&status=expired`,
    );
    expect(expired.total).toBeGreaterThan(0);
    expect(expired.items.every((i) => i.finishedAt === null)).toBe(true);
    await page.getByTestId('interview-state-filter').click();
    await page.getByRole('option', { name: 'Expired' }).click();
    await poll(() => rows.count()).toBe(expired.items.length);
    expect(await rows.locator('td:nth-child(4)').allTextContents()).toEqual(expired.items.map(() => '—'));
    await page.keyboard.press('Escape');
    await poll(() => urlParam('opening')).toBe(null);
    // A mouse click anywhere on the row opens it too.
    await first.locator('td').nth(1).click();
    await poll(() => urlParam('opening')).toBeTruthy();
    await page.getByRole('button', { name: 'Close the interviews' }).click();
    await poll(() => urlParam('opening')).toBe(null);
  });

  it('the period picker and a custom range in the URL give the API’s numbers', async () => {
    await page.getByTestId('openings-search').fill('');
    await page.getByTestId('period-picker').click();
    await page.getByRole('option', { name: 'Previous billing period' }).click();
    await poll(() => urlParam('range')).toBe('previous');
    const current = await apiGet<{ previous: { periodStart: string; periodEnd: string } }>(
      '/consumption/summary',
    );
    const { periodStart, periodEnd } = current.previous;
    const prev = await apiGet<{ creditsUsed: number; totalInterviews: number }>(
      `/consumption/summary?from=${periodStart}&to=${periodEnd}`,
    );
    await expect
      .poll(() => page.getByTestId('value-credits-used').textContent())
      .toBe(formatCredits(prev.creditsUsed));
    expect(await page.getByTestId('value-total-interviews').textContent()).toBe(
      formatNumber(prev.totalInterviews),
    );

    const from = `${new Date().getFullYear() - 1}-01-01`;
    const to = `${new Date().getFullYear() - 1}-06-30`;
    await page.goto(`${base}/consumption?range=custom&from=${from}&to=${to}&view=monthly`);
    const custom = await apiGet<{ creditsUsed: number; totalInterviews: number }>(
      `/consumption/summary?from=${from}&to=${to}`,
    );
    await expect
      .poll(() => page.getByTestId('value-credits-used').textContent())
      .toBe(formatCredits(custom.creditsUsed));
    expect(await page.getByTestId('value-total-interviews').textContent()).toBe(
      formatNumber(custom.totalInterviews),
    );
    await page.getByRole('tabpanel').getByTestId('usage-chart').waitFor();
    await page.getByLabel('Custom range').first().waitFor();
    await shot('08-custom-range');
  });

  it('reads well on a phone', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/consumption`);
    await phone.getByTestId('value-credits-used').waitFor();
    await phone.getByTestId('opening-row').first().waitFor();
    await phone.getByTestId('trend-chart').waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('09-consumption-phone', phone);
    await phone.close();
  });

  it('Consumption, the opening drawer and Plan & credits at 1440×900 and 390×844: saved and accessible', async () => {
    const { items } = await apiGet<{ items: { openingId: string }[] }>(
      '/consumption/openings?sort=creditsUsed&pageSize=1',
    );
    const opening = encodeURIComponent(items[0]?.openingId ?? '');
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      const p = await context.newPage();
      try {
        await p.setViewportSize({ width, height });
        await p.goto(`${base}/consumption`);
        await p.getByTestId('value-credits-used').waitFor();
        await p.getByTestId('opening-row').first().waitFor();
        await p.getByTestId('trend-chart').waitFor();
        await expectAccessible(p, `Consumption at ${width} px`);
        await shot(`20-consumption-${width}`, p);

        await p.goto(`${base}/consumption?opening=${opening}`);
        await p.getByTestId('interviews-table').locator('tbody tr').first().waitFor();
        await expectAccessible(p, `the opening drawer at ${width} px`);
        // The drawer is fixed to the window: the whole page would show it cut off.
        await p.screenshot({ path: join(SHOTS, `21-drawer-${width}.png`) });

        await p.goto(`${base}/credits`);
        await p.getByTestId('ledger-table').waitFor();
        await p.getByTestId('credits-balance').waitFor();
        await expectAccessible(p, `Plan & credits at ${width} px`);
        await shot(`22-plan-and-credits-${width}`, p);
      } finally {
        await p.close();
      }
    }
  });

  it('Plan & credits: buys credits after a confirmation and shows the new balance', async () => {
    await page.goto(`${base}/`);
    await navLink('Plan & credits').click();
    await page.getByRole('heading', { name: 'Plan & credits', level: 1 }).waitFor();
    const before = await apiGet<{ balance: number }>('/credits/balance');
    await expect
      .poll(() => page.getByTestId('credits-balance').textContent())
      .toBe(formatCredits(before.balance));
    await page.getByTestId('ledger-table').waitFor();
    await expectAccessible(page, 'Plan & credits');
    await shot('10-plan-and-credits');

    await page.getByTestId('buy-amount').fill('25');
    await page.getByRole('button', { name: 'Buy credits' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the purchase' });
    await dialog.waitFor();
    await expectAccessible(page, 'Plan & credits, confirming a purchase');
    await shot('11-purchase-confirm');
    await dialog.getByTestId('confirm-purchase').click();
    const expected = formatCredits(before.balance + 25);
    await poll(() => page.getByTestId('receipt-balance').textContent()).toBe(expected);
    await poll(() => page.getByTestId('credits-balance').textContent()).toBe(expected);
    const after = await apiGet<{ balance: number }>('/credits/balance');
    expect(after.balance).toBe(before.balance + 25);
    await shot('12-purchase-done');
  });

  it('Credit alerts: a threshold set in Plan & credits raises the banner, and the webhook gets a signed test', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      // The interview engine uses credits until less than 90 % of the allotment is left.
      const before = await apiGet<{ balance: number; allotment: number }>('/alerts');
      const me = await apiGet<{ tenant: { id: string } }>('/me');
      const { key } = await createApiKey(db.db, me.tenant.id, {
        name: 'e2e engine',
        scopes: ['events:write'],
      });
      const events = [];
      const completions = Math.max(0, Math.ceil(before.balance - 0.9 * before.allotment));
      for (let i = 0; i < completions; i++) events.push(...interviewEvents({ at: new Date().toISOString() }));
      for (let i = 0; i < events.length; i += 1000) {
        const posted = await page.request.post(`${base}/api/v1/events`, {
          headers: { authorization: `Bearer ${key}` },
          data: { events: events.slice(i, i + 1000) },
        });
        expect((await posted.json()).rejected).toEqual([]);
      }
      await page.reload();
      expect(await page.getByTestId('credit-alert').count()).toBe(0);
      const card = page.getByRole('region', { name: 'Credit alerts' });
      const thresholds = card.getByTestId('alert-thresholds');
      await thresholds.click();
      for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('99');
      await page.keyboard.press('Enter');
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks`;
      await card.getByTestId('webhook-url').fill(url);
      await card.getByRole('button', { name: 'Save alerts' }).click();
      const secret = (await card.getByTestId('webhook-secret-value').textContent()) ?? '';
      expect(secret).toMatch(/^whsec_/);
      await poll(() => page.getByTestId('credit-alert').textContent()).toContain('alert threshold 99%');
      expect(await apiGet<{ thresholds: number[] }>('/alerts/settings')).toMatchObject({
        thresholds: [99],
        webhookUrl: url,
      });

      await card.getByRole('button', { name: 'Send a test event' }).click();
      await card.getByText('Test event queued').waitFor();
      expect(await deliverDueWebhooks(db.db, () => new Date(), { allowPrivate: true })).toMatchObject({
        delivered: 1,
      });
      expect(received).toHaveLength(1);
      const [test] = received as [{ headers: IncomingHttpHeaders; body: string }];
      expect(verifyWebhook(secret, test.headers, test.body)).toBe(true);
      await poll(() => card.getByTestId('webhook-deliveries').textContent()).toContain('Delivered');
      await shot('12b-credit-alerts');

      // Other pages show the banner too.
      await navLink('Consumption').click();
      await page.getByTestId('credit-alert').waitFor();
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });

  it('Users: creates an API key with the scopes chosen, shows its scopes and last use, revokes it', async () => {
    await navLink('Users').click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: 'Create an API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByTestId('api-key-name').fill('Finance reports');
    await dialog.getByRole('checkbox', { name: 'events:write' }).uncheck();
    await dialog.getByRole('checkbox', { name: 'usage:read' }).check();
    await expectAccessible(page, 'Users, creating an API key');
    await shot('13a-api-key-create');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const key = (await dialog.getByTestId('api-key-value').textContent()) ?? '';
    expect(key).toMatch(/^ml_/);
    await dialog.getByRole('button', { name: 'Done' }).click();

    const bearer = { authorization: `Bearer ${key}` };
    expect((await page.request.get(`${base}/api/v1/credits/balance`, { headers: bearer })).status()).toBe(
      200,
    );
    const ingest = await page.request.post(`${base}/api/v1/events`, {
      headers: bearer,
      data: { events: interviewEvents() },
    });
    expect(ingest.status()).toBe(403);
    expect((await ingest.json()).error.code).toBe('insufficient_scope');

    await page.reload();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'Finance reports' });
    await row.getByText('usage:read').waitFor();
    expect(await row.getByText('events:write').count()).toBe(0);
    await poll(() => row.getByTestId('api-key-last-used').textContent()).not.toBe('Never');
    await shot('13b-api-keys');

    await row.getByRole('button', { name: 'Revoke Finance reports' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API key' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.getByText(/^Revoked/).waitFor();
    expect((await page.request.get(`${base}/api/v1/credits/balance`, { headers: bearer })).status()).toBe(
      401,
    );
  });

  it('Users: invites a recruiter, changes a role, deactivates a user', async () => {
    await navLink('Users').click();
    await page.getByTestId('users-table').waitFor();
    await page.getByRole('button', { name: 'Invite a user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a user' });
    await dialog.getByLabel('Email').fill(RECRUITER);
    await dialog.getByLabel('Name').fill('Erin Recruiter');
    await dialog.getByLabel('Initial password').fill(RECRUITER_PASSWORD);
    await dialog.getByRole('button', { name: 'Invite' }).click();
    await page.getByTestId('users-table').getByText(RECRUITER).waitFor();
    await dialog.waitFor({ state: 'hidden' });

    // Change a role, then deactivate someone (after a confirmation).
    await page.getByLabel('Role of Morgan Lee').first().click();
    await page.getByRole('option', { name: 'Recruiter' }).click();
    type Users = { users: { email: string; role: string; active: boolean }[] };
    const roleOf = async (email: string) =>
      (await apiGet<Users>('/users')).users.find((u) => u.email === email);
    await poll(async () => (await roleOf('viewer@acme.test'))?.role).toBe('recruiter');
    await page.getByRole('button', { name: 'Deactivate Ravi Patel' }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate user' });
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await poll(async () => (await roleOf('recruiter@acme.test'))?.active).toBe(false);
    await page.getByTestId('users-table').getByText('Deactivated').waitFor();
    await expectAccessible(page, 'Users');
    await shot('13-users');
    await signOut();
  });

  it('Audit log: who did what, in sentences, filtered by action, a page at a time', async () => {
    await context.clearCookies();
    await signIn(ADMIN, DEMO_PASSWORD);
    await navLink('Audit log').click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const table = page.getByTestId('audit-table');
    // The Users test above, as the log tells it.
    await table.getByText(`Added ${RECRUITER} as Recruiter.`).waitFor();
    await table.getByText('Changed viewer@acme.test from Viewer to Recruiter.').waitFor();
    await table.getByText('Deactivated recruiter@acme.test and ended their sessions.').waitFor();
    expect(await table.getByText(/^Bought [\d.,]+ credits? for/).count()).toBeGreaterThan(0);
    expect(await table.getByText('{').count(), 'no raw JSON').toBe(0);
    await expectAccessible(page, 'Audit log');
    await shot('16-audit-log');

    await page.getByLabel('Action', { exact: true }).first().click();
    await page.getByRole('option', { name: 'User added' }).click();
    await poll(() => urlParam('action')).toBe('user.added');
    await poll(async () => {
      const badges = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      return badges.length > 0 && badges.every((b) => b === 'User added');
    }).toBe(true);
    await shot('17-audit-log-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => urlParam('action')).toBeNull();

    // More than a page: 60 status changes of one opening, made through the API as the console would.
    const [acme] = await db.db.query<{ id: string }>(`select id from system_tenants() where slug = 'acme'`);
    const [opening] = await db.db.withTenant(acme?.id ?? '', (tx) =>
      tx.query<{ id: string }>('select id from openings order by id limit 1'),
    );
    const { csrfToken } = await apiGet<{ csrfToken: string }>('/me');
    for (let i = 0; i < 60; i++) {
      const res = await page.request.put(`${base}/api/v1/openings/${opening?.id}/status`, {
        headers: { 'x-csrf-token': csrfToken },
        data: { status: i % 2 === 0 ? 'closed' : 'open' },
      });
      expect(res.status()).toBe(200);
    }
    await page.reload();
    await table.getByText(`Reopened the opening ${opening?.id}.`).first().waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await poll(() => rows.count()).toBeGreaterThan(50);
    await table.getByText(`Added ${RECRUITER} as Recruiter.`).waitFor();
    await signOut();
  });

  it('a recruiter sees no console items and gets "no access" at /consumption', async () => {
    await context.clearCookies(); // whatever the test before left behind
    await signIn(RECRUITER, RECRUITER_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getByText('Tenant Management').count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Consumption' }).count()).toBe(0);
    await page.getByText('has no console items').waitFor();
    await shot('14-recruiter-home');
    await page.goto(`${base}/consumption`);
    await page.getByRole('heading', { name: 'No access' }).waitFor();
    expect(await page.getByTestId('value-credits-used').count()).toBe(0);
    await expectAccessible(page, 'No access');
    await shot('15-recruiter-no-access');
  });

  it('breaks no rule of the Content-Security-Policy on any page it visited, the API documentation included', async () => {
    await page.goto(`${base}/api/docs`);
    await page.getByText('/api/v1/events').first().waitFor();
    expect(cspViolations).toEqual([]);
  });
});
