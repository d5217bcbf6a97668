import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseCell } from './neutralise.js';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];

describe('neutraliseCell', () => {
  it('never returns text that a spreadsheet would run as a formula', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(TRIGGERS).not.toContain(neutraliseCell(s).charAt(0));
      }),
    );
  });

  it('prefixes an apostrophe to text that begins with a trigger, keeping the text itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TRIGGERS), fc.string(), (trigger, rest) => {
        expect(neutraliseCell(trigger + rest)).toBe(`'${trigger}${rest}`);
      }),
    );
  });

  it('leaves every other text as it is, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (!TRIGGERS.includes(s.charAt(0))) expect(neutraliseCell(s)).toBe(s);
        expect(neutraliseCell(neutraliseCell(s))).toBe(neutraliseCell(s));
      }),
    );
  });

  it('neutralises the classic payloads', () => {
    expect(neutraliseCell('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
    expect(neutraliseCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutraliseCell('Backend Engineer')).toBe('Backend Engineer');
    expect(neutraliseCell('')).toBe('');
  });
});
