import type { BudgetAction, BudgetScopeKind, BudgetWindow } from '../../shared/budgets.js';
import { milliToCredits } from '../../shared/credits.js';
import { type AuditContext, writeAudit } from '../auth/audit.js';
import type { Database, Queryable } from '../db/database.js';
import { DomainError, notFound } from '../errors.js';
import { loadBillingContext } from '../ledger/plans.js';
import { raiseReachedBudgetAlerts, resolveBudgetAlerts } from './hold.js';
import type { BudgetSettings } from './input.js';

/** A budget as stored. */
export interface BudgetRow extends BudgetSettings {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, scope_kind, scope_value, credits_milli, budget_window, on_exhausted, thresholds,
  created_at, updated_at`;

type Row = {
  id: string;
  scope_kind: BudgetScopeKind;
  scope_value: string;
  credits_milli: string | number;
  budget_window: BudgetWindow;
  on_exhausted: BudgetAction;
  thresholds: number[];
  created_at: Date;
  updated_at: Date;
};

const rowOf = (r: Row): BudgetRow => ({
  id: r.id,
  scope: { kind: r.scope_kind, value: r.scope_value },
  creditsMilli: Number(r.credits_milli),
  window: r.budget_window,
  onExhausted: r.on_exhausted,
  thresholds: r.thresholds.map(Number),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The tenant's budgets, in the order people set them. */
export async function loadBudgets(tx: Queryable, tenantId: string): Promise<BudgetRow[]> {
  const rows = await tx.query<Row>(
    `select ${COLUMNS} from budgets where tenant_id = $1 order by created_at, id`,
    [tenantId],
  );
  return rows.map(rowOf);
}

export async function findBudget(tx: Queryable, tenantId: string, id: string): Promise<BudgetRow> {
  const [row] = await tx.query<Row>(`select ${COLUMNS} from budgets where tenant_id = $1 and id = $2`, [
    tenantId,
    id,
  ]);
  if (!row) throw notFound('The budget');
  return rowOf(row);
}

const budgetExists = (s: BudgetSettings) =>
  new DomainError(
    'budget_exists',
    `The ${s.scope.kind} ${s.scope.value} already has a budget; change that one.`,
  );

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

/** What the audit log records of a budget's settings. */
const auditDetails = (id: string, s: BudgetSettings) => ({
  budgetId: id,
  scope: s.scope,
  credits: milliToCredits(s.creditsMilli),
  window: s.window,
  onExhausted: s.onExhausted,
  thresholds: s.thresholds,
});

/** Runs `fn` in the tenant's transaction; two writers racing to one scope get budget_exists. */
async function writing<T>(
  db: Database,
  tenantId: string,
  s: BudgetSettings,
  fn: (tx: Queryable) => Promise<T>,
) {
  try {
    return await db.withTenant(tenantId, fn);
  } catch (err) {
    if (isUniqueViolation(err)) throw budgetExists(s);
    throw err;
  }
}

/** Sets a budget on a scope that has none (else 409 budget_exists); audited. */
export async function createBudget(
  db: Database,
  tenantId: string,
  s: BudgetSettings,
  audit: AuditContext & { at: Date },
): Promise<BudgetRow> {
  return writing(db, tenantId, s, async (tx) => {
    const [row] = await tx.query<Row>(
      `insert into budgets (tenant_id, scope_kind, scope_value, credits_milli, budget_window, on_exhausted,
                            thresholds, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       on conflict (tenant_id, scope_kind, scope_value) do nothing
       returning ${COLUMNS}`,
      [
        tenantId,
        s.scope.kind,
        s.scope.value,
        s.creditsMilli,
        s.window,
        s.onExhausted,
        s.thresholds,
        audit.at,
      ],
    );
    if (!row) throw budgetExists(s);
    await writeAudit(tx, tenantId, audit, 'budget.created', auditDetails(row.id, s));
    const budget = rowOf(row);
    // Made past a threshold already (usage before a budget counts): alerted now, not at the next charge.
    await raiseReachedBudgetAlerts(tx, await loadBillingContext(tx, tenantId), [budget], audit.at);
    return budget;
  });
}

/** Replaces a budget's settings (404 when the tenant has no such budget); audited. */
export async function updateBudget(
  db: Database,
  tenantId: string,
  id: string,
  s: BudgetSettings,
  audit: AuditContext & { at: Date },
): Promise<BudgetRow> {
  return writing(db, tenantId, s, async (tx) => {
    await findBudget(tx, tenantId, id);
    const taken = await tx.query(
      'select 1 from budgets where tenant_id = $1 and scope_kind = $2 and scope_value = $3 and id <> $4',
      [tenantId, s.scope.kind, s.scope.value, id],
    );
    if (taken.length > 0) throw budgetExists(s);
    const [row] = await tx.query<Row>(
      `update budgets set scope_kind = $3, scope_value = $4, credits_milli = $5, budget_window = $6,
              on_exhausted = $7, thresholds = $8, updated_at = $9
        where tenant_id = $1 and id = $2
        returning ${COLUMNS}`,
      [
        tenantId,
        id,
        s.scope.kind,
        s.scope.value,
        s.creditsMilli,
        s.window,
        s.onExhausted,
        s.thresholds,
        audit.at,
      ],
    );
    if (!row) throw notFound('The budget');
    await writeAudit(tx, tenantId, audit, 'budget.updated', auditDetails(id, s));
    const budget = rowOf(row);
    // A raised limit (or higher thresholds) may leave reached thresholds behind: they resolve; a
    // lowered one may reach thresholds at once: they are raised.
    const ctx = await loadBillingContext(tx, tenantId);
    await resolveBudgetAlerts(tx, ctx, [budget], audit.at);
    await raiseReachedBudgetAlerts(tx, ctx, [budget], audit.at);
    return budget;
  });
}

/** Removes a budget and its alerts (404 when the tenant has no such budget); audited. */
export async function deleteBudget(
  db: Database,
  tenantId: string,
  id: string,
  audit: AuditContext,
): Promise<BudgetRow> {
  return db.withTenant(tenantId, async (tx) => {
    const [row] = await tx.query<Row>(
      `delete from budgets where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
      [tenantId, id],
    );
    if (!row) throw notFound('The budget');
    const budget = rowOf(row);
    await writeAudit(tx, tenantId, audit, 'budget.deleted', auditDetails(id, budget));
    return budget;
  });
}
