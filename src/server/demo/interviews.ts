import { DateTime } from 'luxon';
import {
  addDays,
  addMonthsClamped,
  daysBetween,
  localDate,
  startOfLocalDate,
  startOfMonth,
} from '../../shared/calendar.js';
import type { EventType, InterviewEvent } from '../../shared/contract/events.js';
import { Random } from './random.js';
import { hiringIntensity } from './seasonality.js';
import type { DemoTeams, DemoTenantSpec } from './tenants.js';

/**
 * The demo's event stream, as the interview engine would have sent it: a pure function of the
 * tenant's spec, `now` and the scale. Nothing here touches the database.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Invitations run out after a week (the engine then sends interview.expired). */
const INVITATION_DAYS = 7;

export interface Delivery {
  event: InterviewEvent;
  /** When the engine delivered it (epoch ms): a little after it happened, sometimes late. */
  at: number;
}

export interface DemoOpening {
  id: string;
  jobTitle: string;
  /** Sent on each of the opening's events: its recruiter, department and location, when the tenant has teams. */
  attribution: Pick<InterviewEvent, 'recruiterId' | 'recruiterName' | 'department' | 'location'>;
  opensAt: number;
  closesAt: number;
}

export interface DemoStream {
  /** The billing anchor: the 1st of the month `historyMonths` before `now`'s month. */
  anchor: string;
  /** The first month's start, month by month up to the one holding `now` (epoch ms). */
  monthStarts: number[];
  openings: DemoOpening[];
  /** Events in delivery order; some out of order, some twice. None after `now`. */
  deliveries: Delivery[];
  /** Interviews (and simulation runs) the delivered events tell of. */
  interviews: number;
  simulations: number;
  /** When the tenant buys its extra credits, if it does. */
  purchaseAt: number | null;
}

type Plan = 'completed' | 'resumed' | 'partial' | 'abandoned' | 'expired' | 'cancelled';

/** What happens to an invitation, given time: a candidate finishes, stops early, lets it lapse, or is withdrawn. */
const PLAN_WEIGHTS: Record<Plan, number> = {
  completed: 0.585,
  resumed: 0.02,
  partial: 0.12,
  abandoned: 0.02,
  expired: 0.17,
  cancelled: 0.06,
};

export function demoAnchor(spec: DemoTenantSpec, now: Date): string {
  return addMonthsClamped(startOfMonth(localDate(now, spec.timeZone)), -spec.historyMonths);
}

