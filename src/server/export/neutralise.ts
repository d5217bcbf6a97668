/**
 * Spreadsheet formula injection: Excel, LibreOffice and Google Sheets run a cell that begins
 * with one of these characters as a formula, also when it comes from a CSV file. Text that came
 * from users (job titles, opening ids) is prefixed with an apostrophe, which every one of them
 * shows as text and never evaluates (OWASP's "CSV injection" advice). Written by hand: the rule
 * is one line, and a CSV library's formula escaping (csv-stringify's `escape_formulas`) would not
 * cover the .xlsx.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutraliseCell(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text.charAt(0)) ? `'${text}` : text;
}
