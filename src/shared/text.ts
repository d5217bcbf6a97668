/**
 * Text no request may carry (docs/product.md, Events, Text): every character XML 1.0 cannot hold.
 * That is a control character other than tab, newline and carriage return (NUL among them, which
 * PostgreSQL's text refuses), a lone UTF-16 surrogate (not a character; UTF-8 cannot encode it),
 * and U+FFFE and U+FFFF (not characters either; U+FFFE is a byte-order mark read the wrong way
 * round). The .xlsx export is XML, and no person types any of them.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it finds.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** The rule in words, for refusals. */
export const UNSAFE_TEXT_RULE =
  'a character no text may hold (a control character other than tab, newline and carriage return, a lone surrogate, U+FFFE or U+FFFF)';

export function isUnsafeText(s: string): boolean {
  return UNSAFE.test(s);
}

/** Refusal message for unsafe text at `where` (a path such as `events.3.jobTitle`, or `query.q`). */
export const unsafeTextMessage = (where: string) => `${where} contains ${UNSAFE_TEXT_RULE}.`;

/**
 * `s` with each unsafe character replaced by U+FFFD, for text stored before the rule refused it
 * (the .xlsx export must still write it as XML). Safe text comes back as it is.
 */
export const withUnsafeReplaced = (s: string): string =>
  // Tested first: for the safe text nearly every cell holds, twice as fast as replace() finding nothing.
  UNSAFE.test(s) ? s.replace(UNSAFE_ALL, '\ufffd') : s;

/** How deep `unsafeTextPath` looks into nested values; deeper input is refused as unsafe too. */
const MAX_DEPTH = 32;

/**
 * The path (`events.3.jobTitle`, `q`) of the first unsafe string in a parsed JSON value, its keys
 * included; undefined when all are safe. A value nested deeper than any request needs counts as
 * unsafe, so a hostile body cannot make this walk (or a later one) exhaust the stack.
 */
export function unsafeTextPath(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return isUnsafeText(value) ? path || 'value' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_DEPTH) return path || 'value';
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (isUnsafeText(key)) return at;
    const found = unsafeTextPath(item, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
