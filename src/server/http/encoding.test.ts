import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charsetOf, firstInvalidUtf8Byte, misencodedQueryParameter } from './encoding.js';

describe('charsetOf', () => {
  it('reads the charset parameter, case-insensitive, quoted or not', () => {
    expect(charsetOf('application/json')).toBeUndefined();
    expect(charsetOf(undefined)).toBeUndefined();
    expect(charsetOf('application/json; charset=utf-8')).toBe('utf-8');
    expect(charsetOf('application/json;CHARSET="ISO-8859-1"')).toBe('ISO-8859-1');
    expect(charsetOf('application/json; foo=bar; Charset = latin1 ; x=y')).toBe('latin1');
    expect(charsetOf('application/json; charset="a\\"b"')).toBe('a"b');
    expect(charsetOf('application/json; charset=')).toBe('');
  });
});

describe('firstInvalidUtf8Byte', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it('gives the offset of the first byte that is not part of a UTF-8 character', () => {
    expect(firstInvalidUtf8Byte(bytes('{"id":"', [0xed, 0xa0, 0x80], '"}'))).toBe(7);
    expect(firstInvalidUtf8Byte(bytes('é😀\ufffd', [0xff]))).toBe(2 + 4 + 3);
    expect(firstInvalidUtf8Byte(bytes('M', [0xfc], 'ller'))).toBe(1);
    expect(firstInvalidUtf8Byte(bytes('ab', [0xef, 0xbf]))).toBe(2);
    expect(firstInvalidUtf8Byte(bytes([0xef, 0xbb, 0xbf], '{}'))).toBeUndefined();
    expect(firstInvalidUtf8Byte(bytes('\ufffd\ufffd\ufffd'))).toBeUndefined();
  });

  it('finds nothing in any valid UTF-8, and an offset in front of any bad byte put after it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.constantFrom(0x80, 0xbf, 0xc0, 0xf5, 0xff),
        (s, bad) => {
          const good = Buffer.from(s, 'utf8');
          expect(firstInvalidUtf8Byte(good)).toBeUndefined();
          expect(firstInvalidUtf8Byte(Buffer.concat([good, Buffer.from([bad]), good]))).toBe(good.length);
        },
      ),
    );
  });
});

describe('misencodedQueryParameter', () => {
  it('names the first parameter that is not valid percent-encoded UTF-8', () => {
    expect(misencodedQueryParameter('/a?department=%ED%A0%80')).toBe('"department"');
    expect(misencodedQueryParameter('/a?q=ok&tag.team=%FF&x=%ZZ')).toBe('"tag.team"');
    expect(misencodedQueryParameter('/a?q=100%')).toBe('"q"');
    expect(misencodedQueryParameter('/a?%FF=1')).toBe('"%FF"');
    expect(misencodedQueryParameter('/a?caf%C3%A9=%FF')).toBe('"café"');
  });

  it('passes every valid query, and URLs without one', () => {
    expect(misencodedQueryParameter('/a')).toBeUndefined();
    expect(misencodedQueryParameter('/a?')).toBeUndefined();
    expect(misencodedQueryParameter('/a?q=M%C3%BCller+x&r=%EF%BF%BD&s=%00&flag')).toBeUndefined();
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string({ unit: 'grapheme' })), (params) => {
        expect(misencodedQueryParameter(`/a?${new URLSearchParams(params)}`)).toBeUndefined();
      }),
    );
  });
});
