import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.js';

/** Text from the request, quoted and cut short for a message. */
const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** Strict: a byte sequence that is not UTF-8 throws rather than becoming U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The value of a media type's `charset` parameter (RFC 9110: case-insensitive name, token or quoted-string). */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i.exec(contentType ?? '');
  if (!m) return undefined;
  return m[1] === undefined ? (m[2] ?? '') : m[1].replace(/\\(.)/g, '$1');
}

/** Whether a charset label names UTF-8 (`utf-8` in any case, or another of its names in the Encoding standard, such as `utf8`). */
function namesUtf8(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'utf-8';
  } catch {
    return false;
  }
}

/**
 * The offset of the first byte of `bytes` that does not belong to a UTF-8 character, or undefined
 * when all do. Before that byte everything decoded as itself, so offsets count exactly up to it; a
 * U+FFFD found there either was written in the body (EF BF BD) or stands for the bad bytes.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number | undefined {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let at = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0xfffd && !(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
    at += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return undefined;
}

/**
 * Every JSON body is read as UTF-8, the one encoding JSON text has (RFC 8259, 8.1), for every route
 * at once. Fastify's own parser decodes with replacement characters and ignores the declared
 * charset, which let bytes that are not UTF-8 reach the routes as U+FFFD (different ids as one).
 * This one answers a charset other than UTF-8 with 415 (as Fastify answers a media type it cannot
 * read) and bytes that are not UTF-8 with 400 invalid_text saying where; the body limit and
 * Fastify's JSON parsing (prototype poisoning refused) are kept.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && !namesUtf8(charset)) {
      const refusal = new Error(
        `The body is declared ${shown(charset)}; JSON must be sent as UTF-8 (charset=utf-8).`,
      );
      done(Object.assign(refusal, { statusCode: 415 }), undefined);
      return;
    }
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      const at = firstInvalidUtf8Byte(bytes);
      done(
        new DomainError(
          'invalid_text',
          `The body is not valid UTF-8 (at byte ${at}, counting from 0); JSON must be sent as UTF-8.`,
        ),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });
}

/**
 * The name (quoted, for a message) of the first query parameter whose name or value is not valid percent-encoded UTF-8
 * (`%ED%A0%80`, `%FF`, `%ZZ`), as the router refuses such a path; undefined when all are. Fastify's
 * query parser keeps such a value as the raw text it could not decode, which no client meant.
 */
export function misencodedQueryParameter(url: string): string | undefined {
  const start = url.indexOf('?');
  if (start < 0) return undefined;
  for (const pair of url.slice(start + 1).split('&')) {
    if (!pair.includes('%')) continue;
    try {
      decodeURIComponent(pair);
    } catch {
      const name = pair.split('=', 1)[0] ?? '';
      try {
        return shown(decodeURIComponent(name.replace(/\+/g, ' ')));
      } catch {
        return shown(name);
      }
    }
  }
  return undefined;
}
