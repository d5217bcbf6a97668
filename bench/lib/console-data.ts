import { addUser } from '../../src/server/auth/users.js';
import type { Database, Queryable } from '../../src/server/db/database.js';
import { MONTH_WEIGHTS } from '../../src/server/demo/seasonality.js';
import { readAccount } from '../../src/server/ledger/account.js';
import { closeDuePeriods } from '../../src/server/ledger/close.js';
import { periodAt } from '../../src/server/ledger/periods.js';
import { type ChargeDelta, loadOpenLots, postConsumption } from '../../src/server/ledger/postings.js';
import { setOfValues } from '../../src/server/metering/attribution-sets.js';
import { createTenant } from '../../src/server/tenants/create.js';
import { addDays, daysBetween, localDate, startOfLocalDate } from '../../src/shared/calendar.js';
import { creditsToMilli } from '../../src/shared/credits.js';
import type { BenchDatabase } from './database.js';
import { prng, TITLES } from './events.js';
import { dropIndexes, restoreIndexes } from './without-indexes.js';

/**
 * A tenant's console history, made set-based in SQL instead of through ingest (a million
 * interviews through ingest would take most of an hour): the tenant, its plan and an admin through
 * the application's code (createTenant, addUser); then, as the schema owner, openings, candidates
 * and interviews over three years with seasonality, in realistic states; the daily rollups by a
 * GROUP BY over those interviews with the day rules of src/server/metering/rollup.ts; and the
 * ledger through the application's code again: each billing period's charges posted with
 * postConsumption, then the period closed with closeDuePeriods, as the scheduler would.
 * Raw interview_events are not made: the console never reads them. The monthly rollup by opening
 * follows the daily one by its triggers (migration 024).
 */
export interface ConsoleTenantSpec {
  slug: string;
  name: string;
  timeZone: string;
  interviews: number;
  openings: number;
  /** Monthly allotment in credits (peak months go into overage, which the next grant settles). */
  allotmentCredits: number;
  seed: number;
}

/** The billing anchor and first day of history; the app's clock stands at NOW. */
export const HISTORY_FROM = '2023-04-01';
export const NOW = new Date('2026-03-20T16:00:00Z');
export const ADMIN_PASSWORD = 'bench console password';
const ACTOR = 'bench';

export interface LoadedTenant {
  id: string;
  slug: string;
  timeZone: string;
  email: string;
  counts: Record<string, number>;
  /** Seconds spent per phase. */
  phases: Record<string, number>;
}

const PLACES = ['Austin', 'Berlin', 'Chicago', 'Dublin', 'Lisbon', 'Remote', 'Toronto', 'Warsaw', 'Denver'];

export const openingId = (k: number) => `op-${String(k + 1).padStart(5, '0')}`;

interface Plan {
  /** Parallel arrays: one entry per (opening, day) with interviews; `off` numbers them. */
  opening: number[];
  day: number[];
  off: number[];
  count: number[];
  titles: Map<number, string>;
  days: number;
}

/**
 * How many interviews each opening gets on each local day. Each day's volume follows the demo's
 * hiring calendar (MONTH_WEIGHTS), the weekday (weekends are quiet), 25 % growth a year and some
 * noise; it is shared among the openings open that day by their weights. Openings stay open one
 * to four months; an evergreen opening keeps every day covered. Exactly `spec.interviews` in all.
 */
