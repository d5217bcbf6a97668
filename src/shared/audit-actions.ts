/**
 * The actions the audit log records, each with the label the console's filter shows. The API's
 * `action` filter takes any action name (a new one needs no change there); list it here too, so the
 * console offers it.
 */
export const AUDIT_ACTIONS = {
  'tenant.created': 'Tenant created',
  'user.added': 'User added',
  'user.role_changed': 'User role changed',
  'user.deactivated': 'User deactivated',
  'auth.login': 'Signed in',
  'auth.sso_refused': 'Single sign-on refused',
  'console_link.created': 'Console link made',
  'sso.settings_changed': 'Sign-in settings changed',
  'sso.settings_removed': 'Single sign-on turned off',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'credits.purchased': 'Credits bought',
  'credits.auto_top_up': 'Credits bought by auto top-up',
  'credits.auto_top_up_capped': 'Auto top-up stopped by its monthly cap',
  'credits.auto_top_up_changed': 'Auto top-up changed',
  'charge.reversed': 'Charge reversed',
  'alerts.settings_changed': 'Alert settings changed',
  'alerts.webhook_secret_rotated': 'Webhook secret replaced',
  'notifications.recipients_changed': 'Email recipients changed',
  'opening.status_changed': 'Opening opened or closed',
  'usage.exported': 'Usage exported',
  'budget.created': 'Budget set',
  'budget.updated': 'Budget changed',
  'budget.deleted': 'Budget removed',
  'budget.threshold_reached': 'Budget threshold reached',
  'budget.threshold_resolved': 'Budget threshold resolved',
  'statement.downloaded': 'Statement downloaded',
  'receipt.downloaded': 'Receipt downloaded',
} as const satisfies Record<string, string>;

export type KnownAuditAction = keyof typeof AUDIT_ACTIONS;

/** What an action name looks like: lowercase words joined by dots or underscores. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
