import { Raw } from './raw-json.js';

/** A megabyte of text: one string, shared, so a generated batch never holds a thousand of them. */
export const MEGABYTE = 'é'.repeat(512 * 1024);

/** Dates a `YYYY-MM-DD` field may be sent that no calendar has, or that sit at the ends of one. */
export const HOSTILE_DATES = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2026-01-00',
  '2025-02-29',
  '0000-01-01',
  '0001-01-01',
  '0001-01-02',
  '9999-12-31',
  '9999-12-30',
  '+275760-09-13',
  '-271821-04-20',
  '10000-01-01',
  '2026-1-5',
  '20260115',
  '2026-01-15T00:00:00Z',
];

/** Instants at and past the ends of every calendar, and offsets as far as ISO 8601 writes them. */
export const HOSTILE_DATE_TIMES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+00:01',
  '9999-12-31T23:59:59-23:59',
  '9999-12-31T23:59:59.999Z',
  '2026-01-15T12:00:00+23:59',
  '2026-01-15T12:00:00-23:59',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-15T24:00:00Z',
  '2026-01-15T12:00:60Z',
  '2026-01-15T12:00:00',
  '2026-01-15 12:00:00Z',
  '1999-12-31T23:59:59.999Z',
  '2026-01-15T12:00:00.123456789123456789Z',
];

/** Text any field may be sent, in a URL or a body. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'a\udc00b',
  '\udbff\udbff',
  MEGABYTE,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-0',
  '-1',
  '0',
  '1.5',
  '0x10',
  '2147483648',
  '9007199254740993',
  '-9223372036854775809',
  '99999999999999999999999',
  ...HOSTILE_DATES,
  ...HOSTILE_DATE_TIMES,
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '123e4567-e89b-02d3-a456-426614174000',
  '../../etc/passwd',
  '%',
  '%00',
  '%ZZ',
  '?a=b&c=d',
  '#frag',
  '/',
  "'; drop table users; --",
  'ends with a backslash\\',
  '%_%',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '\u202etxt.exe',
  '🙂',
  'e\u0301',
  '\ufeff',
  '\u200b',
  // Characters XML 1.0 cannot hold (the .xlsx export is XML): a control character, noncharacters.
  'a\u0001b',
  '\u001b[31m',
  '\ufffe',
  'a\uffff',
  '\ufffd',
  ' padded ',
  'ß'.repeat(301),
  'x'.repeat(2001),
];

/** Nested 10,000 deep: arrays, and objects. */
export const DEEP_ARRAYS = new Raw(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
export const DEEP_OBJECTS = new Raw(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);

/** JSON values of every type, with the numbers JavaScript cannot hold and the nesting no one needs. */
export const HOSTILE_VALUES: unknown[] = [
  new Raw('1e309'),
  new Raw('-1e309'),
  new Raw('-0'),
  new Raw('-0.0'),
  new Raw('1e-400'),
  new Raw('123456789012345678901234567890'),
  -1,
  0,
  1.5,
  0.0001,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 63),
  1e21,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  true,
  false,
  null,
  [],
  {},
  [null],
  [''],
  DEEP_ARRAYS,
  DEEP_OBJECTS,
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  ...HOSTILE_STRINGS,
];

/** Values too big to put a thousand of in one batch: megabyte strings and deep nesting. */
export const isHeavy = (v: unknown) =>
  (typeof v === 'string' && v.length >= 10_000) || (v instanceof Raw && v.text.length >= 10_000);

/** Whole bodies no JSON value serialises to. */
export const HOSTILE_BODIES = [
  '',
  ' ',
  'null',
  '[]',
  '"text"',
  '1e309',
  'NaN',
  '{',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '\u0000',
  '\ufeff{}',
  DEEP_ARRAYS.text,
  DEEP_OBJECTS.text,
  `{"x":"${'y'.repeat(2.5 * 1024 * 1024)}"}`,
];

/**
 * Bodies that are not UTF-8, which JSON text must be: an encoded lone surrogate, bytes UTF-8 never
 * uses, Latin-1, UTF-16 with its byte-order mark, a character cut short at the end.
 */
export const HOSTILE_BYTE_BODIES = [
  Buffer.from([...Buffer.from('{"id":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]),
  Buffer.from([...Buffer.from('{"name":"'), 0xff, 0xfe, 0xfd, ...Buffer.from('"}')]),
  Buffer.from('{"name":"Müller"}', 'latin1'),
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]),
  Buffer.from([...Buffer.from('{"a":"'), 0xe2, 0x82]),
];
