import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as contract from '../../shared/contract/index.js';
import { DomainError } from '../errors.js';
import { routeOf } from '../http/route.js';
import { auditPage } from './audit-log.js';
import { authOf } from './guard.js';

/** The opaque cursor is the last row's id, so that clients do not build their own. */
const encodeCursor = (id: number) => Buffer.from(`audit:${id}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new DomainError('invalid_cursor', 'The cursor is not one this API gave out.');
  return Number(match[1]);
}

/** The tenant's audit log: who did what, when. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    ...routeOf(contract.listAudit),
    handler: async (request) => {
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
  });
};
