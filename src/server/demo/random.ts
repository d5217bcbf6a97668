import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A 32-bit FNV-1a hash: turns a name into a seed, so each stream has its own fixed sequence. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The demo's only source of randomness: a seeded xoroshiro128+ (pure-rand), so the same seed
 * gives the same demo, run after run. Never Math.random.
 */
export class Random {
  private readonly rng: RandomGenerator;

  /** `name` names the stream: the same name always gives the same sequence. */
  constructor(private readonly name: string) {
    this.rng = xoroshiro128plus(seedOf(name));
  }

  /** A separate stream named under this one, independent of how much of this one was used. */
  fork(name: string): Random {
    return new Random(`${this.name}/${name}`);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  /** Uniform in [from, to). */
  between(from: number, to: number): number {
    return from + (to - from) * this.float();
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks a key by weight: `{ a: 3, b: 1 }` gives `a` three times in four. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.float() * total;
    for (const [key, w] of entries) {
      x -= w;
      if (x < 0) return key;
    }
    return (entries[entries.length - 1] as [K, number])[0];
  }

  /** A count around `mean` (Poisson-like spread, never negative), for volumes that vary month to month. */
  around(mean: number, spread = 0.08): number {
    // Sum of uniforms: a bell shape without tails that could go negative.
    const noise = (this.float() + this.float() + this.float() - 1.5) / 1.5;
    return Math.max(0, Math.round(mean * (1 + spread * noise)));
  }

  /** Exponentially distributed, with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }
}