function planInterviews(spec: ConsoleTenantSpec, lastDay: string): Plan {
  const rand = prng(spec.seed);
  const days = daysBetween(HISTORY_FROM, lastDay) + 1;
  const dayWeight = Array.from({ length: days }, (_, i) => {
    const date = addDays(HISTORY_FROM, i);
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekday = dow === 0 ? 0.12 : dow === 6 ? 0.25 : 1;
    const month = MONTH_WEIGHTS[Number(date.slice(5, 7)) - 1] ?? 1;
    return month * weekday * 1.25 ** (i / 365) * (0.85 + rand() * 0.3);
  });
  const openings = Array.from({ length: spec.openings }, (_, k) => {
    if (k === 0) return { start: 0, end: days, weight: 0.3, title: 'General Application' };
    const opensAt = Math.floor(-100 + rand() * (days + 80));
    const span = 30 + Math.floor(rand() * 90);
    const title = `${TITLES[Math.floor(rand() * TITLES.length)]} · ${PLACES[Math.floor(rand() * PLACES.length)]}`;
    return {
      start: Math.max(0, opensAt),
      end: Math.min(days, Math.max(1, opensAt + span)),
      weight: 0.2 + rand() ** 2 * 3,
      title,
    };
  });
  const activeWeight = new Float64Array(days);
  for (const o of openings)
    for (let d = o.start; d < o.end; d++) activeWeight[d] = (activeWeight[d] ?? 0) + o.weight;

  // Cumulative rounding over every (opening, day) pair, day by day (so interviews are numbered
  // and stored in time order, as ingest would store them): the counts add up to exactly the total.
  const pairs: [number, number, number][] = [];
  for (const [k, o] of openings.entries()) for (let d = o.start; d < o.end; d++) pairs.push([k, d, 0]);
  pairs.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  let total = 0;
  for (const pair of pairs) {
    const [k, d] = pair;
    total +=
      ((dayWeight[d] as number) * (openings[k] as { weight: number }).weight) / (activeWeight[d] as number);
    pair[2] = total;
  }
  const plan: Plan = { opening: [], day: [], off: [], count: [], titles: new Map(), days };
  let given = 0;
  for (const [i, [k, d, cum]] of pairs.entries()) {
    const upTo =
      i === pairs.length - 1
        ? spec.interviews
        : Math.min(spec.interviews, Math.floor((spec.interviews * cum) / total));
    if (upTo > given) {
      plan.opening.push(k);
      plan.day.push(d);
      plan.off.push(given);
      plan.count.push(upTo - given);
      plan.titles.set(k, (openings[k] as { title: string }).title);
      given = upTo;
    }
  }
  return plan;
}

/** A uniform number in [0, 1) from interview n and a stream j: the same on every PostgreSQL. */
const r = (j: number) => `((hashint8(n * 16 + ${j} + salt) & 2147483647)::float8 / 2147483648)`;

/**
 * Interviews from the plan, their whole life decided per row from hashes, then cut at $8 (now):
 * a milestone after now has not happened yet. The state, finish time, completion and charge follow
 * deriveState and chargeFor (default partial rule: under 25 % free, under 75 % half, else one);
 * verifyTenant (bench/console.ts) proves the state and finish time equal deriveState's.
 * Outcomes: 44 % completed, 12 % ended early, 7 % started then never finished (expire after 7
 * days: partially completed), 20 % never started (expired), 7 % cancelled, 10 % simulations.
 * Each level ends in `offset 0` so the planner does not fold it into the next: folded, every
 * reference to a column copies its whole expression, and planning alone took most of a minute.
 */
