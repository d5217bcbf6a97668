import type { AuditEntry } from '../../shared/contract/audit.js';
import type { Queryable } from '../db/database.js';

/**
 * A page of the tenant's audit log, newest first, by keyset (`before` an audit row id), filtered by
 * action and/or actor (exact). Each filter has its index (migration 010), so deep pages stay fast.
 */
export async function auditPage(
  tx: Queryable,
  tenantId: string,
  opts: { limit: number; before?: number; action?: string; actor?: string },
): Promise<AuditEntry[]> {
  const params: unknown[] = [tenantId];
  const where = ['a.tenant_id = $1'];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (opts.before !== undefined) add((p) => `a.id < ${p}`, opts.before);
  if (opts.action !== undefined) add((p) => `a.action = ${p}`, opts.action);
  if (opts.actor !== undefined) add((p) => `a.actor = ${p}`, opts.actor);
  params.push(opts.limit);
  const rows = await tx.query<{
    id: number;
    at: Date;
    actor: string;
    actor_name: string | null;
    action: string;
    details: Record<string, unknown>;
  }>(
    `select a.id, a.at, a.actor, a.action, a.details,
            coalesce((select u.name from users u
                       where a.actor like 'user:%' and u.tenant_id = a.tenant_id
                         and lower(u.email) = lower(substr(a.actor, 6))),
                     (select k.name from api_keys k
                       where a.actor like 'api_key:%' and k.tenant_id = a.tenant_id
                         and k.id::text = substr(a.actor, 9))) as actor_name
       from audit_log a
      where ${where.join(' and ')}
      order by a.id desc limit $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    actor: r.actor,
    actorName: r.actor_name ?? null,
    action: r.action,
    details: r.details,
  }));
}
