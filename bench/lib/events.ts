/**
 * A deterministic stream of realistic interview events for one tenant, as the interview engine
 * sends them: interviews across ~50 openings over most of a year, each with its own life
 * (invited, started, progress, completed, ended early, expired, cancelled, simulations), in the
 * order they arrive (by time, with delivery jitter, so some arrive late and out of order).
 * The same seed always gives the same events.
 */
export interface BenchEvent {
  id: string;
  type: string;
  interviewId: string;
  openingId: string;
  jobTitle: string;
  candidateId: string;
  occurredAt: string;
  completion?: number;
}

/** mulberry32: small, fast and good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A UUID-shaped id drawn from the generator (random keys, as a real engine's would be). */
function uuidFrom(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[Math.floor(rand() * 256)] as string;
  }
  return s;
}

/** Realistic job titles for generated openings. */
export const TITLES = [
  'Backend Engineer',
  'Frontend Engineer',
  'Data Analyst',
  'Account Executive',
  'Customer Success Manager',
  'Product Designer',
  'Site Reliability Engineer',
  'Sales Development Rep',
  'Support Specialist',
  'Marketing Manager',
  'Recruiter',
  'Finance Associate',
  'Warehouse Associate',
  'Nurse Practitioner',
  'Store Manager',
  'Delivery Driver',
  'Call Center Agent',
  'Pharmacy Technician',
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Outcome = 'completed' | 'partial' | 'abandoned' | 'in_progress' | 'expired' | 'cancelled' | 'invited';

/** How interviews end, roughly as on a real platform. */
const OUTCOMES: [Outcome | 'simulation', number][] = [
  ['completed', 0.44],
  ['partial', 0.12],
  ['abandoned', 0.05], // started, never finished, then expired: partially completed
  ['in_progress', 0.02],
  ['expired', 0.15],
  ['cancelled', 0.07],
  ['invited', 0.05],
  ['simulation', 0.1],
];

function pick<T>(rand: () => number, weighted: [T, number][]): T {
  let r = rand() * weighted.reduce((s, [, w]) => s + w, 0);
  for (const [value, w] of weighted) {
    r -= w;
    if (r <= 0) return value;
  }
  return (weighted[weighted.length - 1] as [T, number])[0];
}

type Arriving = BenchEvent & { arrival: number };

function emitter(
  events: Arriving[],
  rand: () => number,
  base: Pick<BenchEvent, 'interviewId' | 'openingId' | 'jobTitle' | 'candidateId'>,
  type: string,
  at: number,
  completion?: number,
): void {
  // Delivery takes a few seconds; one event in a hundred is held back for up to a day.
  const delay = rand() < 0.01 ? Math.floor(rand() * DAY) : Math.floor(rand() * 5 * MINUTE);
  const e: Arriving = {
    id: `evt-${uuidFrom(rand)}`,
    type,
    ...base,
    occurredAt: new Date(at).toISOString(),
    arrival: at + delay,
  };
  if (completion !== undefined) e.completion = Math.round(completion * 1000) / 1000;
  events.push(e);
}

export interface EventStreamOptions {
  /** Exactly this many events (the stream is cut at the latest arrivals). */
  count: number;
  seed?: number;
  openings?: number;
  /** First invitation (UTC). */
  from?: string;
  /** Days over which invitations are spread. */
  days?: number;
}

export function generateEvents(options: EventStreamOptions): BenchEvent[] {
  const rand = prng(options.seed ?? 20250101);
  const openingCount = options.openings ?? 50;
  const from = Date.parse(options.from ?? '2025-01-06T00:00:00Z');
  const days = options.days ?? 300;

  // Openings open at different times, stay open 1-4 months, and differ in volume.
  const openings = Array.from({ length: openingCount }, (_, i) => {
    const opensAt = from + Math.floor(rand() * (days - 30)) * DAY;
    const span = (30 + Math.floor(rand() * 90)) * DAY;
    return {
      id: `op-${String(i + 1).padStart(3, '0')}`,
      jobTitle: `${TITLES[i % TITLES.length]}${i >= TITLES.length ? ` ${Math.floor(i / TITLES.length) + 1}` : ''}`,
      opensAt,
      closesAt: Math.min(opensAt + span, from + days * DAY),
      weight: 0.2 + rand() ** 2 * 3,
    };
  });
  const weighted = openings.map((o) => [o, o.weight] as [(typeof openings)[number], number]);

  const events: Arriving[] = [];
  const candidates: string[] = [];
  // Enough interviews for the count (about 3.7 events each), then cut to the count.
  const interviews = Math.ceil(options.count / 3.3);
  for (let n = 0; n < interviews; n++) {
    const opening = pick(rand, weighted);
    const interviewId = `iv-${uuidFrom(rand)}`;
    // Some candidates interview for more than one opening.
    const candidateId =
      candidates.length > 100 && rand() < 0.12
        ? (candidates[Math.floor(rand() * candidates.length)] as string)
        : `cand-${uuidFrom(rand)}`;
    candidates.push(candidateId);
    // Invitations go out in working hours (13:00-23:00 UTC, the Americas' day).
    const day = opening.opensAt + Math.floor(rand() * ((opening.closesAt - opening.opensAt) / DAY)) * DAY;
    const t0 = day + 13 * HOUR + Math.floor(rand() * 10 * HOUR) + Math.floor(rand() * 1000);
    const base = { interviewId, openingId: opening.id, jobTitle: opening.jobTitle, candidateId };
    // (Not a closure per interview: under tsx every closure created costs a defineProperty.)
    const ev = emitter.bind(null, events, rand, base);

    const outcome = pick(rand, OUTCOMES);
    if (outcome === 'simulation') {
      ev('simulation.run', t0);
      continue;
    }
    ev('interview.invited', t0);
    if (outcome === 'invited') continue;
    if (outcome === 'expired') {
      ev('interview.expired', t0 + 7 * DAY);
      continue;
    }
    if (outcome === 'cancelled') {
      ev('interview.cancelled', t0 + Math.floor(rand() * 3 * DAY));
      continue;
    }
    const startedAt = t0 + HOUR + Math.floor(rand() * 4 * DAY);
    ev('interview.started', startedAt);
    const target = outcome === 'completed' ? 1 : 0.05 + rand() * 0.9;
    const steps = 1 + Math.floor(rand() * 3);
    let at = startedAt;
    for (let s = 1; s <= steps; s++) {
      at += 3 * MINUTE + Math.floor(rand() * 10 * MINUTE);
      ev('interview.progress', at, (target * s) / (steps + 1));
    }
    at += 3 * MINUTE + Math.floor(rand() * 10 * MINUTE);
    if (outcome === 'completed') ev('interview.completed', at);
    else if (outcome === 'partial') ev('interview.ended', at, target);
    else if (outcome === 'abandoned') ev('interview.expired', t0 + 7 * DAY);
    // in_progress: nothing more yet.
  }

  events.sort((a, b) => a.arrival - b.arrival || (a.id < b.id ? -1 : 1));
  if (events.length < options.count) {
    throw new Error(`Generated only ${events.length} events for ${options.count}; raise the interview count`);
  }
  return events.slice(0, options.count).map(({ arrival: _, ...e }) => e);
}
