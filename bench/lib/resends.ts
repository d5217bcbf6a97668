import { type BenchEvent, prng } from './events.js';

/** Of each batch after the first: events the stream already sent, and those sent back changed. */
export const RESEND_SHARE = 0.2;
export const CONFLICT_SHARE = 0.01;

export interface ResendStream {
  batches: BenchEvent[][];
  /** Events sent again unchanged: duplicates ingest must recognise and not count twice. */
  repeats: number;
  /** Events sent again under the same id with other content: conflicts ingest must refuse. */
  conflicts: number;
}

/**
 * An at-least-once engine's stream made from `events`: every batch of `size` after the first is
 * 80 % events not sent before and 20 % events drawn from the earlier batches (1 % of the batch
 * with a changed `occurredAt`, a conflict; the rest as they were), shuffled into the batch, so
 * repeats of finished interviews, of ones under way and of their opening events all come back.
 */
export function withResends(events: BenchEvent[], size: number, seed: number): ResendStream {
  const rand = prng(seed);
  const pick = <T>(from: T[]) => from[Math.floor(rand() * from.length)] as T;
  const sent: BenchEvent[] = [];
  const conflicted = new Set<string>();
  const batches: BenchEvent[][] = [];
  let repeats = 0;
  let conflicts = 0;
  const newPerBatch = Math.round(size * (1 - RESEND_SHARE));
  const conflictsPerBatch = Math.round(size * CONFLICT_SHARE);
  let next = 0;
  while (next < events.length) {
    const fresh = events.slice(next, next + (sent.length === 0 ? size : newPerBatch));
    next += fresh.length;
    const batch = [...fresh];
    if (sent.length > 0) {
      // Each event at most once a batch, so every repeat meets the stored copy, not another in the batch.
      const inBatch = new Set<string>();
      for (let i = 0; i < size - fresh.length; i++) {
        let e = pick(sent);
        while (inBatch.has(e.id)) e = pick(sent);
        inBatch.add(e.id);
        // A changed copy of an id once only, so the expected counts stay exact.
        if (i < conflictsPerBatch && !conflicted.has(e.id)) {
          conflicted.add(e.id);
          const at = new Date(Date.parse(e.occurredAt) + 1000).toISOString();
          batch.push({ ...e, occurredAt: at });
          conflicts++;
        } else {
          batch.push(e);
          repeats++;
        }
      }
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [batch[i], batch[j]] = [batch[j] as BenchEvent, batch[i] as BenchEvent];
      }
    }
    sent.push(...fresh);
    batches.push(batch);
  }
  return { batches, repeats, conflicts };
}
