import { FIXED_ACTORS } from '../../shared/actors';
import { AUDIT_ACTIONS } from '../../shared/audit-actions';
import { BUDGET_WINDOW_LABELS } from '../../shared/budgets';
import { readFilter } from '../../shared/filters';
import { SIGN_IN_METHOD_LABELS, type SignInMethod } from '../../shared/sign-in';
import {
  formatCredits,
  formatCreditsUnit,
  formatDateRange,
  formatLabel,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRole,
} from './format';
import { chipsOf } from './usageFilter';

/**
 * The audit log for people: who (a name, not `user:<email>`), the action's label, and what was done
 * as a sentence made from the row's details. An action or details this console does not know yet
 * read as "Field: value" pairs, never as raw JSON.
 */
type Details = Record<string, unknown>;

const text = (d: Details, key: string): string | undefined => {
  const v = d[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const number = (d: Details, key: string): number | undefined => {
  const v = d[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};
const quoted = (s: string) => `“${s}”`;

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A budget's scope as the audit log tells it: "opening op-7", "department Sales". */
function budgetScope(d: Details): string | undefined {
  const scope = d.scope;
  if (typeof scope !== 'object' || scope === null) return undefined;
  const { kind, value } = scope as Details;
  return typeof kind === 'string' && typeof value === 'string' ? `${kind} ${value}` : undefined;
}

/** "20 credits per billing period, blocking when used up". */
function budgetTerms(d: Details): string | undefined {
  const credits = number(d, 'credits');
  const window = text(d, 'window');
  const action = text(d, 'onExhausted');
  if (credits === undefined || !window || !action) return undefined;
  const per = (BUDGET_WINDOW_LABELS as Record<string, string>)[window] ?? window;
  return `${formatCreditsUnit(credits)} ${per}, ${action === 'block' ? 'blocking new interviews' : 'alerting'} when used up`;
}

/** Names the page has at hand for ids the details hold; an id without one reads as itself. */
export interface AuditNames {
  recruiter?: (id: string) => string | undefined;
}

/**
 * An export's filters (its `filter`, as query parameters) in words: "recruiter Jo Alvarez,
 * department Sales and tag team Platform"; undefined when there is none or it cannot be read.
 */
function filterWords(d: Details, names: AuditNames): string | undefined {
  if (typeof d.filter !== 'object' || d.filter === null) return undefined;
  const reading = readFilter(d.filter as Details);
  if (!reading.ok) return undefined;
  const words = chipsOf(reading.filter).map((c) => {
    const value = c.param === 'recruiterId' ? (names.recruiter?.(c.value) ?? c.value) : c.value;
    return `${c.label.charAt(0).toLowerCase()}${c.label.slice(1)} ${value}`;
  });
  return words.length ? list(words) : undefined;
}

/** One sentence per known action; undefined when the details lack what the sentence needs. */
const SENTENCES: Record<string, (d: Details, names: AuditNames) => string | undefined> = {
  'tenant.created': (d) => {
    const slug = text(d, 'slug');
    const plan = text(d, 'plan');
    return slug && plan ? `Created the tenant ${quoted(slug)} on the plan ${plan}.` : undefined;
  },
  'user.added': (d) => {
    const email = text(d, 'email');
    const role = text(d, 'role');
    return email && role ? `Added ${email} as ${formatRole(role)}.` : undefined;
  },
  'user.role_changed': (d) => {
    const email = text(d, 'email');
    const from = text(d, 'from');
    const to = text(d, 'to');
    return email && from && to
      ? `Changed ${email} from ${formatRole(from)} to ${formatRole(to)}.`
      : undefined;
  },
  'user.deactivated': (d) => {
    const email = text(d, 'email');
    return email ? `Deactivated ${email} and ended their sessions.` : undefined;
  },
  'auth.login': (d) => {
    const method = text(d, 'method');
    const how =
      method && method in SIGN_IN_METHOD_LABELS ? SIGN_IN_METHOD_LABELS[method as SignInMethod] : undefined;
    return how ? `Signed in with ${how.toLowerCase()}.` : 'Signed in.';
  },
  'auth.sso_refused': (d) => {
    const reason = text(d, 'reason');
    const email = text(d, 'email');
    return reason ? `Single sign-on refused${email ? ` for ${email}` : ''} (${reason}).` : undefined;
  },
  'console_link.created': (d) => {
    const email = text(d, 'email');
    const role = text(d, 'role');
    return email && role ? `Made a one-time console link for ${email} as ${formatRole(role)}.` : undefined;
  },
  'sso.settings_changed': (d) => {
    const issuer = text(d, 'issuer');
    if (!issuer) return undefined;
    return `Set single sign-on with ${issuer}; passwords ${d.passwordLogin === false ? 'turned off' : 'still allowed'}.`;
  },
  'sso.settings_removed': () => 'Turned single sign-on off.',
  'api_key.created': (d) => {
    const name = text(d, 'name');
    const prefix = text(d, 'prefix');
    return name ? `Created the API key ${quoted(name)}${prefix ? ` (${prefix}…)` : ''}.` : undefined;
  },
  'api_key.revoked': (d) => {
    const name = text(d, 'name');
    return name ? `Revoked the API key ${quoted(name)}; it no longer works.` : undefined;
  },
  'credits.purchased': (d) => {
    const credits = number(d, 'credits');
    const cents = number(d, 'totalCents');
    const currency = text(d, 'currency');
    if (credits === undefined) return undefined;
    const price = cents !== undefined && currency ? ` for ${formatMoney(cents, currency)}` : '';
    return `Bought ${formatCreditsUnit(credits)}${price}.`;
  },
  'charge.reversed': (d) => {
    const credits = number(d, 'credits');
    const interview = text(d, 'interviewId');
    const reason = text(d, 'reason');
    const state = text(d, 'state');
    if (credits === undefined || !interview) return undefined;
    return (
      `Gave back ${formatCreditsUnit(credits)} charged for interview ${interview}` +
      `${state ? ` (${formatLabel(state).toLowerCase()})` : ''}${reason ? `: ${quoted(reason)}` : ''}.`
    );
  },
  'alerts.settings_changed': (d) => {
    const thresholds = Array.isArray(d.thresholds)
      ? d.thresholds.filter((t): t is number => typeof t === 'number')
      : undefined;
    if (!thresholds) return undefined;
    const url = text(d, 'webhookUrl');
    const alerts = thresholds.length
      ? `Set credit alerts at ${list(thresholds.map((t) => formatPercent(t / 100)))} of the allotment left`
      : 'Turned credit alerts off';
    return `${alerts}; ${url ? `webhook to ${url}` : 'no webhook'}.`;
  },
  'alerts.webhook_secret_rotated': () =>
    'Replaced the webhook signing secret; webhooks are signed with the new one from now on.',
  'opening.status_changed': (d) => {
    const opening = text(d, 'openingId');
    const status = text(d, 'status');
    if (!opening || !status) return undefined;
    return `${status === 'closed' ? 'Closed' : 'Reopened'} the opening ${opening}.`;
  },
  'budget.created': (d) => {
    const scope = budgetScope(d);
    const terms = budgetTerms(d);
    return scope && terms ? `Set a budget on ${scope}: ${terms}.` : undefined;
  },
  'budget.updated': (d) => {
    const scope = budgetScope(d);
    const terms = budgetTerms(d);
    return scope && terms ? `Changed the budget on ${scope} to ${terms}.` : undefined;
  },
  'budget.deleted': (d) => {
    const scope = budgetScope(d);
    const credits = number(d, 'credits');
    return scope && credits !== undefined
      ? `Removed the budget of ${formatCreditsUnit(credits)} on ${scope}.`
      : undefined;
  },
  'budget.threshold_reached': (d) => {
    const scope = budgetScope(d);
    const threshold = number(d, 'thresholdPercent');
    const used = number(d, 'used');
    const credits = number(d, 'credits');
    if (!scope || threshold === undefined || used === undefined || credits === undefined) return undefined;
    return `The budget on ${scope} reached ${formatPercent(threshold / 100)}: ${formatCredits(used)} of ${formatCreditsUnit(credits)} used.`;
  },
  'usage.exported': (d, names) => {
    const from = text(d, 'from');
    const to = text(d, 'to');
    const format = text(d, 'format');
    const rows = number(d, 'rows');
    const status = text(d, 'status');
    const filter = filterWords(d, names);
    if (!from || !to || !format || rows === undefined) return undefined;
    // A filter the sentence cannot read leaves the row to list its details as they are.
    if (d.filter !== undefined && !filter) return undefined;
    const what = `usage for ${formatDateRange(from, to)}${filter ? `, filtered to ${filter},` : ''} as ${
      format === 'xlsx' ? 'Excel' : format.toUpperCase()
    }`;
    const count = `${formatNumber(rows)} ${rows === 1 ? 'row' : 'rows'}`;
    if (status === 'completed') return `Exported ${what}: ${count}.`;
    return `Started exporting ${what}; it ${status === 'aborted' ? 'was cancelled' : 'failed'} after ${count}.`;
  },
};

/** camelCase or snake_case key → "Interview id". */
const fieldName = (key: string) => formatLabel(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());

function fieldValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(fieldValue).join(', ');
  if (typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => `${fieldName(k)} ${fieldValue(x)}`)
      .join(', ');
  return String(v);
}

/** What was done, as a sentence a person reads. */
export function describeAudit(action: string, details: Details, names: AuditNames = {}): string {
  const sentence = SENTENCES[action]?.(details, names);
  if (sentence) return sentence;
  const fields = Object.entries(details).map(([k, v]) => `${fieldName(k)}: ${fieldValue(v)}`);
  return fields.length ? fields.join(' · ') : '—';
}

/** The action's name for people: the known label, else its words ("auth.login_failed" → "Auth login failed"). */
export const auditActionLabel = (action: string) =>
  (AUDIT_ACTIONS as Record<string, string>)[action] ?? formatLabel(action.replaceAll('.', ' '));

/** Who, for people: a name first, and what kind of actor it is. */
export function auditActor(actor: string, name: string | null): { name: string; kind: string } {
  if (actor.startsWith('user:')) {
    const email = actor.slice('user:'.length);
    return name ? { name, kind: email } : { name: email, kind: 'User' };
  }
  if (actor.startsWith('api_key:')) return { name: name ? quoted(name) : 'An API key', kind: 'API key' };
  return FIXED_ACTORS[actor] ?? { name: actor, kind: '' };
}
