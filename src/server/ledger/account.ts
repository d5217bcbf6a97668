import type { Queryable } from '../db/database.js';
import { one } from '../db/database.js';

/** A tenant's credit account: the balance and the outstanding overage, caches of the ledger's sums. */
export interface Account {
  tenantId: string;
  balanceMilli: number;
  /** Consumption no lot bears yet; the next lot credited settles it. */
  overageMilli: number;
}

/**
 * Reads the tenant's account. `lock` takes its row lock for the transaction, so ledger writes of one
 * tenant run one at a time: every writer reads it so before appending entries.
 */
export async function readAccount(
  tx: Queryable,
  tenantId: string,
  opts: { lock: boolean },
): Promise<Account> {
  const row = await one<{ balance_milli: number; overage_milli: number }>(
    tx,
    `select balance_milli, overage_milli from credit_accounts where tenant_id = $1${opts.lock ? ' for update' : ''}`,
    [tenantId],
  );
  return { tenantId, balanceMilli: Number(row.balance_milli), overageMilli: Number(row.overage_milli) };
}