export function generateStream(spec: DemoTenantSpec, opts: { now: Date; scale: number }): DemoStream {
  const { timeZone: tz } = spec;
  const now = opts.now.getTime();
  const root = new Random(`meterline-demo/${spec.slug}`);
  const anchor = demoAnchor(spec, opts.now);
  const monthStarts: number[] = [];
  for (let i = 0; i <= spec.historyMonths; i++) {
    monthStarts.push(startOfLocalDate(addMonthsClamped(anchor, i), tz).getTime());
  }
  const monthEnd = (i: number) => startOfLocalDate(addMonthsClamped(anchor, i + 1), tz).getTime();
  const openings = scheduleOpenings(spec, root.fork('openings'), monthStarts, monthEnd, now);

  const deliveries: Delivery[] = [];
  const deliver = deliveryOf(root.fork('delivery'), now, deliveries);
  const candidates = new CandidatePool(spec.slug, root.fork('candidates'));
  let sequence = 0;

  for (const o of openings) {
    const rng = root.fork(`simulations/${o.id}`);
    const runs = rng.int(...spec.simulationsPerOpening);
    for (let j = 1; j <= runs; j++) {
      // Staff try the interview when the opening is set up, and now and then later on.
      const at = j < runs ? o.opensAt + rng.between(0, 5 * DAY) : rng.between(o.opensAt, o.closesAt);
      if (at > now) continue;
      const id = `${o.id}-sim-${j}`;
      deliver(event(`${id}-1`, 'simulation.run', id, o, undefined, at));
    }
  }

  for (let m = 0; m < monthStarts.length; m++) {
    const start = monthStarts[m] as number;
    const end = Math.min(monthEnd(m), now);
    if (end <= start) continue;
    const rng = root.fork(`month/${m}`);
    const calendarMonth = Number(addMonthsClamped(anchor, m).slice(5, 7));
    const share = (end - start) / (monthEnd(m) - start);
    const total = rng.around(
      opts.scale * spec.interviewsPerMonth * share * hiringIntensity(calendarMonth, m, spec.growthPerYear),
    );
    const windows = openings
      .map((o) => ({ o, from: Math.max(start, o.opensAt), to: Math.min(end, o.closesAt) }))
      .filter((w) => w.to - w.from > HOUR);
    // Openings take most invitations in their first weeks.
    const weights = windows.map((w) => (w.to - w.from) * (w.from - w.o.opensAt < 45 * DAY ? 1.4 : 0.8));
    const counts = apportion(total, weights);
    const days = daysOfMonth(anchor, m, tz);
    windows.forEach((w, k) => {
      const n = counts[k] ?? 0;
      const orng = rng.fork(w.o.id);
      const open = days.filter((d) => d.start + DAY > w.from && d.start < w.to);
      for (let j = 0; j < n; j++) {
        const id = `${spec.slug}-iv-${String(++sequence).padStart(6, '0')}`;
        const invitedAt = workingTime(orng, open, w.from, w.to);
        for (const e of lifecycle(orng, id, w.o, candidates.next(), invitedAt)) {
          if (Date.parse(e.occurredAt) <= now) deliver(e);
        }
      }
    });
  }

  // Whatever the scale, a few interviews are under way right now and a few invitations are fresh.
  const live = openings.filter((o) => o.opensAt < now - 2 * DAY && o.closesAt > now);
  const lrng = root.fork('live');
  for (let j = 0; j < 6 && live.length > 0; j++) {
    const o = lrng.pick(live);
    const id = `${spec.slug}-iv-live-${j + 1}`;
    const candidate = candidates.next();
    const invitedAt = now - lrng.between(2 * HOUR, 30 * HOUR);
    const events = [event(`${id}-1`, 'interview.invited', id, o, candidate, invitedAt)];
    if (j % 2 === 0) {
      const startedAt = now - lrng.between(10 * MINUTE, 90 * MINUTE);
      events.push(event(`${id}-2`, 'interview.started', id, o, candidate, startedAt));
      const completion = round2(lrng.between(0.1, 0.6));
      events.push(
        event(`${id}-3`, 'interview.progress', id, o, candidate, startedAt + 5 * MINUTE, completion),
      );
    }
    for (const e of events) deliveries.push({ event: e, at: Date.parse(e.occurredAt) + 1000 });
  }

  deliveries.sort((a, b) => a.at - b.at || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0));
  // Counted from what was delivered: an interview whose every event is still in flight is not known yet.
  const real = new Set<string>();
  const simulated = new Set<string>();
  for (const { event: e } of deliveries) (e.type === 'simulation.run' ? simulated : real).add(e.interviewId);
  return {
    anchor,
    monthStarts,
    openings,
    deliveries,
    interviews: real.size,
    simulations: simulated.size,
    purchaseAt: spec.purchase ? purchaseTime(anchor, tz, now) : null,
  };
}

/**
 * Openings open one after another over the history, each taking invitations for a few months;
 * the first few are open from the start and the last ones are still open now.
 */
