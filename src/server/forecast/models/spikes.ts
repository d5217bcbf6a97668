/** A month is a spike when it is over this many times its reference (and by more than MIN_EXCESS credits). */
export const SPIKE_RATIO = 3;
const MIN_EXCESS = 5;
const WINDOW = 6;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0
    ? 0
    : s.length % 2
      ? (s[mid] as number)
      : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * One-off spikes (a mass hiring event, a test gone wrong) would teach a smoothing model a season
 * or a level that is not there; they are replaced, for fitting only, by their reference: the
 * larger of the median of the six months either side and the mean of the same month in the other
 * years (so a regular seasonal peak is never a spike). The latest month is left as it is: the
 * model should react to a change there, and the band widens with it.
 */
export function dampSpikes(y: readonly number[], period: number): { values: number[]; replaced: number[] } {
  const values = [...y];
  const replaced: number[] = [];
  for (let t = 0; t < y.length - 1; t++) {
    const near = y.slice(Math.max(0, t - WINDOW), t).concat(y.slice(t + 1, t + 1 + WINDOW));
    const sameMonth: number[] = [];
    if (period > 1)
      for (let u = t % period; u < y.length; u += period) if (u !== t) sameMonth.push(y[u] as number);
    const seasonal = sameMonth.length > 0 ? sameMonth.reduce((a, b) => a + b, 0) / sameMonth.length : 0;
    const reference = Math.max(median(near), seasonal);
    const value = y[t] as number;
    if (value > SPIKE_RATIO * reference && value - reference > MIN_EXCESS) {
      values[t] = reference;
      replaced.push(t);
    }
  }
  return { values, replaced };
}
