/**
 * `work`'s outcome, or a rejection once `ms` has passed without one ("no answer in … ms"); the
 * timer never outlives the race. `work` itself is not stopped: what it holds is its own to end.
 */
export async function withTimeLimit<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