const INSERT_INTERVIEWS = `
insert into interviews (tenant_id, id, opening_id, candidate_id, is_simulation, state, finished_at, invited_at,
                        started_at, completed_at, ended_at, expired_at, cancelled_at, completion, charged_milli,
                        charge_rule, charge_rule_version, updated_at, attribution)
select $1, id, opening_id, candidate_id, is_sim, state, finished_at, invited_at, started_at, completed_at, ended_at,
       expired_at, cancelled_at, completion, charged,
       case when is_sim then 'simulation' when state = 'completed' then 'completed'
            when state = 'partially_completed' then 'partial' else 'not_charged' end,
       1, coalesce(completed_at, ended_at, greatest(expired_at, cancelled_at), started_at, invited_at),
       case when k > 1 then jsonb_build_object(
         'recruiter', jsonb_build_object('value', 'rec-' || (k % 40), 'name', 'Recruiter rec-' || (k % 40)) || stamp,
         'department', jsonb_build_object('value', ($10::text[])[1 + k % 8]) || stamp,
         'location', jsonb_build_object('value', ($11::text[])[1 + k % 5]) || stamp) end
  from (
    select *, substr(opening_id, 4)::int as k,
           jsonb_build_object('at', (extract(epoch from invited_at) * 1000)::int8, 'event', 'evt-' || id) as stamp,
           case when is_sim then 0
                   when state = 'completed' then 1000
                   when state = 'partially_completed' then
                     case when completion >= 0.75 then 1000 when completion >= 0.25 then 500 else 0 end
                   else 0 end as charged
      from (
        select *,
               case when completed_at is not null then 'completed'
                    when ended_at is not null then 'partially_completed'
                    when started_at is not null then
                      case when expired_at is not null or cancelled_at is not null then 'partially_completed'
                           else 'started' end
                    when expired_at is not null and (cancelled_at is null or expired_at <= cancelled_at) then 'expired'
                    when cancelled_at is not null then 'cancelled'
                    else 'invited' end as state,
               coalesce(completed_at, ended_at, case when started_at is not null then least(expired_at, cancelled_at) end)
                 as finished_at,
               case when is_sim or completed_at is not null then 1
                    when started_at is null then 0
                    when ended_at is not null or expired_at is not null or cancelled_at is not null then target
                    else round((target / 2)::numeric, 3)::float8 end as completion
          from (
            select id, opening_id, candidate_id, is_sim, invited_at, target,
                   case when is_sim then invited_at
                        when kind in ('completed', 'partial', 'abandoned') and start_at <= $8 then start_at end
                     as started_at,
                   case when is_sim then invited_at when kind = 'completed' and finish_at <= $8 then finish_at end
                     as completed_at,
                   case when kind = 'partial' and finish_at <= $8 then finish_at end as ended_at,
                   case when kind in ('abandoned', 'expired') and invited_at + interval '7 days' <= $8
                        then invited_at + interval '7 days' end as expired_at,
                   case when kind = 'cancelled' and cancel_at <= $8 then cancel_at end as cancelled_at
              from (
                select *, kind = 'simulation' as is_sim,
                       start_at + make_interval(secs => 600 + r4 * 2400) as finish_at
                  from (
                    select 'iv-' || md5(salt || ':' || n)::uuid as id,
                           'op-' || lpad((o + 1)::text, 5, '0') as opening_id,
                           'cand-' || md5(salt || ':c:' ||
                             case when n > 100 and ${r(7)} < 0.12 then floor(${r(8)} * n)::bigint else n end)::uuid
                             as candidate_id,
                           kind, invited_at,
                           invited_at + interval '1 hour' + ${r(3)} * interval '4 days' as start_at,
                           ${r(4)} as r4,
                           invited_at + ${r(5)} * interval '3 days' as cancel_at,
                           round(((0.05 + ${r(6)} * 0.9) * case when kind = 'partial' then 1 else 0.6 end)::numeric, 3)::float8
                             as target
                      from (
                        select o, n, salt,
                               (($6::date + d) + make_interval(secs => 28800 + ${r(2)} * 36000)) at time zone $7
                                 as invited_at,
                               case when ${r(1)} < 0.44 then 'completed'
                                    when ${r(1)} < 0.56 then 'partial'
                                    when ${r(1)} < 0.63 then 'abandoned'
                                    when ${r(1)} < 0.83 then 'expired'
                                    when ${r(1)} < 0.90 then 'cancelled'
                                    else 'simulation' end as kind
                          from (
                            select p.o, p.d, g.n, $9::bigint as salt
                              from unnest($2::int[], $3::int[], $4::int[], $5::int[]) as p(o, d, off, cnt)
                              cross join lateral generate_series(p.off::bigint, (p.off + p.cnt - 1)::bigint) as g(n)
                            offset 0
                          ) numbered
                        offset 0
                      ) drawn
                    offset 0
                  ) lives
                offset 0
              ) timed
            offset 0
          ) cut
        offset 0
      ) derived
  ) charged`;

/**
 * The daily rollups of a tenant's interviews, by the rules of addContribution: each count on the
 * local day it happened (a simulation on its run, invited on the invitation, started on the
 * start, an outcome and its credits on the day the interview reached it: its finished_at).
 */
