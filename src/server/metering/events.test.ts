import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, InterviewEventSchema } from '../../shared/contract/events.js';
import { fastParseEvent, parseEvent } from './events.js';

/**
 * `parseEvent` checks the common case by hand and leaves the rest to zod: it must accept only what
 * `InterviewEventSchema` accepts, return the same data (same keys, same order, same values), and
 * give zod's own answer for everything else.
 */

/** Strings near every edge of `z.string().trim().min(1).max(n)`. */
const textArb = (max: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom('', ' ', 'a', ' a', 'a ', '\ta', 'a\n', '\u00a0a', 'a\ufeff', '\u2028', 'a b', 'é'),
    fc.constantFrom(max - 1, max, max + 1).map((n) => 'x'.repeat(n)),
    fc.constantFrom(max, max + 1).map((n) => ` ${'x'.repeat(n - 1)}`),
    fc.uuid(),
  );

/** Times zod accepts and times it does not, most of them close to the accepted form. */
const occurredAtArb = fc.oneof(
  { weight: 4, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .chain((d) =>
      fc
        .constantFrom('Z', '+00:00', '-05:00', '+14:00', '+24:00', '+0100', 'z', '', '+05:30')
        .chain((zone) =>
          fc
            .constantFrom(19, 21, 23, 26)
            .map((len) => `${d.toISOString().slice(0, len)}${zone}`.replace(/\.$/, '')),
        ),
    ),
  fc.constantFrom(
    '2024-02-29T00:00:00Z',
    '2025-02-29T00:00:00.000Z',
    '2025-02-30T00:00:00.000Z',
    '2025-04-31T00:00:00.000Z',
    '2025-01-01T24:00:00.000Z',
    '2025-01-01T23:59:60.000Z',
    '2025-01-01T00:00.000Z',
    '2025-01-01 00:00:00.000Z',
    '2025-01-01T00:00:00.1234567Z',
    '+002025-01-01T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    'yesterday',
    '',
  ),
  fc.string(),
);

const completionArb = fc.oneof(
  fc.double({ min: 0, max: 1 }),
  fc.constantFrom(0, -0, 1, 0.5, 1.0000001, -1e-9, Number.NaN, Infinity, -Infinity, '0.5', null),
  fc.double(),
);

/** Events with each field absent, undefined, valid or not, and sometimes an extra key. */
const eventArb = fc
  .record(
    {
      id: textArb(200),
      type: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...EVENT_TYPES) }, fc.string()),
      interviewId: textArb(200),
      openingId: textArb(200),
      jobTitle: fc.oneof(textArb(300), fc.constant(undefined)),
      candidateId: fc.oneof(textArb(200), fc.constant(undefined)),
      occurredAt: occurredAtArb,
      completion: fc.oneof(completionArb, fc.constant(undefined)),
      recruiterId: fc.oneof(textArb(100), fc.constant(undefined)),
      recruiterName: fc.oneof(textArb(100), fc.constant(undefined)),
      department: fc.oneof(textArb(100), fc.constant(undefined)),
      location: fc.oneof(textArb(100), fc.constant(undefined)),
      tags: fc.oneof(
        fc.dictionary(fc.constantFrom('team', 'cost_center', 'a:b', ''), textArb(100), { maxKeys: 3 }),
        fc.constant(undefined),
        fc.anything(),
      ),
    },
    { requiredKeys: ['type', 'occurredAt'] },
  )
  .chain((e) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(e as Record<string, unknown>) },
      fc
        .tuple(fc.constantFrom(...Object.keys(e), 'extra', '__proto__', 'constructor'), fc.anything())
        .map(([key, value]) => {
          const copy: Record<string, unknown> = { ...e };
          Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
          return copy;
        }),
    ),
  );

/** Valid events in final form: what the interview engine sends, and what the fast path is for. */
const canonicalArb = fc.record(
  {
    id: fc.uuid(),
    type: fc.constantFrom(...EVENT_TYPES),
    interviewId: fc.uuid(),
    openingId: fc.stringMatching(/^op-[a-z0-9]{1,20}$/),
    jobTitle: fc.constantFrom('Backend Engineer', 'Nurse Practitioner', 'x'.repeat(300)),
    candidateId: fc.uuid(),
    occurredAt: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    completion: fc.double({ min: 0, max: 1, noNaN: true }),
    recruiterId: fc.stringMatching(/^rec-[a-z0-9]{1,20}$/),
    department: fc.constantFrom('Engineering', 'Nursing', 'x'.repeat(100)),
    location: fc.constantFrom('Berlin', 'São Paulo'),
  },
  { requiredKeys: ['id', 'type', 'interviewId', 'openingId', 'occurredAt', 'completion'] },
);

function expectSameAsZod(input: unknown): void {
  const zod = InterviewEventSchema.safeParse(input);
  const fast = fastParseEvent(input);
  if (fast !== undefined) {
    expect(zod.success, `accepted by the fast path, refused by zod: ${String(zod.error)}`).toBe(true);
    expect(fast).toStrictEqual(zod.data);
    expect(Object.keys(fast)).toEqual(Object.keys(zod.data ?? {}));
  }
  const parsed = parseEvent(input);
  expect(parsed.success).toBe(zod.success);
  if (parsed.success) {
    expect(parsed.data).toStrictEqual(zod.data);
    expect(Object.keys(parsed.data)).toEqual(Object.keys(zod.data ?? {}));
  } else {
    expect(parsed.error.issues).toStrictEqual(zod.error?.issues);
  }
}

describe('parseEvent', () => {
  it('agrees with the zod schema on valid and invalid events', () => {
    fc.assert(fc.property(eventArb, expectSameAsZod), { numRuns: 5000 });
  });

  it('agrees with the zod schema on anything at all', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), expectSameAsZod),
      {
        numRuns: 2000,
      },
    );
  });

  it('takes the fast path for well-formed events, with the same result as zod', () => {
    fc.assert(
      fc.property(canonicalArb, (e) => {
        expect(fastParseEvent(e)).toBeDefined();
        expectSameAsZod(e);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves to zod what needs a transform or an error message', () => {
    const good = {
      id: 'ev-1',
      type: 'interview.progress',
      interviewId: 'iv-1',
      openingId: 'op-1',
      occurredAt: '2026-01-01T10:00:00.000Z',
      completion: 0.5,
    };
    expect(fastParseEvent(good)).toEqual(good);
    for (const bad of [
      { ...good, id: ' ev-1' },
      { ...good, completion: undefined },
      { ...good, occurredAt: '2026-02-30T10:00:00.000Z' },
      { ...good, extra: 1 },
      Object.assign(Object.create({ inherited: 1 }), good),
    ]) {
      expect(fastParseEvent(bad)).toBeUndefined();
      expectSameAsZod(bad);
    }
    expect(parseEvent({ ...good, id: '  ev-1  ' })).toEqual({ success: true, data: good });
  });
});
