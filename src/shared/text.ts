/**
 * Text the database cannot store or that no person typed: a NUL character (PostgreSQL's text
 * refuses it) or a lone UTF-16 surrogate (not a character; it cannot be encoded as UTF-8).
 */
export function isUnsafeText(s: string): boolean {
  return s.includes('\u0000') || LONE_SURROGATE.test(s);
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
// (String.prototype.isWellFormed says the same but is not in the ES2023 library this project targets.)
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

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
