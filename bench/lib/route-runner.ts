/**
 * The console benches' measuring loop (bench/console.ts, bench/scale.ts): rounds in which every
 * route is asked of each tenant size in turn, one request at a time, the order of the sizes
 * alternating from round to round so that neither always goes first; `warmup` rounds unmeasured,
 * then `requests` measured. A route given a `budget` is asked no more once it has spent that many
 * ms measuring and every size has `minSamples`: a route far off its goal (seconds a request) would
 * otherwise hold a run for hours.
 */
export interface RouteRun<S extends string> {
  routes: string[];
  sizes: readonly S[];
  /** Sends one request and waits for its whole answer. */
  ask: (size: S, route: string) => Promise<unknown>;
  warmup: number;
  requests: number;
  budget?: { ms: number; minSamples: number };
  /** Called before every request, warm-up included (to reset a per-request clock). */
  before?: () => void;
  /** Called between the warm-up and the measured rounds (to note the load average). */
  warmedUp?: () => void;
  /** Called after every measured request with its wall time. */
  measured?: (route: string, size: S, ms: number) => void;
}

/** Wall times in ms of the measured requests, by route then size. */
export type RouteSamples<S extends string> = Map<string, Record<S, number[]>>;

export async function measureRoutes<S extends string>(run: RouteRun<S>): Promise<RouteSamples<S>> {
  const samples: RouteSamples<S> = new Map(
    run.routes.map((route) => [
      route,
      Object.fromEntries(run.sizes.map((s) => [s, [] as number[]])) as Record<S, number[]>,
    ]),
  );
  const spent = new Map<string, number>();
  const over = (route: string) =>
    run.budget !== undefined &&
    (spent.get(route) ?? 0) > run.budget.ms &&
    run.sizes.every((s) => (samples.get(route)?.[s].length ?? 0) >= (run.budget?.minSamples ?? 0));
  const rounds = async (n: number, measure: boolean) => {
    for (let i = 0; i < n; i++) {
      for (const route of run.routes) {
        if (measure && over(route)) continue;
        for (const size of i % 2 === 0 ? run.sizes : [...run.sizes].reverse()) {
          run.before?.();
          const start = performance.now();
          await run.ask(size, route);
          const ms = performance.now() - start;
          if (!measure) continue;
          spent.set(route, (spent.get(route) ?? 0) + ms);
          samples.get(route)?.[size].push(ms);
          run.measured?.(route, size, ms);
        }
      }
    }
  };
  await rounds(run.warmup, false);
  run.warmedUp?.();
  await rounds(run.requests, true);
  return samples;
}
