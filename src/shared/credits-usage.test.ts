import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Credits are converted in one place, src/shared/credits.ts. A thousand written out on a line
 * that names credits or thousandths ("milli") is a conversion done by hand somewhere else.
 */
const THOUSAND = /(?<![\w.])(?:1_?000|1e3)(?![\w.])/;
const CREDIT_NAME = /credit|milli/i;
const SRC = join(import.meta.dirname, '..');
const CONVERTER = join(SRC, 'shared', 'credits.ts');

/** The 1-based numbers of the lines of `source` that hold a bare thousand beside a credit name. */
function bareCreditThousands(source: string): number[] {
  const lines: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (THOUSAND.test(line) && CREDIT_NAME.test(line)) lines.push(i + 1);
  });
  return lines;
}

/** The application's sources: tests state expected thousandths as plain numbers, and are left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('credit conversions', () => {
  it('are made only by src/shared/credits.ts', () => {
    const found = sources(SRC)
      .filter((file) => file !== CONVERTER)
      .flatMap((file) =>
        bareCreditThousands(readFileSync(file, 'utf8')).map((line) => `src/${relative(SRC, file)}:${line}`),
      );
    expect(
      found,
      'Convert credits with milliToCredits, creditsToMilli or nearestMilli (src/shared/credits.ts), not by 1000:',
    ).toEqual([]);
  });

  it('finds a bare thousand beside credit names, and only there', () => {
    const planted = [
      'const seconds = elapsedMs / 1000;',
      'const credits = row.charged_milli / 1000;',
      'creditsMilli: purchase.credits * 1_000,',
      'const milli = Math.round(1e3 * credits);',
      'const limit = 1_000_000; // credits',
      'const batch = 1000;',
    ].join('\n');
    expect(bareCreditThousands(planted)).toEqual([2, 3, 4]);
  });
});