const INSERT_ROLLUPS = `
insert into daily_usage (tenant_id, opening_id, day, invited, started, completed, partially_completed, expired,
                         cancelled, simulations, credits_milli)
select $1, opening_id, day, sum(inv), sum(st), sum(comp), sum(part), sum(exp), sum(canc), sum(sims), sum(credits)
  from (
    select i.opening_id, x.*
      from interviews i
      cross join lateral (values
        (case when is_simulation then (coalesce(completed_at, invited_at) at time zone $2)::date end,
          0, 0, 0, 0, 0, 0, 1, 0::bigint),
        (case when not is_simulation then (invited_at at time zone $2)::date end, 1, 0, 0, 0, 0, 0, 0, 0),
        (case when not is_simulation and started_at is not null then (started_at at time zone $2)::date end,
          0, 1, 0, 0, 0, 0, 0, 0),
        (case when not is_simulation and state = 'completed' then (finished_at at time zone $2)::date end,
          0, 0, 1, 0, 0, 0, 0, 0),
        (case when not is_simulation and state = 'partially_completed' and finished_at is not null
              then (finished_at at time zone $2)::date end, 0, 0, 0, 1, 0, 0, 0, 0),
        (case when not is_simulation and state = 'expired' then (expired_at at time zone $2)::date end,
          0, 0, 0, 0, 1, 0, 0, 0),
        (case when not is_simulation and state = 'cancelled' then (cancelled_at at time zone $2)::date end,
          0, 0, 0, 0, 0, 1, 0, 0),
        (case when not is_simulation and charged_milli <> 0 and finished_at is not null
              then (finished_at at time zone $2)::date end, 0, 0, 0, 0, 0, 0, 0, charged_milli)
      ) as x(day, inv, st, comp, part, exp, canc, sims, credits)
     where i.tenant_id = $1 and x.day is not null
  ) contributions
 group by opening_id, day
 -- In day order, as ingest creates them day after day (the day-range scans depend on it).
 order by day, opening_id`;

/**
 * The candidates per opening and day, as ingest keeps them (addCandidateDays): each non-simulation
 * interview's candidate on the local days of its counted milestones; then each rollup row's count.
 */
const INSERT_CANDIDATES = `
insert into daily_candidates (tenant_id, opening_id, day, who, interviews)
select $1, opening_id, day, who, count(distinct id)
  from (
    select i.id, i.opening_id, coalesce(i.candidate_id, '#' || i.id) as who, (m.at at time zone $2)::date as day
      from interviews i
      cross join lateral (values
        (invited_at),
        (started_at),
        (case when state in ('completed', 'partially_completed') then finished_at end),
        (case when state = 'expired' then expired_at end),
        (case when state = 'cancelled' then cancelled_at end)
      ) as m(at)
     where i.tenant_id = $1 and not i.is_simulation and m.at is not null
  ) active
 group by opening_id, day, who`;

const COUNT_CANDIDATES = `
update daily_usage u set candidates = c.n
  from (select opening_id, day, count(*)::int as n from daily_candidates where tenant_id = $1 group by 1, 2) c
 where u.tenant_id = $1 and u.opening_id = c.opening_id and u.day = c.day`;

/** The per-tenant day totals, as ingest keeps them: the rollups by opening summed by day. */
const INSERT_DAY_TOTALS = `
insert into tenant_daily_usage (tenant_id, day, invited, started, completed, partially_completed, expired,
                                cancelled, simulations, credits_milli)
select tenant_id, day, sum(invited), sum(started), sum(completed), sum(partially_completed), sum(expired),
       sum(cancelled), sum(simulations), sum(credits_milli)
  from daily_usage where tenant_id = $1 group by tenant_id, day order by day`;

/** The open invitations per day of invitation, as ingest keeps them (addOpenInvitation). */
const INSERT_OPEN_INVITATIONS = `
insert into open_invitation_days (tenant_id, day, open_invitations)
select $1, (invited_at at time zone $2)::date, count(*)
  from interviews
 where tenant_id = $1 and not is_simulation and state in ('invited', 'started')
 group by 2`;

/**
 * Attribution as ingest leaves it, by opening: every interview of an opening but the first (the
 * general application: usage without attribution) has the opening's recruiter (of 40), department
 * (of 8) and location (of 5), given by its invitation; the recruiters are named. The interviews
 * get theirs as they are inserted (INSERT_INTERVIEWS, the same values from DEPARTMENTS and
 * LOCATIONS), not by updating every row after: at 10,000,000 interviews those two updates took
 * most of the load.
 */
const OPENING_ATTRIBUTES = `
select o.id as opening_id, d.dimension, d.value
  from openings o
 cross join lateral (select substr(o.id, 4)::int as k) n
 cross join lateral (values
   ('recruiter', 'rec-' || (n.k % 40)),
   ('department', (array['Engineering', 'Nursing', 'Sales', 'Support', 'Finance', 'Legal', 'Marketing',
                         'Operations'])[1 + n.k % 8]),
   ('location', (array['Berlin', 'London', 'New York', 'São Paulo', 'Singapore'])[1 + n.k % 5])
 ) as d(dimension, value)
 where o.tenant_id = $1 and n.k > 1`;

