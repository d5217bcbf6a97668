import fc from 'fast-check';
import { HOSTILE_DATE_TIMES, HOSTILE_DATES, HOSTILE_STRINGS, HOSTILE_VALUES, isHeavy } from './hostile.js';
import type { JsonSchema } from './openapi.js';
import { Raw } from './raw-json.js';

/**
 * Values the tenant under test holds, by the name of the field or parameter that takes them
 * (`openingId`, `interviewId`, `userId`, `keyId`, `email`, `password`…), so that generated
 * requests reach real rows and not only not_found. A field of another name may get any of them.
 */
export type Known = Record<string, string[]>;

export interface ValueOptions {
  known: Known;
  /** The server's clock: valid-shaped dates and times gather around it. */
  now: Date;
  /** Whether megabyte strings and maximal arrays may appear (not inside a maximal array). */
  heavy: boolean;
}

/** How often a value is hostile rather than valid-shaped: one in (VALID_WEIGHT + 1). */
const VALID_WEIGHT = 6;
/** Valid-shaped arrays are kept short; the maximal length comes up as a boundary case. */
const SHORT_ARRAY = 4;

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The ends of the calendars a date passes through (PostgreSQL's and JavaScript's, years 1…9999). */
const CALENDAR_EDGES = ['0001-01-01', '9999-12-31', '1970-01-01', '2000-01-01', '2000-02-29'];

/**
 * Real calendar dates: mostly around the clock, sometimes anywhere in years 1…9999 or within two
 * months of a calendar's edge (which may step past it, to year 0 or 10000).
 */
