import { z } from 'zod';

/**
 * The kinds of refusal. The HTTP layer gives each its status (src/server/http/error-handler.ts);
 * domain code and the command line know only the kind, through the code.
 */
export const ERROR_KINDS = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'too_large',
  'headers_too_large',
  'timed_out',
  'throttled',
  'unavailable',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * Every stable error code the API answers with, and its kind. Users and checks depend on these
 * names: add codes freely, never rename one.
 */
export const ERROR_CODES = {
  // Any operation's input
  invalid_request: 'invalid',
  invalid_url: 'invalid',
  invalid_text: 'invalid',
  bad_request: 'invalid',
  payload_too_large: 'too_large',
  headers_too_large: 'headers_too_large',
  request_timeout: 'timed_out',
  // Access
  unauthorized: 'unauthenticated',
  invalid_credentials: 'unauthenticated',
  invalid_api_key: 'unauthenticated',
  forbidden: 'forbidden',
  csrf_failed: 'forbidden',
  insufficient_scope: 'forbidden',
  // Limits and the service
  rate_limited: 'throttled',
  exports_busy: 'throttled',
  too_many_attempts: 'throttled',
  database_unavailable: 'unavailable',
  server_stopping: 'unavailable',
  internal_error: 'internal',
  not_found: 'not_found',
  method_not_allowed: 'method_not_allowed',
  // Ranges and dates
  invalid_range: 'invalid',
  invalid_date: 'invalid',
  range_too_long: 'invalid',
  invalid_format: 'invalid',
  invalid_time: 'invalid',
  invalid_time_zone: 'invalid',
  // Users and API keys
  invalid_email: 'invalid',
  invalid_name: 'invalid',
  invalid_role: 'invalid',
  weak_password: 'invalid',
  nothing_to_change: 'invalid',
  invalid_scope: 'invalid',
  email_taken: 'conflict',
  last_admin: 'conflict',
  // Single sign-on and console links (the sign-in refusals are explained in src/shared/sign-in.ts)
  sso_required: 'forbidden',
  sso_not_configured: 'not_found',
  sso_failed: 'unauthenticated',
  sso_role_unmapped: 'forbidden',
  sso_email_not_allowed: 'forbidden',
  user_inactive: 'forbidden',
  console_link_invalid: 'not_found',
  console_link_used: 'conflict',
  console_link_expired: 'conflict',
  invalid_path: 'invalid',
  invalid_issuer: 'invalid',
  invalid_role_mapping: 'invalid',
  invalid_domain: 'invalid',
  domain_taken: 'conflict',
  client_secret_required: 'invalid',
  // Credits
  invalid_credits: 'invalid',
  purchase_limit_exceeded: 'invalid',
  invalid_auto_top_up: 'invalid',
  idempotency_key_reused: 'conflict',
  already_reversed: 'conflict',
  nothing_to_reverse: 'conflict',
  invalid_kind: 'invalid',
  period_not_found: 'not_found',
  purchase_not_found: 'not_found',
  // Alerts
  invalid_webhook_url: 'invalid',
  webhook_url_not_public: 'invalid',
  webhook_not_configured: 'conflict',
  // Budgets
  invalid_budget_scope: 'invalid',
  invalid_thresholds: 'invalid',
  budget_exists: 'conflict',
  duplicate_recipient: 'invalid',
  unknown_unsubscribe_token: 'not_found',
  // Tenants and the demo (command line)
  invalid_slug: 'invalid',
  slug_taken: 'invalid',
  invalid_purchase_limit: 'invalid',
  invalid_scale: 'invalid',
  demo_loaded: 'conflict',
  // Paging by cursor: the audit log, the ledger, an opening's interviews
  invalid_cursor: 'invalid',
  // Filters on usage
  invalid_filter: 'invalid',
} as const satisfies Record<string, ErrorKind>;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error shape of the API. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('A stable code (the list is in each answer’s description)'),
    message: z.string().describe('What went wrong, for people'),
    details: z.unknown().optional().describe('More about it, for some codes (invalid_request: where)'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
