import { PassThrough } from 'node:stream';
import { localDate, startOfLocalDate } from '../../shared/calendar.js';
import { milliToCredits } from '../../shared/credits.js';
import { addDays, startOfWeek } from '../../shared/local-dates.js';
import { usageByOpening, usageTotals } from '../consumption/queries.js';
import type { Database, Queryable } from '../db/database.js';
import { planExport, runExport } from '../export/export.js';
import { computeForecast } from '../forecast/forecast.js';
import { loadBillingContext } from '../ledger/plans.js';

/** The digest goes out at this local hour on Mondays (docs/product.md, Email). */
const DIGEST_HOUR = 8;
/** A digest not queued within this long of its hour (the server was down) is skipped: it would be late news. */
const DIGEST_WINDOW_MS = 24 * 3_600_000;
/** The openings the email's body lists; the attached CSV has them all. */
const OPENINGS_LISTED = 10;

/** What a weekly digest tells, as queued: the week's figures, read when it is due. */
export interface DigestPayload {
  /** The reported week, Monday to Sunday (local dates). */
  from: string;
  to: string;
  interviews: number;
  completed: number;
  partiallyCompleted: number;
  credits: number;
  openings: { jobTitle: string; completed: number; partiallyCompleted: number; credits: number }[];
  moreOpenings: number;
  balance: number;
  /** The forecast's runway: the day the credits are expected to run out, or null within its horizon. */
  runOut: string | null;
}

/**
 * The week a digest due by `now` reports: the Monday-to-Sunday before the latest Monday, once
 * that Monday's DIGEST_HOUR has passed in the tenant's zone and for a day after; else null.
 */
export function dueDigestWeek(now: Date, timeZone: string): { from: string; to: string } | null {
  const monday = startOfWeek(localDate(now, timeZone));
  const due = digestHour(monday, timeZone);
  const t = now.getTime();
  if (t < due || t >= due + DIGEST_WINDOW_MS) return null;
  return { from: addDays(monday, -7), to: addDays(monday, -1) };
}

/** A Monday's DIGEST_HOUR in the tenant's zone, as an instant (ms). */
const digestHour = (monday: string, timeZone: string) =>
  startOfLocalDate(monday, timeZone).getTime() + DIGEST_HOUR * 3_600_000;

/** How often a tenant is looked at while its digest is due (recipients added late in the day get it). */
const DUE_RECHECK_MS = 60_000;

/**
 * When a tenant should next be looked at for a digest: the start of its next digest's window, or a
 * minute on while one is due. Between, the mail worker's ticks read nothing of the tenant.
 */
export function nextDigestCheck(now: Date, timeZone: string): number {
  if (dueDigestWeek(now, timeZone)) return now.getTime() + DUE_RECHECK_MS;
  const monday = startOfWeek(localDate(now, timeZone));
  const thisWeek = digestHour(monday, timeZone);
  return now.getTime() < thisWeek ? thisWeek : digestHour(addDays(monday, 7), timeZone);
}

/** Each tenant's next look (nextDigestCheck), kept by a mail worker across its ticks. */
export type DigestSchedule = Map<string, number>;

async function digestPayload(
  tx: Queryable,
  tenantId: string,
  week: { from: string; to: string },
  now: Date,
): Promise<DigestPayload> {
  const ctx = await loadBillingContext(tx, tenantId);
  const totals = await usageTotals(tx, tenantId, week);
  const top = await usageByOpening(tx, tenantId, week, {
    sort: 'creditsUsed',
    order: 'desc',
    limit: OPENINGS_LISTED,
    offset: 0,
  });
  const forecast = await computeForecast(tx, ctx, now, 1);
  return {
    ...week,
    interviews: totals.completed + totals.partiallyCompleted,
    completed: totals.completed,
    partiallyCompleted: totals.partiallyCompleted,
    credits: milliToCredits(totals.creditsMilli),
    openings: top.items.map((o) => ({
      jobTitle: o.jobTitle,
      completed: o.completed,
      partiallyCompleted: o.partiallyCompleted,
      credits: milliToCredits(o.creditsMilli),
    })),
    moreOpenings: Math.max(0, top.total - top.items.length),
    balance: forecast.runway.balance,
    runOut: forecast.runway.date,
  };
}

/**
 * Queues each tenant's weekly digest to its digest recipients when one is due (dueDigestWeek):
 * once per week and recipient, whatever the number of servers or ticks (the outbox's key). A
 * tenant whose next look in `schedule` is still ahead is passed over.
 */
export async function queueWeeklyDigests(
  db: Database,
  now: Date,
  schedule: DigestSchedule = new Map(),
): Promise<number> {
  const tenants = await db.transaction((tx) => tx.query<{ id: string }>('select id from system_tenants()'));
  let queued = 0;
  for (const { id: tenantId } of tenants) {
    if ((schedule.get(tenantId) ?? Number.NEGATIVE_INFINITY) > now.getTime()) continue;
    queued += await db.withTenant(tenantId, async (tx) => {
      const ctx = await loadBillingContext(tx, tenantId);
      schedule.set(tenantId, nextDigestCheck(now, ctx.timeZone));
      const week = dueDigestWeek(now, ctx.timeZone);
      if (!week) return 0;
      const recipients = await tx.query<{ email: string }>(
        `select email from notification_recipients r
          where tenant_id = $1 and weekly_digest
            and not exists (select 1 from email_outbox o
                             where o.tenant_id = $1 and o.dedupe_key = 'digest:' || $2 || ':' || r.email)`,
        [tenantId, week.from],
      );
      if (recipients.length === 0) return 0;
      const payload = await digestPayload(tx, tenantId, week, now);
      const rows = await tx.query(
        `insert into email_outbox (tenant_id, recipient, kind, dedupe_key, payload, created_at, next_attempt_at)
         select $1, r, 'weekly_digest', 'digest:' || $2 || ':' || r, $3::jsonb, $4, $4
           from unnest($5::text[]) as r
         on conflict do nothing returning 1`,
        [tenantId, week.from, JSON.stringify(payload), now, recipients.map((r) => r.email)],
      );
      return rows.length;
    });
  }
  return queued;
}

/** The week's usage as the export gives it (CSV, one row per day and opening), for the digest's attachment. */
export async function weekCsv(
  db: Database,
  tenantId: string,
  week: { from: string; to: string },
  now: Date,
): Promise<{ filename: string; content: Buffer }> {
  const plan = await planExport(db, tenantId, { ...week, format: 'csv' }, now);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await runExport(db, plan, out, { actor: 'system', now });
  return { filename: plan.fileName, content: Buffer.concat(chunks) };
}
