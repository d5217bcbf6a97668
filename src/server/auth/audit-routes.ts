import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_ACTION_PATTERN, AUDIT_ACTIONS } from '../../shared/audit-actions.js';
import { badRequest } from '../http/errors.js';
import { errorResponses } from '../http/schemas.js';
import { auditPage } from './audit-log.js';
import { authOf, requireUser } from './guard.js';

const Entry = z.object({
  id: z.number().describe("The audit row's id; `ledger verify` names it when the audit chain breaks there"),
  at: z.date(),
  actor: z
    .string()
    .describe("Who: 'user:<email>', 'api_key:<key id>', 'cli' (the operators' command line) or 'system'"),
  actorName: z.string().nullable().describe("The user's or the API key's name, when it still exists"),
  action: z.string(),
  details: z.record(z.string(), z.unknown()).describe('What was done, as recorded with the action'),
});

/** The opaque cursor is the last row's id, so that clients do not build their own. */
const encodeCursor = (id: number) => Buffer.from(`audit:${id}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw badRequest('invalid_cursor', 'The cursor is not one this API gave out.');
  return Number(match[1]);
}

/** The tenant's audit log: who did what, when. Registered under /api/v1. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      onRequest: requireUser('account_admin'),
      schema: {
        tags: ['audit'],
        summary: "The tenant's audit log, newest first; pass nextCursor as cursor for the next page",
        description: `Account Admins only. Filters are exact. Actions recorded: ${Object.keys(AUDIT_ACTIONS).join(', ')}.`,
        security: [{ session: [] }],
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().min(1).max(100).optional(),
          action: z.string().max(100).regex(AUDIT_ACTION_PATTERN, 'must be an action name').optional(),
          actor: z
            .string()
            .min(1)
            .max(400)
            .regex(/^[^\p{Cc}]*$/u, 'must have no control characters')
            .optional(),
        }),
        response: {
          200: z.object({ entries: z.array(Entry), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const { limit, cursor, action, actor } = request.query;
      const before = cursor === undefined ? undefined : decodeCursor(cursor);
      const rows = await app.deps.db.withTenant(tenantId, (tx) =>
        auditPage(tx, tenantId, { limit: limit + 1, before, action, actor }),
      );
      const entries = rows.slice(0, limit);
      const last = entries[entries.length - 1];
      return { entries, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
    },
  );
};
