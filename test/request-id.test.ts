import { describe, expect, it } from 'vitest';
import { TestClock, testAppForFile } from './helpers/factories.js';

/** Every answer names its request's id (src/server/http/request-id.ts), the one its log lines carry. */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
const env = testAppForFile(clock);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const idOf = async (url: string, sent?: string) => {
  const res = await env.app.inject({
    method: 'GET',
    url,
    headers: sent === undefined ? {} : { 'x-request-id': sent },
  });
  return res.headers['x-request-id'];
};

describe('the request id', () => {
  it('is new for each request without one', async () => {
    const [a, b] = [await idOf('/api/v1/health'), await idOf('/api/v1/health')];
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it("is the caller's own when it is short and plain, on answers and refusals alike", async () => {
    expect(await idOf('/api/v1/health', 'lb-7f3a.2026:12')).toBe('lb-7f3a.2026:12');
    // A refusal (no session) and a route that does not exist carry it too.
    expect(await idOf('/api/v1/consumption/summary', 'abc')).toBe('abc');
    expect(await idOf('/api/v1/no-such-route', 'abc')).toBe('abc');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['spaces', 'a b'],
    ['a quote and braces', '"}{'],
    ['non-ASCII', 'évite'],
    ['empty', ''],
  ])('is replaced by a new one when the caller’s is unsafe to log (%s)', async (_, sent) => {
    expect(await idOf('/api/v1/health', sent)).toMatch(UUID);
  });
});
