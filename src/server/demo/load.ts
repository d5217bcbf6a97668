import { localDate, startOfLocalDate } from '../../shared/calendar.js';
import { creditsToMilli, milliToCredits } from '../../shared/credits.js';
import { createApiKey, recordApiKeyUse } from '../auth/api-keys.js';
import { addUser } from '../auth/users.js';
import type { Database } from '../db/database.js';
import { analyzeStaleTables } from '../db/embedded-statistics.js';
import { DomainError } from '../errors.js';
import { readAccount } from '../ledger/account.js';
import { closeDuePeriods } from '../ledger/close.js';
import { purchaseCredits } from '../ledger/purchases.js';
import { createTenant } from '../tenants/create.js';
import { addDemoBudgets } from './budgets.js';
import { type Delivery, generateStream } from './interviews.js';
import { DemoReplay } from './replay.js';
import { DEMO_API_KEY_NAME, DEMO_PASSWORD, DEMO_TENANTS, type DemoTenantSpec } from './tenants.js';

export { DEMO_LOGINS, DEMO_PASSWORD } from './tenants.js';

export interface DemoTenantResult {
  slug: string;
  name: string;
  /** Real interviews (simulation runs not included). */
  interviews: number;
  simulations: number;
  /** Events accepted by ingestion. */
  events: number;
  /** Events the engine sent twice, answered as duplicates. */
  duplicates: number;
  /** Events ingestion refused (none, unless the plan ran out of credits at a large scale). */
  rejected: number;
  balanceCredits: number;
}

export interface DemoResult {
  tenants: DemoTenantResult[];
}

const ACTOR = 'demo';
export const MAX_SCALE = 5;

/**
 * Loads the demo tenants (Acme Talent, Globex Hiring) with their history up to `now` through the
 * application's own code: createTenant, users and an API key, then month by month the period close
 * and the month's interview events as one batch under ingest's rules (DemoReplay: the charges posted
 * per batch, the rows written once at the end), the purchase on its day. The same `now` and scale
 * give the same data. Refuses when the demo is loaded already.
 */
export async function loadDemo(
  db: Database,
  opts: { now: Date; log?: (msg: string) => void; scale?: number },
): Promise<DemoResult> {
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new DomainError(
      'invalid_scale',
      `The demo scale must be a number above 0 and at most ${MAX_SCALE}.`,
    );
  }
  if (Number.isNaN(opts.now.getTime())) throw new DomainError('invalid_time', 'now must be a valid time.');
  await refuseIfLoaded(db);
  const log = opts.log ?? (() => {});
  const tenants: DemoTenantResult[] = [];
  for (const spec of DEMO_TENANTS) tenants.push(await loadTenant(db, spec, opts.now, scale, log));
  await addDemoBudgets(db, opts.now);
  // The embedded database analyzes nothing by itself: the demo's tables get their statistics now,
  // so a first start (and the install's template) plans its queries for the rows it holds.
  await analyzeStaleTables(db);
  return { tenants };
}

/** The demo tenants that exist (none in a database the demo was not loaded into). */
export async function loadedDemoTenants(db: Database): Promise<string[]> {
  const rows = await db.query<{ slug: string }>('select slug from system_tenants() where slug = any($1)', [
    DEMO_TENANTS.map((t) => t.slug),
  ]);
  return rows.map((r) => r.slug);
}

async function refuseIfLoaded(db: Database): Promise<void> {
  const existing = await loadedDemoTenants(db);
  if (existing.length > 0) {
    throw new DomainError(
      'demo_loaded',
      `The demo is loaded already (tenant ${existing.join(', ')} exists); it is loaded once, into a new database.`,
    );
  }
  for (const user of DEMO_TENANTS.flatMap((t) => t.users)) {
    const taken = await db.query('select 1 from auth_login_lookup($1)', [user.email]);
    if (taken.length > 0) {
      throw new DomainError(
        'demo_loaded',
        `The demo login ${user.email} exists already; the demo cannot be loaded.`,
      );
    }
  }
}

type Step = { at: number; run: () => Promise<void> };