function scheduleOpenings(
  spec: DemoTenantSpec,
  rng: Random,
  monthStarts: number[],
  monthEnd: (i: number) => number,
  now: number,
): DemoOpening[] {
  const months = monthStarts.length;
  const n = spec.openings.length;
  const spans = spec.openings.map((_, k) => {
    const first = Math.max(0, Math.round((k * months) / n) - 2);
    return { first, last: Math.min(months - 1, first + rng.int(...spec.openingMonths) - 1) };
  });
  // No month without an open position: stretch the latest one that opened before a gap.
  for (let m = 0; m < months; m++) {
    if (spans.some((s) => s.first <= m && m <= s.last)) continue;
    const before = spans.filter((s) => s.first <= m).sort((a, b) => b.first - a.first)[0];
    if (before) before.last = m;
  }
  return spans.map((s, k) => {
    const from = monthStarts[s.first] as number;
    const opensAt = from + (s.first === 0 ? rng.between(0, 2 * DAY) : rng.between(0, 12 * DAY));
    const lastEnd = monthEnd(s.last);
    const closesAt =
      s.last === months - 1 ? Math.max(now + 30 * DAY, lastEnd) : lastEnd - rng.between(0, 8 * DAY);
    return {
      id: `${spec.slug}-op-${String(k + 1).padStart(3, '0')}`,
      jobTitle: spec.openings[k] as string,
      attribution: attributionOf(spec.teams, spec.openings[k] as string, k),
      opensAt,
      closesAt,
    };
  });
}

function attributionOf(
  teams: DemoTeams | undefined,
  jobTitle: string,
  k: number,
): DemoOpening['attribution'] {
  if (!teams) return {};
  const recruiter = teams.recruiters[k % teams.recruiters.length];
  const department = teams.departments.find(([, words]) => words.some((w) => jobTitle.includes(w)))?.[0];
  return {
    ...(recruiter ? { recruiterId: recruiter.id, recruiterName: recruiter.name } : {}),
    ...(department ? { department } : {}),
    location: teams.locations[k % teams.locations.length],
  };
}

/** Splits `total` in proportion to `weights`, in whole numbers that add up exactly (largest remainders). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

interface LocalDay {
  start: number;
  weekend: boolean;
}

/** The local days of month `m` (their first instants), worked out once per month. */
function daysOfMonth(anchor: string, m: number, tz: string): LocalDay[] {
  const first = addMonthsClamped(anchor, m);
  const days: LocalDay[] = [];
  for (let date = first, i = 0; i < daysBetween(first, addMonthsClamped(anchor, m + 1)); i++) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    days.push({ start: startOfLocalDate(date, tz).getTime(), weekend: weekday === 0 || weekday === 6 });
    date = addDays(date, 1);
  }
  return days;
}

/**
 * A time in [from, to) during the tenant's working hours (weekdays 8:00-18:00 local), mostly;
 * `days` are the local days overlapping [from, to).
 */
function workingTime(rng: Random, days: LocalDay[], from: number, to: number): number {
  for (let attempt = 0; attempt < 12 && days.length > 0; attempt++) {
    const day = rng.pick(days);
    if (day.weekend && !rng.chance(0.08)) continue;
    const at = day.start + rng.int(8 * 60, 18 * 60 - 1) * MINUTE + rng.int(0, 59_999);
    if (at >= from && at < to) return at;
  }
  return Math.floor(rng.between(from, to));
}

