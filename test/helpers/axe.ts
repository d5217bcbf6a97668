import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** axe-core's browser build, evaluated in the page (a CDP evaluation: the app's CSP does not apply). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts a browser test fails on. */
const FAILING: readonly axe.ImpactValue[] = ['serious', 'critical'];

/** Nodes named per rule in a report; the rest are counted. */
const NODES_SHOWN = 8;

interface Finding {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
}

/**
 * Lets the page come to rest before it is judged: its loading placeholders gone (a page is judged
 * with its content), and animations done (a fading drawer or tooltip measures as translucent
 * text). Endless animations are not waited for.
 */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('.mantine-Skeleton-root[data-visible], [aria-busy="true"]'),
    undefined,
    { timeout: 15_000 },
  );
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY)
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]),
  );
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Finding[]> {
  await settle(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (failing) => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return results.violations
      .filter((v) => v.impact && failing.includes(v.impact))
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
        })),
      }));
  }, FAILING);
}

/** One violation as a reader wants it: the rule, why, and where (the first few nodes). */
function describeFinding(f: Finding): string {
  const lines = [`${f.id} (${f.impact}, ${f.nodes.length} nodes): ${f.help} — ${f.helpUrl}`];
  for (const n of f.nodes.slice(0, NODES_SHOWN)) lines.push(`    at ${n.target}: ${n.summary}`);
  if (f.nodes.length > NODES_SHOWN) lines.push(`    … and ${f.nodes.length - NODES_SHOWN} more`);
  return lines.join('\n');
}

/** Fails, naming each rule and where it is broken, when axe-core finds a serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const findings = await seriousViolations(page);
  const report = findings.map(describeFinding);
  if (report.length > 0) console.error(`axe-core on ${screen}:\n${report.join('\n')}`);
  expect(report, `serious or critical axe-core violations on ${screen}`).toEqual([]);
}
