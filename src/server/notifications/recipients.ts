import { randomBytes } from 'node:crypto';
import type { Recipient } from '../../shared/contract/notifications.js';
import type { Database, Queryable } from '../db/database.js';
import { DomainError } from '../errors.js';

type RecipientRow = { email: string; alerts: boolean; weekly_digest: boolean; statements: boolean };

const fromRow = (r: RecipientRow): Recipient => ({
  email: r.email,
  alerts: r.alerts,
  weeklyDigest: r.weekly_digest,
  statements: r.statements,
});

export async function loadRecipients(tx: Queryable, tenantId: string): Promise<Recipient[]> {
  const rows = await tx.query<RecipientRow>(
    `select email, alerts, weekly_digest, statements from notification_recipients
      where tenant_id = $1 order by email`,
    [tenantId],
  );
  return rows.map(fromRow);
}

/**
 * Replaces the tenant's recipients with `recipients`. An address kept keeps its unsubscribe token,
 * so links in emails already sent go on working; a new address gets a new one.
 */
export async function saveRecipients(
  tx: Queryable,
  tenantId: string,
  recipients: Recipient[],
  now: Date,
): Promise<void> {
  const seen = new Set<string>();
  for (const r of recipients) {
    if (seen.has(r.email)) throw new DomainError('duplicate_recipient', `${r.email} is listed twice.`);
    seen.add(r.email);
  }
  await tx.query(
    'delete from notification_recipients where tenant_id = $1 and not (email = any($2::text[]))',
    [tenantId, [...seen]],
  );
  if (recipients.length === 0) return;
  await tx.query(
    `insert into notification_recipients (tenant_id, email, alerts, weekly_digest, statements, unsubscribe_token,
                                          updated_at)
     select $1, r.email, r.alerts, r.weekly_digest, r.statements, r.token, $3
       from json_to_recordset($2::json) as r(email text, alerts boolean, weekly_digest boolean, statements boolean,
                                             token text)
     on conflict (tenant_id, email) do update set
       alerts = excluded.alerts, weekly_digest = excluded.weekly_digest, statements = excluded.statements,
       updated_at = excluded.updated_at`,
    [
      tenantId,
      JSON.stringify(
        recipients.map((r) => ({
          email: r.email,
          alerts: r.alerts,
          weekly_digest: r.weeklyDigest,
          statements: r.statements,
          token: randomBytes(24).toString('base64url'),
        })),
      ),
      now,
    ],
  );
}

/** Turns off every email of the recipient whose link carries `token`; its address, or undefined. */
export async function unsubscribeByToken(db: Database, token: string): Promise<string | undefined> {
  const [found] = await db.transaction((tx) =>
    tx.query<{ tenant_id: string; email: string }>('select * from notifications_unsubscribe_lookup($1)', [
      token,
    ]),
  );
  if (!found) return undefined;
  await db.withTenant(found.tenant_id, (tx) =>
    tx.query(
      `update notification_recipients set alerts = false, weekly_digest = false, statements = false
        where tenant_id = $1 and email = $2`,
      [found.tenant_id, found.email],
    ),
  );
  return found.email;
}
