import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillDailyUsage, makeTenant, signIn, TestClock, testAppForFile } from './helpers/factories.js';

/**
 * Requests Node refuses before the API sees them (src/server/http/client-errors.ts): one not sent
 * whole within METERLINE_REQUEST_TIMEOUT_SECONDS, headers too large, bytes that are not HTTP. Each
 * gets the API's error shape and a closed connection, changes nothing, and the server answers on.
 */
const clock = new TestClock(new Date('2026-09-27T12:00:00Z'));
const env = testAppForFile(clock, { METERLINE_REQUEST_TIMEOUT_SECONDS: 1 });

let tenant: { id: string; apiKey: string };
let port: number;
beforeAll(async () => {
  tenant = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  port = (env.app.server.address() as AddressInfo).port;
});

/** Writes `raw` to a new connection, then nothing more; resolves with all it got once the server closes it. */
function rawExchange(raw: string): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, ms: Date.now() - started }));
  });
}

const refusal = (text: string) => {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
};

const healthy = async () => (await env.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode;

const eventRows = () =>
  env.t.db.withTenant(tenant.id, async (tx) => {
    const rows = await tx.query<{ n: number }>('select count(*)::int as n from interview_events');
    return rows[0]?.n;
  });

describe('a request not sent whole in time', () => {
  it('is answered 408 request_timeout and closed, and changes nothing', async () => {
    const { text, ms } = await rawExchange(
      `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.apiKey}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"events":[',
    );
    expect(refusal(text)).toEqual({
      status: 408,
      body: { error: { code: 'request_timeout', message: expect.stringMatching(/in time/) } },
    });
    // The timeout is one second; Node looks every quarter of it.
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(10_000);
    expect(await eventRows()).toBe(0);
    expect(await healthy()).toBe(200);
  });

  it('does not time the answer: a download read slowly, past the timeout, arrives whole', async () => {
    const t = await makeTenant(env.t.db, clock, { timeZone: 'UTC' });
    // About 4 MB of CSV: more than the sockets' buffers hold, so the server is still sending when the client pauses.
    await fillDailyUsage(env.t, t.id, { openings: 40, days: 1000 });
    const { cookie } = await signIn(env.app, env.t.db, t.id, 'account_admin');
    const csv = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          path: '/api/v1/consumption/export?from=2024-01-01&to=2026-09-26&format=csv',
          headers: { cookie },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.once('data', (first: string) => {
            text += first;
            res.pause();
            setTimeout(() => res.resume(), 2_500);
            res.on('data', (chunk: string) => {
              text += chunk;
            });
          });
          res.on('end', () => resolve({ status: res.statusCode, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(csv.status).toBe(200);
    // A header line, then one row per opening and day.
    expect(csv.text.trim().split('\n').length).toBeGreaterThan(40 * 1000);
  });
});

describe('bytes Node refuses before the API', () => {
  it('headers too large: 431 headers_too_large', async () => {
    const { text } = await rawExchange(
      `GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(refusal(text)).toEqual({
      status: 431,
      body: { error: { code: 'headers_too_large', message: expect.any(String) } },
    });
    expect(await healthy()).toBe(200);
  });

  it('not HTTP: 400 bad_request', async () => {
    const { text } = await rawExchange('\u0000\u0001 hello\r\n\r\n');
    expect(refusal(text)).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.any(String) } },
    });
    expect(await healthy()).toBe(200);
  });

  it('HTTP/1.1 without a Host header: 400 bad_request and closed; HTTP/1.0 needs none', async () => {
    const { text } = await rawExchange('GET /api/v1/health HTTP/1.1\r\n\r\n');
    expect(refusal(text)).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.stringMatching(/Host/) } },
    });
    const old = await rawExchange('GET /api/v1/health HTTP/1.0\r\n\r\n');
    expect(refusal(old.text)).toEqual({ status: 200, body: { ok: true } });
  });
});
