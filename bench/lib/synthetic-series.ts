import { Random } from '../../src/server/demo/random.js';
import { addMonthsClamped } from '../../src/shared/calendar.js';
import { logUniform, type MonthlySeries, normal, type Shape, seasonProfile, usage } from './series.js';

/**
 * Synthetic monthly usage of the shapes a hiring platform's tenants show, from six different
 * generators (so no one model's own structure is the only thing tested):
 *
 * - `seasonal-growth`: a yearly profile times compounded growth (the demo's construction);
 * - `additive-trend`: a straight line plus a seasonal offset of fixed size;
 * - `ets-simulation`: a damped-trend, multiplicative-season state-space process whose level,
 *   trend and season drift as it runs;
 * - `local-level`: a level that wanders as a random walk, with a faint season;
 * - `regime`: a seasonal tenant whose level falls in a hiring freeze, and maybe recovers;
 * - `intermittent`: a few interviews in some months and none in others.
 *
 * Every one is drawn from a seeded stream named after the series, so the corpus is the same run
 * after run.
 */

type Generator = (rng: Random, months: number, scale: number) => number[];

const seasonalGrowth =
  (amplitude: [number, number], growth: [number, number]): Generator =>
  (rng, months, scale) => {
    const profile = seasonProfile(rng, rng.between(...amplitude));
    const g = rng.between(...growth);
    const spread = rng.between(0.04, 0.2);
    const start = rng.int(0, 11);
    return Array.from({ length: months }, (_, t) =>
      usage(rng, scale * (profile[(start + t) % 12] as number) * (1 + g) ** (t / 12), spread),
    );
  };

const additiveTrend =
  (totalChange: [number, number]): Generator =>
  (rng, months, scale) => {
    const profile = seasonProfile(rng, rng.between(0.1, 0.6));
    const change = rng.between(...totalChange);
    const spread = rng.between(0.04, 0.15);
    const start = rng.int(0, 11);
    return Array.from({ length: months }, (_, t) => {
      const level = scale * (1 + (change * t) / Math.max(1, months - 1));
      return usage(rng, Math.max(0, level + scale * ((profile[(start + t) % 12] as number) - 1)), spread);
    });
  };

const etsSimulation =
  (amplitude: [number, number]): Generator =>
  (rng, months, scale) => {
    const season = seasonProfile(rng, rng.between(...amplitude));
    const [alpha, beta, gamma, phi] = [
      rng.between(0.05, 0.35),
      rng.between(0, 0.08),
      rng.between(0, 0.15),
      rng.between(0.85, 0.98),
    ];
    const sigma = rng.between(0.04, 0.15);
    let level = scale;
    let trend = scale * rng.between(-0.01, 0.02);
    const start = rng.int(0, 11);
    const out: number[] = [];
    for (let t = 0; t < months; t++) {
      const i = (start + t) % 12;
      const s = season[i] as number;
      const base = Math.max(scale * 0.02, level + phi * trend);
      const e = Math.max(-0.9, sigma * normal(rng));
      out.push(usage(rng, base * s * (1 + e), 0));
      level = base * (1 + alpha * e);
      trend = phi * trend + beta * base * e;
      season[i] = s * (1 + gamma * e);
    }
    return out;
  };

const localLevel: Generator = (rng, months, scale) => {
  const profile = seasonProfile(rng, rng.between(0.03, 0.15));
  const drift = rng.between(0.03, 0.1);
  const spread = rng.between(0.03, 0.12);
  const start = rng.int(0, 11);
  let level = scale;
  return Array.from({ length: months }, (_, t) => {
    level *= Math.exp(drift * normal(rng));
    return usage(rng, level * (profile[(start + t) % 12] as number), spread);
  });
};

/** `freezes` hiring freezes, the last one falling within the history's last 30 months. */
const regime =
  (freezes: number): Generator =>
  (rng, months, scale) => {
    const profile = seasonProfile(rng, rng.between(0.2, 0.7));
    const spread = rng.between(0.04, 0.15);
    const start = rng.int(0, 11);
    const factor = Array(months).fill(1) as number[];
    for (let f = 0; f < freezes; f++) {
      const last = f === freezes - 1;
      const at = last
        ? months - 12 - rng.int(3, Math.min(30, months - 16))
        : rng.int(6, Math.max(7, months - 48));
      const depth = rng.between(0.15, 0.6);
      const recoversAfter = rng.chance(0.5) ? rng.int(4, 14) : Number.POSITIVE_INFINITY;
      const back = rng.between(0.7, 1.3);
      for (let t = at; t < months; t++)
        factor[t] = (factor[t] as number) * (t - at < recoversAfter ? depth : back);
    }
    return Array.from({ length: months }, (_, t) =>
      usage(rng, scale * (factor[t] as number) * (profile[(start + t) % 12] as number), spread),
    );
  };

