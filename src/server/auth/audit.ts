import type { Queryable } from '../db/database.js';

/** Who made a change and when; given to the functions that change users or keys. */
export interface AuditContext {
  /** `actorOf(auth)`: 'user:<email>' or 'api_key:<keyId>'. */
  actor: string;
  /**
   * When the change happened (app.deps.now()); also stored on the changed row where it has a
   * time column. Defaults to the database's now().
   */
  at?: Date;
}

/**
 * Appends one audit_log row, inside the caller's tenant transaction, chained (hashed) after the
 * tenant's last one in the database (migration 010). Holds the tenant's audit chain head until the
 * transaction ends, so write it last in a transaction that does more.
 */
export async function writeAudit(
  tx: Queryable,
  tenantId: string,
  audit: AuditContext,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await tx.query('select append_audit($1, coalesce($2::timestamptz, now()), $3, $4, $5::jsonb)', [
    tenantId,
    audit.at ?? null,
    audit.actor,
    action,
    JSON.stringify(details),
  ]);
}
