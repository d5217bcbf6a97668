import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnsafeText, unsafeTextPath, withUnsafeReplaced } from './text.js';

/** XML 1.0's Char production, code point by code point: what the rule is written from. */
const isXmlText = (s: string) =>
  [...s].every((ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return (
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff)
    );
  });

describe('isUnsafeText', () => {
  it('refuses NUL, other control characters, lone surrogates, U+FFFE and U+FFFF, anywhere in the string', () => {
    for (const s of [
      '\u0000',
      'a\u0000b',
      '\ud800',
      'a\ud800',
      '\udc00a',
      'a\udc00\ud800b',
      '\ud83d',
      'a\u0001',
      '\u0008',
      '\u000b',
      '\u000c',
      'x\u001b[31m',
      '\u001f',
      'Nurse \ufffe',
      '\uffff',
    ]) {
      expect({ s, unsafe: isUnsafeText(s) }).toEqual({ s, unsafe: true });
    }
  });

  it('accepts tab, newline and carriage return, whole surrogate pairs, U+FFFD and the empty string', () => {
    for (const s of [
      '',
      'plain',
      'émoji 😀 and 𝄞',
      '\t\r\n',
      '\ud83d\ude00\ud83d\ude00',
      '\ufffd',
      '\u007f\u0085',
    ]) {
      expect({ s, unsafe: isUnsafeText(s) }).toEqual({ s, unsafe: false });
    }
  });

  it('refuses exactly the text XML 1.0 cannot hold, for any UTF-16 string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(isUnsafeText(s)).toBe(!isXmlText(s));
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '\u0001', '\ufffe', '\uffff', '\ud800', '\udc00') }),
        (s) => {
          expect(isUnsafeText(s)).toBe(!isXmlText(s));
        },
      ),
    );
  });
});

describe('withUnsafeReplaced', () => {
  it('replaces each unsafe character with U+FFFD, keeping pairs and everything else', () => {
    expect(withUnsafeReplaced('a\ufffeb\uffff\u0001\t😀\ud800')).toBe('a\ufffdb\ufffd\ufffd\t😀\ufffd');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = withUnsafeReplaced(s);
        expect(isUnsafeText(out)).toBe(false);
        if (!isUnsafeText(s)) expect(out).toBe(s);
      }),
    );
  });
});

describe('unsafeTextPath', () => {
  it('names the first unsafe value or key by its path', () => {
    expect(unsafeTextPath({ a: 'ok', b: [1, 'x', { c: 'bad\u0000' }] })).toBe('b.2.c');
    expect(unsafeTextPath({ a: 'ok', b: 'x\uffff' })).toBe('b');
    expect(unsafeTextPath({ 'k\ud800': 1 })).toBe('k\ud800');
    expect(unsafeTextPath('\ud800')).toBe('value');
    expect(unsafeTextPath({ a: 1, b: null, c: ['fine'] })).toBeUndefined();
  });

  it('refuses nesting deeper than any request needs, without exhausting the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unsafeTextPath({ deep })).toMatch(/^deep(\.0)+$/);
  });
});