const intermittent: Generator = (rng, months, scale) => {
  const active = rng.between(0.35, 0.9);
  const profile = seasonProfile(rng, rng.between(0, 0.6));
  const start = rng.int(0, 11);
  return Array.from({ length: months }, (_, t) =>
    rng.chance(active) ? usage(rng, (scale * (profile[(start + t) % 12] as number)) / active, 0.1) : 0,
  );
};

/** Multiplies one to three months of the history (and, one time in three, one held-out month) by 3–8. */
function withSpikes(rng: Random, values: number[], heldOut: number): number[] {
  const out = [...values];
  const history = values.length - heldOut;
  const count = rng.int(1, 3);
  for (let k = 0; k < count; k++) {
    const t = rng.int(Math.max(0, history - 36), history - 2);
    out[t] = Math.round((out[t] as number) * rng.between(3, 8) + rng.between(3, 10));
  }
  if (rng.chance(1 / 3)) {
    const t = history + rng.int(0, heldOut - 1);
    out[t] = Math.round((out[t] as number) * rng.between(3, 8) + rng.between(3, 10));
  }
  return out;
}

interface Recipe {
  source: string;
  generate: Generator;
  /** History months (before the held-out ones). */
  history: [number, number];
  scale?: [number, number];
  spikes?: boolean;
}

const STANDARD: [number, number] = [24, 84];

const RECIPES: Record<Exclude<Shape, 'public'>, Recipe[]> = {
  'strong-season': [
    { source: 'seasonal-growth', generate: seasonalGrowth([0.6, 1.1], [-0.05, 0.2]), history: STANDARD },
    { source: 'ets-simulation', generate: etsSimulation([0.6, 1.1]), history: STANDARD },
  ],
  'weak-season': [
    { source: 'local-level', generate: localLevel, history: STANDARD },
    { source: 'ets-simulation', generate: etsSimulation([0.05, 0.2]), history: STANDARD },
  ],
  'trend-up': [
    { source: 'additive-trend', generate: additiveTrend([0.8, 3]), history: STANDARD },
    { source: 'seasonal-growth', generate: seasonalGrowth([0.1, 0.6], [0.25, 0.7]), history: STANDARD },
  ],
  'trend-down': [
    { source: 'additive-trend', generate: additiveTrend([-0.7, -0.3]), history: STANDARD },
    { source: 'seasonal-growth', generate: seasonalGrowth([0.1, 0.6], [-0.35, -0.12]), history: STANDARD },
  ],
  'level-shift': [{ source: 'regime', generate: regime(1), history: [30, 84] }],
  spikes: [
    {
      source: 'seasonal-growth',
      generate: seasonalGrowth([0.3, 0.9], [-0.05, 0.2]),
      history: STANDARD,
      spikes: true,
    },
    { source: 'local-level', generate: localLevel, history: STANDARD, spikes: true },
  ],
  intermittent: [{ source: 'intermittent', generate: intermittent, history: STANDARD, scale: [0.5, 4] }],
  short: [
    { source: 'seasonal-growth', generate: seasonalGrowth([0.2, 0.9], [-0.1, 0.4]), history: [6, 23] },
    { source: 'additive-trend', generate: additiveTrend([-0.4, 1.5]), history: [6, 23] },
    { source: 'local-level', generate: localLevel, history: [6, 23] },
  ],
  long: [
    { source: 'ets-simulation', generate: etsSimulation([0.3, 1]), history: [120, 180] },
    { source: 'regime', generate: regime(2), history: [120, 180] },
  ],
};

/** `perShape` series of every synthetic shape, each followed by `heldOut` months to score against. */
export function syntheticSeries(perShape: number, heldOut: number): MonthlySeries[] {
  const out: MonthlySeries[] = [];
  for (const [shape, recipes] of Object.entries(RECIPES) as [Exclude<Shape, 'public'>, Recipe[]][]) {
    for (let i = 0; i < perShape; i++) {
      const recipe = recipes[i % recipes.length] as Recipe;
      const name = `${shape}-${i + 1}`;
      const rng = new Random(`forecast-accuracy/${name}`);
      const history = rng.int(...recipe.history);
      const scale = logUniform(rng, ...(recipe.scale ?? [3, 30_000]));
      const raw = recipe.generate(rng, history + heldOut, scale);
      out.push({
        name,
        shape,
        source: recipe.source,
        firstMonth: addMonthsClamped('2026-01-01', -(history + rng.int(0, 11))),
        values: recipe.spikes ? withSpikes(rng, raw, heldOut) : raw,
      });
    }
  }
  return out;
}
