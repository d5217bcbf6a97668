import type { LedgerEntry } from '../api/types';
import { formatDate, formatDateTime, formatLabel } from './format';

/** The reasons the period close writes (src/server/ledger/close.ts), as people read them. */
const REASONS: Record<string, string> = {
  period_end: 'the period ended',
  period_grant: "the period's grant",
  rollover: 'rolled over from the period before',
  lot_expired: 'its lot expired',
};
const ISO_INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;
const PERIOD_REFERENCE = /^period (\d{4}-\d\d-\d\d)$/;

/** A stored reason or reference in words: known codes named, instants in the tenant's time. */
function readable(text: string): string {
  const period = PERIOD_REFERENCE.exec(text);
  if (period?.[1]) return `the period from ${formatDate(period[1])}`;
  return (REASONS[text] ?? text).replace(ISO_INSTANT, (iso) => formatDateTime(iso));
}

/** What a ledger entry was for, in words: its interview, rule, reason and reference. */
export function entryDetail(e: LedgerEntry): string {
  const parts = [
    e.interviewId ? `Interview ${e.interviewId}` : undefined,
    e.rule ? `rule ${formatLabel(e.rule)}${e.ruleVersion ? ` v${e.ruleVersion}` : ''}` : undefined,
    e.reason ? readable(e.reason) : undefined,
    e.reference ? readable(e.reference) : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : '—';
}
