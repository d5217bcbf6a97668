import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../api/types';
import { setDisplayTimeZone } from './format';
import { entryDetail } from './ledger';

const entry = (e: Partial<LedgerEntry>) =>
  ({ interviewId: null, rule: null, ruleVersion: null, reason: null, reference: null, ...e }) as LedgerEntry;

describe('entryDetail', () => {
  it("names the period close's codes and its period in words", () => {
    expect(entryDetail(entry({ reason: 'period_grant', reference: 'period 2026-12-01' }))).toBe(
      "the period's grant · the period from 1 Dec 2026",
    );
    expect(entryDetail(entry({ reason: 'period_end' }))).toBe('the period ended');
  });

  it("writes an instant in a reason in the tenant's time", () => {
    setDisplayTimeZone('America/New_York');
    const detail = entryDetail(
      entry({ interviewId: 'iv-1', reason: "Moved with the interview's finish to 2026-02-01T15:00:00.000Z" }),
    );
    expect(detail).toMatch(/^Interview iv-1 · Moved with the interview's finish to 1 Feb 2026.*10:00/);
    expect(detail).not.toContain('T15:00');
  });

  it('keeps free text as written, and says so when there is nothing', () => {
    expect(entryDetail(entry({ reason: 'Scoring engine failed' }))).toBe('Scoring engine failed');
    expect(entryDetail(entry({}))).toBe('—');
  });
});
