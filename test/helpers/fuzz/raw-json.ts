/**
 * JSON text no JavaScript value serialises to: `1e309` (Infinity once parsed), `-0`, a bare `NaN`,
 * 10,000 nested arrays. A Raw in a generated body is written into the body's text as it stands.
 */
export class Raw {
  constructor(readonly text: string) {}
  toString() {
    return this.text.length > 60
      ? `Raw(${this.text.slice(0, 30)}…${this.text.length} chars)`
      : `Raw(${this.text})`;
  }
}

/** The body's text: JSON, with each Raw written as it stands. */
export function toJsonText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