function dateArbitrary(now: Date): fc.Arbitrary<string> {
  const near = fc
    .integer({ min: -3 * 366, max: 2 * 366 })
    .map((days) => isoDate(now.getTime() + days * DAY_MS));
  const anywhere = fc
    .record({
      y: fc.integer({ min: 1, max: 9999 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`);
  const edge = fc
    .tuple(fc.constantFrom(...CALENDAR_EDGES), fc.integer({ min: -60, max: 60 }))
    .map(([date, days]) => isoDate(Date.parse(date) + days * DAY_MS));
  return fc.oneof(
    { arbitrary: near, weight: 4 },
    { arbitrary: anywhere, weight: 1 },
    { arbitrary: edge, weight: 2 },
  );
}

/**
 * `count` dates in order, from one anchor (any date dateArbitrary makes) up to a few years on:
 * the from and to of a range, as a client asks for one.
 */
export function orderedDatesArbitrary(count: number, now: Date): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      dateArbitrary(now),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 62 }), fc.integer({ min: 0, max: 2000 })), {
        minLength: count,
        maxLength: count,
      }),
    )
    .map(([anchor, days]) => {
      const start = Date.parse(anchor);
      return [...days]
        .sort((x, y) => x - y)
        .map((d) => (Number.isNaN(start) ? anchor : isoDate(start + d * DAY_MS)));
    });
}

/** ISO 8601 instants with offsets, mostly within 2000 … now + 24 h, sometimes anywhere in 1…9999. */
function dateTimeArbitrary(now: Date): fc.Arbitrary<string> {
  const offset = fc.oneof(
    fc.constant('Z'),
    fc
      .record({
        sign: fc.constantFrom('+', '-'),
        h: fc.integer({ min: 0, max: 14 }),
        m: fc.constantFrom(0, 30, 45),
      })
      .map(({ sign, h, m }) => `${sign}${pad(h)}:${pad(m)}`),
  );
  const instant = (min: number, max: number) =>
    fc
      .record({ at: fc.integer({ min, max }), offset, millis: fc.boolean() })
      .map(({ at, offset, millis }) => {
        const shift =
          offset === 'Z'
            ? 0
            : (offset[0] === '-' ? -1 : 1) *
              (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4))) *
              60_000;
        const local = new Date(at + shift).toISOString();
        return `${millis ? local.slice(0, 23) : local.slice(0, 19)}${offset}`;
      });
  const near = instant(Date.UTC(2000, 0, 1), now.getTime() + DAY_MS);
  // 0001-01-02 … 9999-12-30, so that no offset takes the local time out of four-digit years.
  const anywhere = instant(-62_135_510_400_000, Date.UTC(9999, 11, 30));
  return fc.oneof({ arbitrary: near, weight: 4 }, { arbitrary: anywhere, weight: 1 });
}

const urls = fc.constantFrom(
  'https://example.com/hooks/meterline',
  'http://example.org/',
  'https://hooks.example.net:8443/a?b=c',
  'http://127.0.0.1:8080/x',
  'http://localhost./',
  'http://[::ffff:127.0.0.1]/',
  'http://169.254.169.254/latest/meta-data',
  'http://0x7f.1/',
  'http://2130706433/',
  'https://user:secret@example.com/',
  'ftp://example.com/',
  'javascript:alert(1)',
  'https://',
  'http://[::]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[2002:7f00:1::]/',
  'http://xn--/',
  `https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.com/`,
  'http://a..b/',
  'https://example.com:99999/',
  'https://example.com/%00',
);

/** Words of a field's description, as candidate values (`csv or xlsx; csv when absent`). */
const wordsOf = (description?: string) => [...new Set(description?.match(/[A-Za-z][\w:-]*/g) ?? [])];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a string field's documentation says it holds, when its schema gives no format. */
export function formatOf(schema: JsonSchema): string | undefined {
  if (schema.format) return schema.format;
  if (/YYYY-MM-DD|\bdate\b/i.test(schema.description ?? '')) return 'date';
  return undefined;
}

/** A string that may be anything: values the tenant holds, dates, numbers, URLs, words, free text. */
function looseString(schema: JsonSchema, o: ValueOptions, name?: string): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40));
  const words = wordsOf(schema.description);
  const anyKnown = Object.values(o.known).flat();
  return fc.oneof(
    { arbitrary: fc.string({ minLength: min, maxLength: max }), weight: 3 },
    { arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }), weight: 1 },
    ...(anyKnown.length > 0 ? [{ arbitrary: fc.constantFrom(...anyKnown), weight: 2 }] : []),
    { arbitrary: dateArbitrary(o.now), weight: 1 },
    { arbitrary: dateTimeArbitrary(o.now), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.integer({ min: -5, max: 5000 }).map(String), weight: 1 },
    { arbitrary: urls, weight: name !== undefined && /url$/i.test(name) ? 16 : 1 },
    // The words of its description are likely values (`csv or xlsx; csv when absent`).
    ...(words.length > 0 ? [{ arbitrary: fc.constantFrom(...words), weight: 16 }] : []),
  );
}

/** A string of the schema's shape: its enum, format or pattern, else loose, within its lengths. */
function shapedString(schema: JsonSchema, o: ValueOptions, name?: string): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  const fits = (s: string) =>
    s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
  switch (formatOf(schema)) {
    case 'uuid': {
      const uuids = Object.values(o.known)
        .flat()
        .filter((v) => UUID.test(v));
      return uuids.length > 0 ? fc.oneof(fc.constantFrom(...uuids), fc.uuid()) : fc.uuid();
    }
    case 'date':
      return dateArbitrary(o.now);
    case 'date-time':
      return dateTimeArbitrary(o.now);
    case 'email':
      return fc.emailAddress().filter(fits);
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  const boundaries = [schema.minLength, schema.maxLength]
    .filter((n): n is number => n !== undefined && n <= 1000)
    .map((n) => 'b'.repeat(n));
  return fc.oneof(
    { arbitrary: looseString(schema, o, name).filter(fits), weight: 8 },
    ...(boundaries.length > 0 ? [{ arbitrary: fc.constantFrom(...boundaries), weight: 1 }] : []),
  );
}

/** Valid-shaped text; for a field named like values the tenant holds, mostly those. */
function validString(schema: JsonSchema, o: ValueOptions, name?: string): fc.Arbitrary<string> {
  const shaped = shapedString(schema, o, name);
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
  const named = (name === undefined ? [] : (o.known[name] ?? [])).filter(
    (v) =>
      v.length >= (schema.minLength ?? 0) &&
      v.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY) &&
      (pattern === undefined || pattern.test(v)),
  );
  if (schema.enum || named.length === 0) return shaped;
  return fc.oneof({ arbitrary: fc.constantFrom(...named), weight: 3 }, { arbitrary: shaped, weight: 1 });
}

function hostileString(schema: JsonSchema, o: ValueOptions): fc.Arbitrary<string> {
  const beyond = [
    schema.maxLength !== undefined ? 'x'.repeat(schema.maxLength + 1) : undefined,
    schema.minLength ? 'x'.repeat(schema.minLength - 1) : undefined,
  ].filter((s): s is string => s !== undefined);
  const format = formatOf(schema);
  const pool = [
    ...HOSTILE_STRINGS.filter((s) => o.heavy || !isHeavy(s)),
    ...beyond,
    ...(format === 'date' ? HOSTILE_DATES : []),
    ...(format === 'date-time' ? HOSTILE_DATE_TIMES : []),
  ];
  return fc.constantFrom(...pool);
}

function numberBounds(schema: JsonSchema) {
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e6;
  return {
    min: schema.exclusiveMinimum === true ? min + Number.EPSILON * Math.max(1, Math.abs(min)) : min,
    max: schema.exclusiveMaximum === true ? max - Number.EPSILON * Math.max(1, Math.abs(max)) : max,
  };
}

function validNumber(schema: JsonSchema): fc.Arbitrary<number> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as number[]));
  const { min, max } = numberBounds(schema);
  if (schema.type === 'integer') {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    return fc.oneof(
      {
        arbitrary: fc.integer({ min: Math.max(lo, -1000), max: Math.max(Math.min(hi, 1000), lo) }),
        weight: 4,
      },
      { arbitrary: fc.constantFrom(lo, hi), weight: 1 },
    );
  }
  // Amounts as people type them, at most three decimals: mostly small, sometimes anywhere in range.
  const milli = (lo: number, hi: number) =>
    fc
      .integer({ min: Math.max(Math.ceil(lo * 1000), -2e9), max: Math.min(Math.floor(hi * 1000), 2e9) })
      .map((n) => n / 1000);
  return fc.oneof(
    { arbitrary: milli(min, Math.min(max, Math.max(min, 0) + 100)), weight: 4 },
    { arbitrary: milli(min, max), weight: 2 },
    { arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), weight: 1 },
    { arbitrary: fc.constantFrom(min, max), weight: 1 },
  );
}

function hostileNumber(schema: JsonSchema): fc.Arbitrary<unknown> {
  const { min, max } = numberBounds(schema);
  return fc.constantFrom<unknown>(
    min - 1,
    max + 1,
    min - 0.5,
    max + 0.001,
    schema.type === 'integer' ? min + 0.5 : min - 1e-9,
    new Raw('1e309'),
    new Raw('-1e309'),
    new Raw('-0'),
    2 ** 53 + 2,
    -(2 ** 63),
    String(min),
  );
}

function validArray(schema: JsonSchema, o: ValueOptions): fc.Arbitrary<unknown[]> {
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? SHORT_ARRAY;
  const item = valueArbitrary(schema.items ?? {}, o);
  const short = fc.array(item, { minLength: min, maxLength: Math.max(min, Math.min(max, SHORT_ARRAY)) });
  if (!o.heavy || max <= SHORT_ARRAY) return short;
  const full = fc.array(valueArbitrary(schema.items ?? {}, { ...o, heavy: false }), {
    minLength: max,
    maxLength: max,
  });
  return fc.oneof({ arbitrary: short, weight: 12 }, { arbitrary: full, weight: 1 });
}

/** The hostile values of any type; the heavy ones only where a value may be heavy. */
const hostileValues = (o: ValueOptions) =>
  fc.constantFrom<unknown>(...HOSTILE_VALUES.filter((v) => o.heavy || !isHeavy(v)));

function hostileArray(schema: JsonSchema, o: ValueOptions): fc.Arbitrary<unknown> {
  const cases: fc.Arbitrary<unknown>[] = [hostileValues(o)];
  const light = valueArbitrary(schema.items ?? {}, { ...o, heavy: false });
  if (schema.maxItems !== undefined && (o.heavy || schema.maxItems < 100)) {
    const over = schema.maxItems + 1;
    cases.push(fc.array(light, { minLength: over, maxLength: over }));
  }
  if (schema.minItems) cases.push(fc.array(light, { maxLength: schema.minItems - 1 }));
  return fc.oneof(...cases);
}

function validObject(schema: JsonSchema, o: ValueOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueArbitrary(s, o, k)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
}

function hostileObject(schema: JsonSchema, o: ValueOptions): fc.Arbitrary<unknown> {
  const valid = validObject(schema, o);
  const required = schema.required ?? [];
  return fc.oneof(
    hostileValues(o),
    // An unknown field beside valid ones.
    fc
      .tuple(
        valid,
        fc.constantFrom('unknown', 'extra', '__proto__', 'constructor', '', 'a\u0000b'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([v, k, x]) => ({ ...v, [k]: x })),
    // A required field missing.
    ...(required.length > 0
      ? [
          fc
            .tuple(valid, fc.constantFrom(...required))
            .map(([v, k]) => Object.fromEntries(Object.entries(v).filter(([key]) => key !== k))),
        ]
      : []),
  );
}

/**
 * Values for `schema`: mostly valid-shaped (its type, enum, bounds and format; known ids often),
 * one in seven hostile (wrong types, out of bounds, impossible dates, NUL and lone surrogates,
 * megabyte strings, 1e309 and -0 as JSON text, deep nesting, unknown and missing fields).
 */
export function valueArbitrary(schema: JsonSchema, o: ValueOptions, name?: string): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valueArbitrary(s, o, name)));
  const [valid, hostile] = ((): [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>] => {
    switch (schema.type) {
      case 'string':
        return [validString(schema, o, name), fc.oneof(hostileString(schema, o), hostileValues(o))];
      case 'integer':
      case 'number':
        return [validNumber(schema), hostileNumber(schema)];
      case 'boolean':
        return [
          schema.enum ? fc.constantFrom(...(schema.enum as boolean[])) : fc.boolean(),
          fc.constantFrom<unknown>('true', 0, 1, null, true, false),
        ];
      case 'array':
        return [validArray(schema, o), hostileArray(schema, o)];
      case 'object':
        return [validObject(schema, o), hostileObject(schema, o)];
      default:
        return [fc.jsonValue({ maxDepth: 2 }), hostileValues(o)];
    }
  })();
  const withNull = schema.nullable
    ? fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: fc.constant(null), weight: 1 })
    : valid;
  return fc.oneof({ arbitrary: withNull, weight: VALID_WEIGHT }, { arbitrary: hostile, weight: 1 });
}

/**
 * A parameter's value as URL text gives it: valid-shaped (as the schema's value, written out) or
 * hostile (any hostile string, a value given twice, present but empty).
 */
export function parameterArbitrary(
  schema: JsonSchema,
  o: ValueOptions,
  name?: string,
): fc.Arbitrary<string | string[]> {
  const valid = (() => {
    switch (schema.type) {
      case 'integer':
      case 'number':
        return validNumber(schema).map(String);
      case 'boolean':
        return fc.boolean().map(String);
      default:
        return validString(schema, o, name);
    }
  })();
  const numeric = schema.type === 'integer' || schema.type === 'number';
  const hostile = fc.oneof(
    hostileString(schema, o),
    numeric
      ? hostileNumber(schema).map((v) => (v instanceof Raw ? v.text : String(v)))
      : hostileString(schema, o),
    fc.tuple(valid, valid).map(([a, b]) => [a, b]),
  );
  return fc.oneof({ arbitrary: valid, weight: VALID_WEIGHT }, { arbitrary: hostile, weight: 1 });
}