/** The rollups by attribute: each opening's daily rollups under its attributes. */
const INSERT_ATTRIBUTE_ROLLUPS = `
insert into attribute_daily_usage (tenant_id, dimension, value, day, invited, started, completed,
                                   partially_completed, expired, cancelled, simulations, credits_milli)
select $1, a.dimension, a.value, u.day, sum(invited), sum(started), sum(completed), sum(partially_completed),
       sum(expired), sum(cancelled), sum(simulations), sum(credits_milli)
  from daily_usage u join (${OPENING_ATTRIBUTES}) a on a.opening_id = u.opening_id
 where u.tenant_id = $1
 group by a.dimension, a.value, u.day
 order by u.day, a.dimension, a.value`;

/**
 * The attribution sets of OPENING_ATTRIBUTES (docs/product.md, Filters): one per opening number
 * modulo 40, which decides the recruiter, the department (modulo 8) and the location (modulo 5).
 */
const DEPARTMENTS = [
  'Engineering',
  'Nursing',
  'Sales',
  'Support',
  'Finance',
  'Legal',
  'Marketing',
  'Operations',
];
const LOCATIONS = ['Berlin', 'London', 'New York', 'São Paulo', 'Singapore'];
const BENCH_SETS = Array.from({ length: 40 }, (_, r) => ({
  r,
  ...setOfValues(`rec-${r}`, DEPARTMENTS[r % 8] ?? null, LOCATIONS[r % 5] ?? null, {}),
}));

const INSERT_SETS = `
insert into attribution_sets (tenant_id, set_id, recruiter_id, department, location, tags)
select $1, id, "recruiterId", department, location, '{}'::jsonb
  from json_to_recordset($2::json) as s(id text, "recruiterId" text, department text, location text)`;

/** The rollup by attribution set: each attributed opening's daily rollups under its set. */
const INSERT_SET_ROLLUPS = `
insert into attribution_daily_usage (tenant_id, set_id, day, opening_id, invited, started, completed,
                                     partially_completed, expired, cancelled, simulations, credits_milli)
select $1, s.id, u.day, u.opening_id, u.invited, u.started, u.completed, u.partially_completed, u.expired,
       u.cancelled, u.simulations, u.credits_milli
  from daily_usage u
  join openings o on o.tenant_id = u.tenant_id and o.id = u.opening_id
  join json_to_recordset($2::json) as s(r int, id text) on s.r = substr(o.id, 4)::int % 40
 where u.tenant_id = $1 and substr(o.id, 4)::int > 1
   and (u.invited, u.started, u.completed, u.partially_completed, u.expired, u.cancelled, u.simulations,
        u.credits_milli) <> (0, 0, 0, 0, 0, 0, 0, 0)
 order by s.id, u.day, u.opening_id`;

const INSERT_SET_DAY_TOTALS = `
insert into attribution_set_daily_usage (tenant_id, set_id, day, invited, started, completed, partially_completed,
                                         expired, cancelled, simulations, credits_milli)
select tenant_id, set_id, day, sum(invited), sum(started), sum(completed), sum(partially_completed), sum(expired),
       sum(cancelled), sum(simulations), sum(credits_milli)
  from attribution_daily_usage where tenant_id = $1 group by tenant_id, set_id, day order by set_id, day`;

const INSERT_RECRUITERS = `
insert into recruiters (tenant_id, id, name, name_event_at, name_event_id)
select distinct $1::uuid, value, 'Recruiter ' || value, '2000-01-01T00:00:00Z'::timestamptz, ''
  from (${OPENING_ATTRIBUTES}) a where dimension = 'recruiter'`;

/** The tables that take a row or more per interview, loaded with their indexes dropped (dropIndexes). */
const LOADED_TABLES = ['interviews', 'candidates', 'daily_usage', 'daily_candidates'];