async function loadTenant(
  db: Database,
  spec: DemoTenantSpec,
  now: Date,
  scale: number,
  log: (msg: string) => void,
): Promise<DemoTenantResult> {
  const started = Date.now();
  // Each phase's duration is logged (at info): what the first start waits for, phase by phase.
  const since = (at: number) => `${((Date.now() - at) / 1000).toFixed(1)} s`;
  const stream = generateStream(spec, { now, scale });
  const createdAt = startOfLocalDate(stream.anchor, spec.timeZone);
  log(
    `demo: ${spec.name} (${spec.slug}): ${stream.interviews} interviews and ${stream.simulations} simulations ` +
      `since ${stream.anchor}, ${stream.deliveries.length} events, generated in ${since(started)}`,
  );
  const { id } = await createDemoTenant(db, spec, stream.anchor, createdAt);
  for (const user of spec.users) {
    await addUser(db, id, { ...user, password: DEMO_PASSWORD }, { actor: ACTOR, at: createdAt });
  }
  const key = await createApiKey(db, id, { name: DEMO_API_KEY_NAME }, { actor: ACTOR, at: createdAt });
  const actor = `api_key:${key.id}`;

  // Period closes at each month start and the purchase, in time order, between the event batches.
  const steps: Step[] = stream.monthStarts.slice(1).map((at) => ({
    at,
    run: async () => {
      await closeDuePeriods(db, id, new Date(at));
    },
  }));
  const { purchase } = spec;
  const { purchaseAt } = stream;
  if (purchase && purchaseAt !== null) {
    steps.push({
      at: purchaseAt,
      run: async () => {
        await purchaseCredits(db, id, {
          idempotencyKey: `demo-${spec.slug}-purchase-1`,
          creditsMilli: creditsToMilli(purchase.credits),
          actor: `user:${spec.users.find((u) => u.role === 'account_admin')?.email ?? ACTOR}`,
          now: new Date(purchaseAt),
        });
      },
    });
  }
  steps.sort((a, b) => a.at - b.at);

  const ingesting = Date.now();
  const replay = new DemoReplay(db, id, actor);
  const { totals } = replay;
  const { deliveries } = stream;
  let next = 0;
  /**
   * Ingests every event delivered before `limit` as one batch (a month's, between the period closes
   * and the purchase): the ledger's postings are what must fall between those steps, and a month's
   * batch posts them for a fraction of what the engine's batches of 1,000 cost.
   */
  const ingestBefore = async (limit: number) => {
    const first = next;
    while (next < deliveries.length && (deliveries[next] as Delivery).at < limit) next++;
    const last = deliveries[next - 1];
    if (next === first || !last) return;
    // The batch arrives when its last event does: nothing in it lies in the future.
    await replay.ingest(
      deliveries.slice(first, next).map((d) => d.event),
      new Date(last.at),
    );
  };
  let reported = 0;
  for (const step of steps) {
    await ingestBefore(step.at);
    await step.run();
    const quarter = Math.floor((4 * next) / Math.max(1, deliveries.length));
    if (quarter > reported && quarter < 4) {
      reported = quarter;
      log(
        `demo: ${spec.slug}: ${quarter * 25} % ingested (up to ${localDate(new Date(step.at), spec.timeZone)})`,
      );
    }
  }
  await ingestBefore(Number.POSITIVE_INFINITY);
  log(`demo: ${spec.slug}: ingested month by month (charges posted, periods closed) in ${since(ingesting)}`);
  const writing = Date.now();
  await replay.flush();
  log(`demo: ${spec.slug}: events, interviews, candidates and rollups written in ${since(writing)}`);
  // The engine's key sent every event: it was last used when the last one arrived.
  const last = deliveries.at(-1);
  if (last) await db.withTenant(id, (tx) => recordApiKeyUse(tx, id, key.id, new Date(last.at)));
  await closeDuePeriods(db, id, now);

  if (totals.rejected > 0) {
    log(
      `demo: ${spec.slug}: ${totals.rejected} events were refused (the plan ran out of credits at this scale)`,
    );
  }
  const account = await db.withTenant(id, (tx) => readAccount(tx, id, { lock: false }));
  const balanceCredits = milliToCredits(account.balanceMilli);
  log(
    `demo: ${spec.slug}: ${totals.accepted} events accepted, ${totals.duplicates} duplicates, ` +
      `balance ${balanceCredits} credits (${since(started)})`,
  );
  return {
    slug: spec.slug,
    name: spec.name,
    interviews: stream.interviews,
    simulations: stream.simulations,
    events: totals.accepted,
    duplicates: totals.duplicates,
    rejected: totals.rejected,
    balanceCredits,
  };
}

async function createDemoTenant(db: Database, spec: DemoTenantSpec, anchor: string, at: Date) {
  try {
    return await createTenant(
      db,
      { slug: spec.slug, name: spec.name, timeZone: spec.timeZone, billingAnchor: anchor, plan: spec.plan },
      { now: at, actor: ACTOR },
    );
  } catch (err) {
    if (err instanceof DomainError && err.code === 'slug_taken') {
      throw new DomainError('demo_loaded', `The demo is loaded already (tenant ${spec.slug} exists).`);
    }
    throw err;
  }
}
