import type { OpeningStatus } from '../../shared/contract/openings.js';
import type { Queryable } from '../db/database.js';

export interface Opening {
  id: string;
  jobTitle: string;
  status: OpeningStatus;
  createdAt: Date;
}

type OpeningRow = { id: string; job_title: string; status: OpeningStatus; created_at: Date };

const fromRow = (r: OpeningRow): Opening => ({
  id: r.id,
  jobTitle: r.job_title,
  status: r.status,
  createdAt: r.created_at,
});

export async function findOpening(
  tx: Queryable,
  tenantId: string,
  openingId: string,
): Promise<Opening | undefined> {
  const [row] = await tx.query<OpeningRow>(
    'select id, job_title, status, created_at from openings where tenant_id = $1 and id = $2',
    [tenantId, openingId],
  );
  return row && fromRow(row);
}

/** Opens or closes an opening; undefined when the tenant has no such opening. */
export async function setOpeningStatus(
  tx: Queryable,
  tenantId: string,
  openingId: string,
  status: OpeningStatus,
): Promise<Opening | undefined> {
  const [row] = await tx.query<OpeningRow>(
    `update openings set status = $3 where tenant_id = $1 and id = $2
     returning id, job_title, status, created_at`,
    [tenantId, openingId, status],
  );
  return row && fromRow(row);
}