export async function loadConsoleTenant(
  bench: BenchDatabase,
  spec: ConsoleTenantSpec,
  log: (line: string) => void,
): Promise<LoadedTenant> {
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phases[name] = Math.round(performance.now() - t0) / 1000;
    }
  };
  const { db } = bench;
  const tz = spec.timeZone;
  const lastDay = addDays(localDate(NOW, tz), -1);
  const plan = planInterviews(spec, lastDay);

  const { id } = await createTenant(
    db,
    {
      slug: spec.slug,
      name: spec.name,
      timeZone: tz,
      billingAnchor: HISTORY_FROM,
      plan: {
        name: 'Bench (monthly)',
        periodUnit: 'month',
        allotmentMilli: creditsToMilli(spec.allotmentCredits),
        rolloverMode: 'capped',
        rolloverCapPercent: 25,
        rolloverExpiresAfterPeriods: 1,
        overageMode: 'allow',
        overageLimitMilli: creditsToMilli(spec.allotmentCredits),
        creditPriceCents: 400,
      },
    },
    { now: new Date(startOfLocalDate(HISTORY_FROM, tz).getTime() + 3_600_000), actor: ACTOR },
  );
  const email = `admin@${spec.slug}.bench.test`;
  await addUser(db, id, { email, name: 'Bench Admin', role: 'account_admin', password: ADMIN_PASSWORD });

  // On PostgreSQL the steps that do not need each other's rows run at once, each on a connection
  // of its own (the rollups, the candidates and the ledger all read only the interviews): one
  // statement keeps one core busy. PGlite has one connection: one after another.
  const together = async (...steps: (() => Promise<unknown>)[]) => {
    if (bench.kind === 'postgres') await Promise.all(steps.map((step) => step()));
    else for (const step of steps) await step();
  };
  const asOwnerInMemory = (fn: (tx: Queryable) => Promise<unknown>) =>
    bench.asOwner((owner) =>
      owner.transaction(async (tx) => {
        // The GROUP BYs over every interview in memory rather than in temporary files.
        if (bench.kind === 'postgres') await tx.query(`set local work_mem = '512MB'`);
        await fn(tx);
      }),
    );
  const openings = [...plan.titles].map(([k, title]) => ({ id: openingId(k), title }));
  await phase('openings', () =>
    bench.asOwner((owner) =>
      owner.query(
        `insert into openings (tenant_id, id, job_title, title_event_at, title_event_id, created_at)
         select $1, o.id, o.title, $3, 'evt-' || md5(o.id)::uuid, $3
           from unnest($2::text[], $4::text[]) as o(id, title)`,
        [id, openings.map((o) => o.id), NOW, openings.map((o) => o.title)],
      ),
    ),
  );
  const dropped = await bench.asOwner((owner) => dropIndexes(owner, LOADED_TABLES));
  const ledgerIndexes = await bench.asOwner((owner) => dropIndexes(owner, ['ledger_entries']));
  await phase('interviews', async () => {
    // In two halves of the plan at once; each interview's number (`off`) decides all of it.
    const half = Math.ceil(plan.opening.length / 2);
    await together(
      ...[0, half].map((from) => () => {
        const part = (xs: number[]) => xs.slice(from, from + half);
        return bench.asOwner((owner) =>
          owner.query(INSERT_INTERVIEWS, [
            id,
            part(plan.opening),
            part(plan.day),
            part(plan.off),
            part(plan.count),
            HISTORY_FROM,
            tz,
            NOW,
            spec.seed * 100_000_000_000,
            DEPARTMENTS,
            LOCATIONS,
          ]),
        );
      }),
    );
    // Statistics of the new rows for the statements below (and of the rollups' after them): joins
    // planned on an empty table's estimates ran nested loops over every rollup row.
    await bench.asOwner((owner) => owner.query('analyze interviews'));
  });
  await together(
    () => phase('ledger', () => postLedger(db, id, tz)),
    () =>
      phase('openings, candidates', () =>
        asOwnerInMemory(async (tx) => {
          // As ingest leaves them: created at the first sighting, titled by the latest event.
          await tx.query(
            `update openings o set created_at = s.first_at, title_event_at = s.last_at
               from (select opening_id, min(invited_at) as first_at, max(invited_at) as last_at
                       from interviews where tenant_id = $1 group by opening_id) s
              where o.tenant_id = $1 and o.id = s.opening_id`,
            [id],
          );
          await tx.query(
            `insert into candidates (tenant_id, id, first_seen_at)
             select $1, candidate_id, min(invited_at) from interviews where tenant_id = $1
              group by candidate_id order by candidate_id`,
            [id],
          );
        }),
      ),
    async () => {
      await phase('rollups', async () => {
        await together(
          () =>
            asOwnerInMemory(async (tx) => {
              await tx.query(INSERT_ROLLUPS, [id, tz]);
              await tx.query('analyze daily_usage');
            }),
          () =>
            asOwnerInMemory(async (tx) => {
              await tx.query(INSERT_CANDIDATES, [id, tz]);
              await tx.query('analyze daily_candidates');
            }),
        );
        await asOwnerInMemory(async (tx) => {
          await tx.query(COUNT_CANDIDATES, [id]);
          await tx.query(INSERT_DAY_TOTALS, [id]);
          await tx.query(INSERT_OPEN_INVITATIONS, [id, tz]);
        });
      });
      await phase('attribution', () =>
        asOwnerInMemory(async (tx) => {
          await tx.query(INSERT_ATTRIBUTE_ROLLUPS, [id]);
          await tx.query(INSERT_RECRUITERS, [id]);
          await tx.query(INSERT_SETS, [id, JSON.stringify(BENCH_SETS)]);
          await tx.query(INSERT_SET_ROLLUPS, [id, JSON.stringify(BENCH_SETS)]);
          await tx.query(INSERT_SET_DAY_TOTALS, [id]);
        }),
      );
      await phase('indexes', () => bench.asOwner((owner) => restoreIndexes(owner, dropped)));
    },
  );
  await phase('ledger indexes', () => bench.asOwner((owner) => restoreIndexes(owner, ledgerIndexes)));

  const [counts] = await db.withTenant(id, (tx) =>
    tx.query<Record<string, number>>(
      `select (select count(*) from interviews)::int as interviews,
              (select count(*) from interviews where is_simulation)::int as simulations,
              (select count(*) from openings)::int as openings,
              (select count(*) from candidates)::int as candidates,
              (select count(*) from daily_usage)::int as rollup_rows,
              (select count(*) from ledger_entries)::int as ledger_entries,
              (select count(*) from billing_periods)::int as periods,
              (select coalesce(sum(charged_milli), 0) from interviews)::bigint as charged_milli,
              (select coalesce(sum(credits_milli), 0) from daily_usage)::bigint as rollup_milli,
              (select coalesce(-sum(amount_milli), 0) from ledger_entries where kind = 'consumption')::bigint
                as consumed_milli`,
    ),
  );
  if (!counts) throw new Error('No counts');
  if (counts.interviews !== spec.interviews) {
    throw new Error(`${spec.slug}: made ${counts.interviews} interviews, expected ${spec.interviews}`);
  }
  if (counts.charged_milli !== counts.rollup_milli || counts.charged_milli !== counts.consumed_milli) {
    throw new Error(`${spec.slug}: charges, rollups and ledger disagree: ${JSON.stringify(counts)}`);
  }
  log(
    `${spec.slug}: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${Number(v).toLocaleString('en')}`)
      .join(', ')}; ${Object.entries(phases)
      .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
      .join(', ')}`,
  );
  return { id, slug: spec.slug, timeZone: tz, email, counts, phases };
}

/**
 * The ledger, period by period as it would have happened: each period's charges (dated when the
 * interview finished) posted by postConsumption, drawing from the period's lots, overage beyond
 * them; then the period closed by closeDuePeriods (rollover, expiry, the next grant settling any
 * overage). The current period stays open.
 */
async function postLedger(db: Database, tenantId: string, tz: string): Promise<void> {
  const rows = await db.withTenant(tenantId, (tx) =>
    tx.query<{ id: string; charged_milli: number; charge_rule: string; finished_at: Date }>(
      `select id, charged_milli, charge_rule, finished_at
         from interviews where tenant_id = $1 and charged_milli > 0
        order by finished_at, id`,
      [tenantId],
    ),
  );
  let next = 0;
  for (let k = 0; ; k++) {
    const period = periodAt(HISTORY_FROM, 'month', tz, k);
    const charges: ChargeDelta[] = [];
    for (; next < rows.length; next++) {
      const row = rows[next] as (typeof rows)[number];
      const at = new Date(row.finished_at);
      if (at.getTime() >= period.end.getTime()) break;
      charges.push({
        interviewId: row.id,
        deltaMilli: Number(row.charged_milli),
        rule: row.charge_rule,
        ruleVersion: 1,
        effectiveAt: at,
      });
    }
    await db.withTenant(tenantId, async (tx) => {
      const account = await readAccount(tx, tenantId, { lock: true });
      const lots = await loadOpenLots(tx, tenantId, period.start);
      await postConsumption(tx, account, lots, charges, ACTOR);
    });
    if (period.end.getTime() > NOW.getTime()) break;
    await closeDuePeriods(db, tenantId, period.end);
  }
  if (next !== rows.length) throw new Error(`${rows.length - next} charges after now`);
}
