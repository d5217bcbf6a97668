import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endOfMonth } from './local-dates.js';

describe('local dates', () => {
  it("gives a month's last day, leap years included", () => {
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
    expect(endOfMonth('2025-02-01')).toBe('2025-02-28');
    expect(endOfMonth('2026-12-31')).toBe('2026-12-31');
    expect(endOfMonth('2026-04-30')).toBe('2026-04-30');
  });

  it('import nothing, so the console shares them without time-zone rules', () => {
    const source = readFileSync(join(import.meta.dirname, 'local-dates.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
  });
});
