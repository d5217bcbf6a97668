import type { Database, TenantQueryable } from '../db/database.js';

/**
 * The one loop both outboxes (webhook deliveries, emails) send by: for each tenant with something
 * due, items are claimed under a lease in a short transaction, tried outside any transaction, and
 * each outcome recorded after. Several servers may run it at once; an item is tried at least once
 * more after a crash mid-send (receivers deduplicate by its id).
 */

/** Attempts before an item is abandoned: with the backoff below, about a day and a half. */
export const MAX_ATTEMPTS = 12;
/** How long a claimed item is left to its sender before another may try it (a crash mid-send). */
export const LEASE_MS = 60_000;

/** The wait after the n-th failed attempt: 30 s doubling, at most 6 hours. */
export const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 6 * 3_600_000);

export interface Attempt {
  ok: boolean;
  error: string | null;
  /** Not tried, and never to be (an email whose recipient stopped taking it): abandoned, no attempt counted. */
  dropped?: boolean;
}

export interface Recorded<R extends Attempt> {
  result: R;
  attempts: number;
  abandon: boolean;
  at: Date;
  nextAttemptAt: Date;
}

export interface Outbox<C extends { id: string; attempts: number }, R extends Attempt> {
  /** A SECURITY DEFINER function's call listing the tenants with an item due by $1. */
  dueTenants: string;
  /** Claims the tenant's items due by `now` (at most a batch), leasing them until `leaseUntil`. */
  claim(tx: TenantQueryable, tenantId: string, now: Date, leaseUntil: Date): Promise<C[]>;
  attempt(tenantId: string, item: C): Promise<R>;
  record(tx: TenantQueryable, tenantId: string, item: C, r: Recorded<R>): Promise<unknown>;
}

export interface OutboxOutcome {
  done: number;
  failed: number;
  abandoned: number;
}

export async function runOutbox<C extends { id: string; attempts: number }, R extends Attempt>(
  db: Database,
  now: () => Date,
  box: Outbox<C, R>,
): Promise<OutboxOutcome> {
  const outcome: OutboxOutcome = { done: 0, failed: 0, abandoned: 0 };
  const tenants = await db.transaction((tx) =>
    tx.query<{ tenant_id: string }>(`select tenant_id from ${box.dueTenants}`, [now()]),
  );
  for (const { tenant_id: tenantId } of tenants) {
    const claimed = await db.withTenant(tenantId, (tx) =>
      box.claim(tx, tenantId, now(), new Date(now().getTime() + LEASE_MS)),
    );
    for (const item of claimed) {
      const result = await box.attempt(tenantId, item);
      const attempts = item.attempts + (result.dropped ? 0 : 1);
      const abandon = result.dropped === true || (!result.ok && attempts >= MAX_ATTEMPTS);
      if (result.ok) outcome.done++;
      else if (abandon) outcome.abandoned++;
      else outcome.failed++;
      const at = now();
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(Math.max(1, attempts)));
      await db.withTenant(tenantId, (tx) =>
        box.record(tx, tenantId, item, { result, attempts, abandon, at, nextAttemptAt }),
      );
    }
  }
  return outcome;
}
