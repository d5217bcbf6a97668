import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnsafeText, unsafeTextPath } from './text.js';

describe('isUnsafeText', () => {
  it('refuses NUL and lone surrogates, anywhere in the string', () => {
    for (const s of ['\u0000', 'a\u0000b', '\ud800', 'a\ud800', '\udc00a', 'a\udc00\ud800b', '\ud83d']) {
      expect(isUnsafeText(s)).toBe(true);
    }
  });

  it('accepts text with whole surrogate pairs, controls other than NUL and the empty string', () => {
    for (const s of ['', 'plain', 'émoji 😀 and 𝄞', '\t\r\n\u0001', '\ud83d\ude00\ud83d\ude00']) {
      expect(isUnsafeText(s)).toBe(false);
    }
  });

  it('agrees with UTF-8 round-tripping for any UTF-16 string without NUL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const roundTrips = Buffer.from(s, 'utf8').toString('utf8') === s;
        expect(isUnsafeText(s)).toBe(s.includes('\u0000') || !roundTrips);
      }),
    );
  });
});

describe('unsafeTextPath', () => {
  it('names the first unsafe value or key by its path', () => {
    expect(unsafeTextPath({ a: 'ok', b: [1, 'x', { c: 'bad\u0000' }] })).toBe('b.2.c');
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
