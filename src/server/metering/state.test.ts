import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../shared/contract/events.js';
import { chargeFor, DEFAULT_PARTIAL_RULE, type InterviewState, parsePartialRule } from '../ledger/rules.js';
import type { ParsedEvent } from './events.js';
import { deriveState, type InterviewRecord, mergeEvent } from './state.js';

/**
 * Pure properties of the interview merge (docs/product.md, Events and Interview states): the
 * record is the same whatever order events arrive in and however often one repeats, the state read
 * from it follows the state machine, and the charge only grows as events arrive (which is what
 * lets ingest charge only the difference).
 */

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const REAL_TYPES: EventType[] = [
  'interview.invited',
  'interview.started',
  'interview.progress',
  'interview.completed',
  'interview.ended',
  'interview.expired',
  'interview.cancelled',
];

/** A share of the interview done, with the default rule's tier edges made likely. */
const completionArb = fc.oneof(
  fc.constantFrom(0, 0.1, 0.2499, 0.25, 0.5, 0.7499, 0.75, 0.9, 1),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

let seq = 0;
function event(
  type: EventType,
  minute: number,
  extra: { completion?: number; candidateId?: string } = {},
): ParsedEvent {
  const at = T0 + minute * MIN;
  return {
    id: `ev-${++seq}`,
    type,
    interviewId: 'iv-1',
    openingId: 'op-1',
    occurredAt: new Date(at).toISOString(),
    at,
    ...(extra.candidateId === undefined ? {} : { candidateId: extra.candidateId }),
    ...(extra.completion === undefined ? {} : { completion: extra.completion }),
  };
}

/** Any events of one real interview (same id, opening and kind), in any order, small times so ties happen. */
const realEventArb = fc
  .record({
    type: fc.constantFrom(...REAL_TYPES),
    minute: fc.integer({ min: 0, max: 20 }),
    completion: fc.option(completionArb, { nil: undefined }),
    candidateId: fc.option(fc.constantFrom('cand-a', 'cand-b', 'cand-c'), { nil: undefined }),
  })
  .map(({ type, minute, completion, candidateId }) =>
    event(type, minute, {
      // progress and ended always carry a completion (the schema demands it); others may.
      completion:
        type === 'interview.progress' || type === 'interview.ended' ? (completion ?? 0) : completion,
      candidateId,
    }),
  );
const simulationEventArb = fc
  .integer({ min: 0, max: 20 })
  .map((minute) => event('simulation.run', minute, { candidateId: 'staff' }));
const interviewEventsArb = fc.oneof(
  { weight: 5, arbitrary: fc.array(realEventArb, { minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(simulationEventArb, { minLength: 1, maxLength: 3 }) },
);

const fold = (events: ParsedEvent[]): InterviewRecord => {
  let record: InterviewRecord | undefined;
  for (const e of events) record = mergeEvent(record, e);
  if (!record) throw new Error('no events');
  return record;
};

/** The events again in another order, some of them repeated. */
const reorderedWithRepeatsArb = (events: ParsedEvent[]) =>
  fc
    .tuple(
      fc.array(fc.nat({ max: events.length - 1 }), { maxLength: events.length }),
      fc.array(fc.nat(), { minLength: events.length * 2, maxLength: events.length * 2 }),
    )
    .map(([repeats, keys]) => {
      const all = [...events, ...repeats.map((i) => events[i] as ParsedEvent)];
      return all
        .map((e, i) => ({ e, key: keys[i % keys.length] ?? 0, i }))
        .sort((a, b) => a.key - b.key || a.i - b.i)
        .map((x) => x.e);
    });

const partialRuleArb = fc.oneof(
  fc.constant(DEFAULT_PARTIAL_RULE),
  fc
    .uniqueArray(fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }), { maxLength: 4 })
    .chain((edges) =>
      fc
        .array(fc.integer({ min: 0, max: 1000 }), {
          minLength: edges.length + 1,
          maxLength: edges.length + 1,
        })
        .map((credits) => {
          const mins = [0, ...edges.filter((x) => x > 0).sort((a, b) => a - b)];
          const sorted = [...credits].sort((a, b) => a - b);
          return parsePartialRule({
            version: 7,
            tiers: mins.map((minCompletion, i) => ({ minCompletion, creditsMilli: sorted[i] ?? 1000 })),
          });
        }),
    ),
);

const charged = (r: InterviewRecord, rule = DEFAULT_PARTIAL_RULE) =>
  chargeFor(
    { state: deriveState(r).state, completion: r.completion, isSimulation: r.isSimulation, reversed: false },
    rule,
  ).milli;

describe('mergeEvent', () => {
  it('gives the same record for any order and any repetition of the same events', () => {
    fc.assert(
      fc.property(
        interviewEventsArb.chain((events) => fc.tuple(fc.constant(events), reorderedWithRepeatsArb(events))),
        ([events, reordered]) => {
          expect(fold(reordered)).toEqual(fold(events));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is idempotent: merging an event already merged changes nothing', () => {
    fc.assert(
      fc.property(
        interviewEventsArb.chain((events) =>
          fc.tuple(fc.constant(events), fc.nat({ max: events.length - 1 })),
        ),
        ([events, i]) => {
          const record = fold(events);
          expect(mergeEvent(record, events[i] as ParsedEvent)).toEqual(record);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not change the record it is given', () => {
    fc.assert(
      fc.property(interviewEventsArb, realEventArb, (events, extra) => {
        const record = fold(events);
        const copy = structuredClone(record);
        mergeEvent(record, extra);
        expect(record).toEqual(copy);
      }),
      { numRuns: 100 },
    );
  });
});

/** The state machine of docs/product.md, Interview states, with each state's direct successors. */
const NEXT: Record<InterviewState, InterviewState[]> = {
  invited: ['started', 'expired', 'cancelled'],
  started: ['completed', 'partially_completed'],
  partially_completed: ['completed'],
  completed: [],
  expired: [],
  cancelled: [],
};
const reachable = (from: InterviewState, to: InterviewState): boolean =>
  from === to || NEXT[from].some((n) => reachable(n, to));

type Life =
  | 'invited'
  | 'started'
  | 'completed'
  | 'partial'
  | 'expired'
  | 'cancelled'
  | 'resumed'
  | 'abandoned';
const FINAL: Record<Life, InterviewState> = {
  invited: 'invited',
  started: 'started',
  completed: 'completed',
  partial: 'partially_completed',
  expired: 'expired',
  cancelled: 'cancelled',
  resumed: 'completed',
  // Started, then the invitation expired or was cancelled before the end: ended early.
  abandoned: 'partially_completed',
};

/** The events of one lawful interview life, in the order they happen. */
const lifeArb = fc
  .record({
    life: fc.constantFrom<Life>(...(Object.keys(FINAL) as Life[])),
    gaps: fc.array(fc.integer({ min: 0, max: 3 * 24 * 60 }), { minLength: 8, maxLength: 8 }),
    completion: completionArb,
    progress: fc.array(completionArb, { maxLength: 3 }),
    stop: fc.constantFrom<EventType>('interview.expired', 'interview.cancelled'),
  })
  .map(({ life, gaps, completion, progress, stop }) => {
    let minute = 0;
    let g = 0;
    const next = (type: EventType, c?: number) => {
      minute += gaps[g++ % gaps.length] ?? 0;
      return event(type, minute, c === undefined ? {} : { completion: c });
    };
    const events = [next('interview.invited')];
    const work = () => {
      events.push(next('interview.started'));
      for (const p of progress) events.push(next('interview.progress', Math.min(p, completion)));
    };
    if (life === 'expired') events.push(next('interview.expired'));
    if (life === 'cancelled') events.push(next('interview.cancelled'));
    if (['started', 'completed', 'partial', 'resumed', 'abandoned'].includes(life)) work();
    if (life === 'completed') events.push(next('interview.completed'));
    if (life === 'partial' || life === 'resumed') events.push(next('interview.ended', completion));
    if (life === 'resumed') {
      events.push(next('interview.started'), next('interview.completed'));
    }
    if (life === 'abandoned') events.push(next(stop));
    return { life, events };
  });

describe('deriveState', () => {
  it('moves only along the transitions of the state machine as a lawful life happens, ending in its state', () => {
    fc.assert(
      fc.property(lifeArb, ({ life, events }) => {
        let record: InterviewRecord | undefined;
        let state: InterviewState | undefined;
        const path: InterviewState[] = [];
        for (const e of events) {
          record = mergeEvent(record, e);
          const next = deriveState(record).state;
          if (state !== undefined) expect(reachable(state, next), `${path.join(' → ')} → ${next}`).toBe(true);
          state = next;
          path.push(next);
        }
        expect(state).toBe(FINAL[life]);
        const { finishedAt } = deriveState(record as InterviewRecord);
        if (finishedAt !== null)
          expect(finishedAt).toBeGreaterThanOrEqual((record as InterviewRecord).startedAt ?? 0);
      }),
      { numRuns: 500 },
    );
  });

  it('reads every record as §1 says, whatever events were seen', () => {
    fc.assert(
      fc.property(interviewEventsArb, (events) => {
        const r = fold(events);
        const { state, finishedAt } = deriveState(r);
        // A completed interview is completed, whatever else was seen (a resumed partial can complete).
        expect(state === 'completed').toBe(r.completedAt !== null);
        // Only a started interview can be completed in part, and only one never started expires or is cancelled.
        if (state === 'partially_completed') expect(r.startedAt).not.toBeNull();
        if (state === 'expired') expect([r.startedAt, r.expiredAt === null]).toEqual([null, false]);
        if (state === 'cancelled') expect([r.startedAt, r.cancelledAt === null]).toEqual([null, false]);
        if (state === 'invited') {
          expect([r.startedAt, r.expiredAt, r.cancelledAt, r.endedAt, r.completedAt]).toEqual([
            null,
            null,
            null,
            null,
            null,
          ]);
        }
        if (state === 'started') expect([r.endedAt, r.expiredAt, r.cancelledAt]).toEqual([null, null, null]);
        // The charged states, and only they, have a time the interview finished at.
        expect(finishedAt !== null).toBe(state === 'completed' || state === 'partially_completed');
        if (finishedAt !== null) expect(finishedAt).toBeGreaterThanOrEqual(r.invitedAt);
        expect(r.invitedAt).toBe(Math.min(...events.map((e) => e.at)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the charge of a merged interview', () => {
  it('never falls as more events of the interview arrive, and never passes one credit', () => {
    fc.assert(
      fc.property(
        interviewEventsArb.chain((events) =>
          fc.tuple(fc.constant(events), fc.subarray(events, { minLength: 1 }), partialRuleArb),
        ),
        ([events, some, rule]) => {
          const all = charged(fold(events), rule);
          const part = charged(fold(some), rule);
          expect(part).toBeLessThanOrEqual(all);
          expect(all).toBeGreaterThanOrEqual(0);
          expect(all).toBeLessThanOrEqual(1000);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('charges simulations nothing, completed interviews 1 credit, partial ones by the partial rule', () => {
    fc.assert(
      fc.property(interviewEventsArb, (events) => {
        const r = fold(events);
        const { state } = deriveState(r);
        const milli = charged(r);
        if (r.isSimulation) expect(milli).toBe(0);
        else if (state === 'completed') expect(milli).toBe(1000);
        else if (state === 'partially_completed')
          expect(milli).toBe(r.completion < 0.25 ? 0 : r.completion < 0.75 ? 500 : 1000);
        else expect(milli).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
