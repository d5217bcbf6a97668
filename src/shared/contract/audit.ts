import { z } from 'zod';
import { AUDIT_ACTION_PATTERN, AUDIT_ACTIONS } from '../audit-actions.js';
import { endpoint, Instant, QueryInt } from './common.js';

export const AuditEntry = z.object({
  id: z.number().describe("The audit row's id; `ledger verify` names it when the audit chain breaks there"),
  at: Instant,
  actor: z
    .string()
    .describe("Who: 'user:<email>', 'api_key:<key id>', 'cli' (the operators' command line) or 'system'"),
  actorName: z.string().nullable().describe("The user's or the API key's name, when it still exists"),
  action: z.string(),
  details: z.record(z.string(), z.unknown()).describe('What was done, as recorded with the action'),
});
export type AuditEntry = z.output<typeof AuditEntry>;

export const listAudit = endpoint({
  method: 'GET',
  path: '/api/v1/audit',
  operationId: 'listAuditEntries',
  tag: 'audit',
  summary: "The tenant's audit log, newest first; pass nextCursor as cursor for the next page",
  description: `Filters are exact. Actions recorded: ${Object.keys(AUDIT_ACTIONS).join(', ')}.`,
  access: { session: ['account_admin'] },
  query: z.object({
    limit: QueryInt().min(1).max(200).default(50),
    cursor: z.string().min(1).max(100).optional().describe('The nextCursor of the page before'),
    action: z.string().max(100).regex(AUDIT_ACTION_PATTERN, 'must be an action name').optional(),
    actor: z
      .string()
      .min(1)
      .max(400)
      .regex(/^[^\p{Cc}]*$/u, 'must have no control characters')
      .optional(),
  }),
  responses: { 200: z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() }) },
  errors: ['invalid_cursor'],
});
