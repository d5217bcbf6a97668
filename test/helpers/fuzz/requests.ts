import fc from 'fast-check';
import {
  formatOf,
  orderedDatesArbitrary,
  parameterArbitrary,
  type ValueOptions,
  valueArbitrary,
} from './arbitraries.js';
import { HOSTILE_BODIES, HOSTILE_BYTE_BODIES } from './hostile.js';
import type { Operation, Parameter } from './openapi.js';
import { toJsonText } from './raw-json.js';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** One generated request, without its principal; printed short in fast-check's failure report. */
export class FuzzRequest {
  constructor(
    readonly method: Operation['method'],
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly payload: string | Buffer | undefined,
  ) {}

  [fc.toStringMethod]() {
    const { payload } = this;
    const body =
      payload === undefined
        ? ''
        : typeof payload === 'string'
          ? ` body=${JSON.stringify(cut(payload, 400))}`
          : ` body=bytes(${cut(payload.toString('hex'), 400)})`;
    return `${this.method} ${cut(this.url, 300)} headers=${JSON.stringify(this.headers, (_k, v) => (typeof v === 'string' ? cut(v, 100) : v))}${body}`;
  }
}

/**
 * Text percent-encoded for a URL. A lone surrogate, which UTF-8 cannot hold, is written as the
 * three bytes a careless encoder writes for it (`%ED%A0%80`), as a hostile client would.
 */
export function encodeUrlText(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    let out = '';
    for (const ch of s) {
      const c = ch.codePointAt(0) ?? 0;
      if (c < 0xd800 || c > 0xdfff) out += encodeURIComponent(ch);
      else
        out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
    }
    return out;
  }
}

const HEADER_SAFE = /^[\x20-\x7e]*$/;
const HOSTILE_HEADER_VALUES = ['', ' ', 'short', 'x'.repeat(201), 'x'.repeat(10_000), 'a\tb'];

/**
 * The values of some parameters, by name: the required ones always, the others all together
 * (parameters that go in pairs, like from and to), none, or some.
 */
function parametersArbitrary(
  params: Parameter[],
  arbitraryOf: (p: Parameter) => fc.Arbitrary<string | string[]>,
): fc.Arbitrary<Record<string, string | string[]>> {
  const model = Object.fromEntries(params.map((p) => [p.name, arbitraryOf(p)]));
  const required = params.filter((p) => p.required).map((p) => p.name);
  return fc.oneof(
    fc.record(model),
    fc.record(model, { requiredKeys: required }),
    fc.record(Object.fromEntries(Object.entries(model).filter(([name]) => required.includes(name)))),
  );
}

/** The query: its parameters, and now and then a range (its date parameters in order) within it. */
function queryArbitrary(
  params: Parameter[],
  o: ValueOptions,
): fc.Arbitrary<Record<string, string | string[]>> {
  const documented = params.map((p) => ({ ...p, schema: { ...p.schema, description: p.description } }));
  const query = parametersArbitrary(documented, (p) => parameterArbitrary(p.schema, o, p.name));
  const dates = documented.filter((p) => formatOf(p.schema) === 'date');
  if (dates.length < 2) return query;
  const range = fc.tuple(query, orderedDatesArbitrary(dates.length, o.now)).map(([q, ordered]) => ({
    ...q,
    ...Object.fromEntries(dates.map((p, i) => [p.name, ordered[i] ?? ''])),
  }));
  return fc.oneof(query, range);
}

function headerArbitrary(p: Parameter, o: ValueOptions): fc.Arbitrary<string> {
  return fc.oneof(
    {
      arbitrary: parameterArbitrary(p.schema, o, p.name).filter(
        (v): v is string => typeof v === 'string' && HEADER_SAFE.test(v),
      ),
      weight: 6,
    },
    { arbitrary: fc.constantFrom(...HOSTILE_HEADER_VALUES), weight: 1 },
  );
}

function bodyArbitrary(op: Operation, o: ValueOptions): fc.Arbitrary<string | Buffer | undefined> {
  if (!op.body) {
    return fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 12 },
      {
        arbitrary: fc.constantFrom<string | Buffer>(
          '{"unexpected":true}',
          ...HOSTILE_BODIES,
          ...HOSTILE_BYTE_BODIES,
        ),
        weight: 1,
      },
    );
  }
  return fc.oneof(
    { arbitrary: valueArbitrary(op.body, o).map(toJsonText), weight: 14 },
    { arbitrary: fc.constantFrom<string | Buffer>(...HOSTILE_BODIES, ...HOSTILE_BYTE_BODIES), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/**
 * Requests for one operation, from the document's schemas of its path, query and header
 * parameters and its JSON body: mostly valid-shaped, with hostile values mixed in everywhere, an
 * unknown query parameter now and then, a missing body or one of another content type.
 */
export function requestArbitrary(op: Operation, o: ValueOptions): fc.Arbitrary<FuzzRequest> {
  const of = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where);
  // A path parameter is always there; a missing one is another route.
  const pathParams = of('path').map((p) => ({ ...p, required: true }));
  return fc
    .record({
      path: parametersArbitrary(pathParams, (p) => parameterArbitrary(p.schema, o, p.name)),
      query: queryArbitrary(of('query'), o),
      unknownQuery: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 9 },
        {
          arbitrary: fc.constantFrom(
            'unknown=1',
            'page=2&page=3',
            '__proto__[x]=1',
            'a[b][c]=d',
            '%00=%00',
            // Tag filters (docs/product.md, Filters), which no schema lists: valid, malformed, repeated.
            'tag.team=a',
            'tag.a:b=1',
            'tag.=1',
            'tag.x=%00',
            'tag.x=%ED%A0%80',
            'department=%FF%FE%FD',
            'location=Paris%ZZ&%FF=1',
            'tag.x=a&tag.x=b',
            `tag.${'k'.repeat(41)}=1`,
            `tag.k=${'v'.repeat(101)}`,
            'tag.__proto__=1',
            'tag.constructor=x&department=%20',
          ),
          weight: 1,
        },
      ),
      headers: parametersArbitrary(of('header'), (p) => headerArbitrary(p, o)),
      body: bodyArbitrary(op, o),
      contentType: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 20 },
        {
          arbitrary: fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            'application/json; charset="UTF-16"',
            'application/json; charset=UTF-8',
          ),
          weight: 1,
        },
      ),
    })
    .map(({ path, query, unknownQuery, headers, body, contentType }) => {
      const url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        encodeUrlText(String(path[name] ?? '')),
      );
      const pairs = Object.entries(query).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((v) => `${encodeUrlText(name)}=${encodeUrlText(v)}`),
      );
      if (unknownQuery) pairs.push(unknownQuery);
      const sent = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
      if (body !== undefined) sent['content-type'] = contentType;
      return new FuzzRequest(op.method, pairs.length > 0 ? `${url}?${pairs.join('&')}` : url, sent, body);
    });
}
