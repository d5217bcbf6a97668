import type { Random } from '../../src/server/demo/random.js';

/** The shapes the accuracy corpus covers; each series has one. */
export const SHAPES = [
  'strong-season',
  'weak-season',
  'trend-up',
  'trend-down',
  'level-shift',
  'spikes',
  'intermittent',
  'short',
  'long',
  'public',
] as const;
export type Shape = (typeof SHAPES)[number];

/** A monthly series: its history then the months held out to score the forecast against. */
export interface MonthlySeries {
  name: string;
  shape: Shape;
  /** Which generator (or public data set) made it. */
  source: string;
  /** 'YYYY-MM-01' of values[0]. */
  firstMonth: string;
  /** Credits per month, oldest first; the last `heldOut` are the future the forecast is scored on. */
  values: number[];
}

/** A standard normal draw (Box-Muller). */
export function normal(rng: Random): number {
  const u = 1 - rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** Log-uniform in [from, to]: scales from a few credits to tens of thousands weigh alike. */
export const logUniform = (rng: Random, from: number, to: number) =>
  Math.exp(rng.between(Math.log(from), Math.log(to)));

/**
 * A month's usage around `mean`: a count of interviews (Poisson, so a tenant using a few credits
 * a month sees whole-number noise and months of zero) after a multiplicative month-to-month
 * wobble of relative size `spread`.
 */
export function usage(rng: Random, mean: number, spread: number): number {
  const mu = Math.max(0, mean) * Math.exp(spread * normal(rng) - (spread * spread) / 2);
  if (mu < 30) {
    // Knuth's method: exact for small means.
    const limit = Math.exp(-mu);
    let k = 0;
    for (let p = rng.float(); p > limit; p *= rng.float()) k++;
    return k;
  }
  return Math.max(0, Math.round(mu + Math.sqrt(mu) * normal(rng)));
}

/**
 * A yearly profile averaging 1: either the hiring calendar's shape (busy January to March and in
 * the autumn, quiet in summer and December) bent and jittered, or a random sum of two harmonics.
 * `amplitude` scales how far months stray from the average.
 */
export function seasonProfile(rng: Random, amplitude: number): number[] {
  const hiring = [1.75, 2.0, 1.6, 0.95, 0.8, 0.55, 0.4, 0.5, 1.45, 1.6, 0.85, 0.4];
  const raw = rng.chance(0.5)
    ? hiring.map((w) => Math.log(w) * rng.between(0.8, 1.2) + 0.1 * normal(rng))
    : (() => {
        const [p1, p2, a2] = [rng.between(0, 2 * Math.PI), rng.between(0, 2 * Math.PI), rng.between(0, 0.7)];
        return Array.from(
          { length: 12 },
          (_, m) =>
            0.6 * Math.cos((2 * Math.PI * m) / 12 + p1) + a2 * 0.6 * Math.cos((4 * Math.PI * m) / 12 + p2),
        );
      })();
  const profile = raw.map((r) => Math.exp(amplitude * r));
  const mean = profile.reduce((a, b) => a + b, 0) / 12;
  return profile.map((w) => w / mean);
}