/** The events of one interview's life from its invitation, as the engine reports them. */
function lifecycle(
  rng: Random,
  id: string,
  o: DemoOpening,
  candidateId: string,
  invitedAt: number,
): InterviewEvent[] {
  let n = 0;
  const ev = (type: EventType, at: number, completion?: number) =>
    event(`${id}-${++n}`, type, id, o, candidateId, at, completion);
  const events = [ev('interview.invited', invitedAt)];
  const deadline = invitedAt + INVITATION_DAYS * DAY;
  const plan = rng.weighted(PLAN_WEIGHTS);
  if (plan === 'expired') return [...events, ev('interview.expired', deadline)];
  if (plan === 'cancelled')
    return [...events, ev('interview.cancelled', invitedAt + rng.between(HOUR, 4 * DAY))];

  const startedAt =
    invitedAt + Math.min(rng.exponential(26 * HOUR), 6.5 * DAY) + rng.between(MINUTE, 20 * MINUTE);
  const duration = rng.between(18 * MINUTE, 50 * MINUTE);
  events.push(ev('interview.started', startedAt));
  switch (plan) {
    case 'completed': {
      if (rng.chance(0.25))
        events.push(ev('interview.progress', startedAt + duration / 2, round2(rng.between(0.4, 0.6))));
      events.push(ev('interview.completed', startedAt + duration));
      return events;
    }
    case 'partial': {
      // Spread over every tier of the partial rule: under 25 %, 25-75 %, 75 % and over.
      const completion = round2(rng.between(0.04, 0.96));
      const endedAt = startedAt + Math.max(2 * MINUTE, duration * completion);
      events.push(ev('interview.progress', (startedAt + endedAt) / 2, round2(completion / 2)));
      events.push(ev('interview.ended', endedAt, completion));
      return events;
    }
    case 'resumed': {
      // Stopped part-way, came back later and finished: charged the rest on completion.
      const first = round2(rng.between(0.2, 0.7));
      const endedAt = startedAt + duration * first;
      const resumedAt = endedAt + rng.between(3 * HOUR, 2 * DAY);
      events.push(ev('interview.ended', endedAt, first));
      events.push(ev('interview.progress', resumedAt, round2(Math.min(0.95, first + 0.2))));
      events.push(ev('interview.completed', resumedAt + duration * (1 - first)));
      return events;
    }
    case 'abandoned': {
      // Left open until the invitation ran out: partially completed at the deadline.
      const completion = round2(rng.between(0.05, 0.9));
      events.push(ev('interview.progress', startedAt + duration * completion, completion));
      events.push(ev('interview.expired', Math.max(deadline, startedAt + duration + HOUR)));
      return events;
    }
  }
}

function event(
  id: string,
  type: EventType,
  interviewId: string,
  o: DemoOpening,
  candidateId: string | undefined,
  at: number,
  completion?: number,
): InterviewEvent {
  return {
    id,
    type,
    interviewId,
    openingId: o.id,
    jobTitle: o.jobTitle,
    ...o.attribution,
    ...(candidateId ? { candidateId } : {}),
    occurredAt: new Date(Math.floor(at)).toISOString(),
    ...(completion === undefined ? {} : { completion }),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The engine delivers an event a moment after it happens; about one in fifty arrives late (after
 * the interview's later events) and about one in a hundred twice. Not yet delivered by `now`: left out.
 */
function deliveryOf(rng: Random, now: number, out: Delivery[]) {
  return (e: InterviewEvent) => {
    const happened = Date.parse(e.occurredAt);
    const at = happened + (rng.chance(0.02) ? rng.between(10 * MINUTE, 3 * HOUR) : rng.between(200, 4000));
    if (at > now) return;
    out.push({ event: e, at: Math.floor(at) });
    if (rng.chance(0.01)) {
      const again = at + rng.between(1000, 20 * MINUTE);
      if (again <= now) out.push({ event: e, at: Math.floor(again) });
    }
  };
}

/** Most candidates are new; some apply again to another opening. */
class CandidatePool {
  private readonly recent: string[] = [];
  private count = 0;

  constructor(
    private readonly slug: string,
    private readonly rng: Random,
  ) {}

  next(): string {
    if (this.recent.length > 50 && this.rng.chance(0.08)) return this.rng.pick(this.recent);
    const id = `${this.slug}-cand-${String(++this.count).padStart(6, '0')}`;
    this.recent.push(id);
    if (this.recent.length > 400) this.recent.shift();
    return id;
  }
}

/** Mid-December (10:00 local) before the latest January-March peak that is over by `now`. */
function purchaseTime(anchor: string, tz: string, now: number): number | null {
  const year = Number(localDate(new Date(now), tz).slice(0, 4));
  for (let y = year; y >= year - 5; y--) {
    const at = DateTime.fromObject({ year: y - 1, month: 12, day: 12, hour: 10 }, { zone: tz }).toMillis();
    const peakOver = DateTime.fromObject({ year: y, month: 4, day: 1 }, { zone: tz }).toMillis();
    if (peakOver <= now && at >= startOfLocalDate(anchor, tz).getTime()) return at;
  }
  return null;
}
