import { describe, expect, it } from 'vitest';
import { verifyTenant } from '../src/server/ledger/verify.js';
import {
  interviewEvents,
  makeTenant,
  postEvents,
  signIn,
  TestClock,
  testAppForFile,
} from './helpers/factories.js';

const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
const env = testAppForFile(clock);

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';
/** Characters XML 1.0 cannot hold, which the .xlsx export cannot write (src/shared/text.ts). */
const CONTROL = 'a\u001bb';
const NONCHARACTER = 'a\uffffb';

async function stillServing() {
  const res = await env.app.inject({ method: 'GET', url: '/api/v1/health' });
  expect(res.statusCode).toBe(200);
}

async function eventCount(tenantId: string): Promise<number> {
  const [row] = await env.t.db.withTenant(tenantId, (tx) =>
    tx.query<{ n: number }>('select count(*)::int as n from interview_events'),
  );
  return row?.n ?? -1;
}

describe('hostile event times', () => {
  it.each([
    ['0000-01-01T00:00:00Z', 'before 2000'],
    ['0001-01-01T00:00:00+00:01', 'before 2000'],
    ['1999-12-31T23:59:59.999Z', 'before 2000'],
    ['9999-12-31T23:59:59-23:59', 'more than 24 hours after'],
    ['2026-01-16T12:00:00.001Z', 'more than 24 hours after'],
  ])('refuses %s per event with invalid_time, accepts the rest of the batch', async (time, why) => {
    const tenant = await makeTenant(env.t.db, clock);
    const good = interviewEvents({ outcome: 'completed' });
    const bad = {
      id: 'bad',
      type: 'interview.invited',
      interviewId: 'i-bad',
      openingId: 'o',
      occurredAt: time,
    };
    const res = await postEvents(env.app, tenant.apiKey, [...good, bad]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(good.length);
    expect(body.rejected).toEqual([
      { index: good.length, code: 'invalid_time', message: expect.stringContaining(why) },
    ]);
    expect(body.rejected[0].message).toContain('occurredAt');
    expect(await eventCount(tenant.id)).toBe(good.length);
    expect(await verifyTenant(env.t.db, tenant.id)).toEqual([]);
    await stillServing();
  });

  it('accepts the window’s edges: 2000-01-01 and 24 hours ahead', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const at = (id: string, occurredAt: string) => ({
      id,
      type: 'interview.invited',
      interviewId: id,
      openingId: 'o',
      occurredAt,
    });
    const res = await postEvents(env.app, tenant.apiKey, [
      at('first', '2000-01-01T00:00:00Z'),
      at('last', '2026-01-16T12:00:00Z'),
    ]);
    expect(res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  });
});

describe('text no one can store', () => {
  const fields = ['id', 'interviewId', 'openingId', 'jobTitle', 'candidateId', 'type', 'occurredAt'];
  it.each(
    fields.flatMap((field) => [
      [field, NUL],
      [field, LONE],
      [field, CONTROL],
      [field, NONCHARACTER],
    ]),
  )('refuses %s holding %j as invalid_text for that event alone', async (field, value) => {
    const tenant = await makeTenant(env.t.db, clock);
    const good = interviewEvents({ outcome: 'completed' });
    const bad = { ...interviewEvents({ outcome: 'invited' })[0], [field]: value };
    const res = await postEvents(env.app, tenant.apiKey, [bad, ...good]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: good.length,
      duplicates: 0,
      rejected: [{ index: 0, code: 'invalid_text', message: expect.stringContaining(field) }],
    });
    await stillServing();
  });

  it('accepts tab, newline and carriage return in text', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const events = interviewEvents({ jobTitle: 'Nurse\t(nights)\r\nParis', outcome: 'invited' });
    expect((await postEvents(env.app, tenant.apiKey, events)).json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
    });
  });

  it('refuses a key holding a lone surrogate in an event, and an unknown field with NUL', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const [invited] = interviewEvents({ outcome: 'invited' });
    const res = await postEvents(env.app, tenant.apiKey, [
      { ...invited, 'x\ud800': 1 },
      { ...invited, x: NUL },
    ]);
    expect(res.json().rejected.map((r: { code: string }) => r.code)).toEqual([
      'invalid_text',
      'invalid_text',
    ]);
  });

  it('answers 400 invalid_text on every other route and changes nothing', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const asAdmin = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const enc = encodeURIComponent;
    const requests: {
      method: 'GET' | 'POST' | 'PUT' | 'PATCH';
      url: string;
      payload?: Record<string, unknown>;
    }[] = [];
    for (const v of [NUL, LONE, CONTROL, NONCHARACTER]) {
      // A URL holds UTF-8, where a lone surrogate cannot be written: NUL goes in URLs in its place.
      const inUrl = enc(v === LONE ? NUL : v);
      requests.push(
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `x${v}@a.test`, password: 'whatever-long' },
        },
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'x@a.test', password: `pw${v}pw-long` },
        },
        { method: 'POST', url: '/api/v1/users', payload: { email: 'n@a.test', name: v, role: 'viewer' } },
        { method: 'POST', url: '/api/v1/api-keys', payload: { name: v } },
        { method: 'PUT', url: `/api/v1/openings/${inUrl}/status`, payload: { status: 'closed' } },
        { method: 'PUT', url: '/api/v1/openings/o/status', payload: { status: v } },
        { method: 'POST', url: '/api/v1/credits/reversals', payload: { interviewId: v, reason: 'r' } },
        { method: 'POST', url: '/api/v1/credits/reversals', payload: { interviewId: 'i', reason: v } },
        { method: 'GET', url: `/api/v1/consumption/openings?q=${inUrl}` },
        { method: 'GET', url: `/api/v1/credits/ledger?interviewId=${inUrl}` },
        { method: 'GET', url: `/api/v1/openings/${inUrl}/interviews` },
      );
    }
    const before = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>(
        `select (select count(*) from users) + (select count(*) from api_keys)
              + (select count(*) from ledger_entries) + (select count(*) from audit_log) as n`,
      ),
    );
    for (const r of requests) {
      const res = await env.app.inject({ ...r, headers: asAdmin });
      expect({ url: r.url, status: res.statusCode, code: res.json().error?.code }).toEqual({
        url: r.url,
        status: 400,
        code: 'invalid_text',
      });
    }
    const after = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>(
        `select (select count(*) from users) + (select count(*) from api_keys)
              + (select count(*) from ledger_entries) + (select count(*) from audit_log) as n`,
      ),
    );
    expect(after).toEqual(before);
    await stillServing();
  });

  it('answers 400 invalid_url to a query holding bytes that are not UTF-8, naming the parameter', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    for (const [url, name] of [
      ['/api/v1/consumption/summary?department=%ED%A0%80', 'department'],
      ['/api/v1/consumption/openings?q=%ED%A0%80', 'q'],
      ['/api/v1/credits/ledger?interviewId=%FF', 'interviewId'],
      ['/api/v1/consumption/breakdown?by=department&tag.team=%FF%FE%FD', 'tag.team'],
      ['/api/v1/consumption/export?location=Paris%ZZ', 'location'],
      ['/api/v1/audit?%FF=1', '%FF'],
    ]) {
      const res = await env.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
      expect({ url, status: res.statusCode, body: res.json() }).toEqual({
        url,
        status: 400,
        body: {
          error: {
            code: 'invalid_url',
            message: `The query parameter "${name}" is not valid percent-encoded UTF-8.`,
          },
        },
      });
    }
    // The same value well encoded is text like any other.
    const fine = await env.app.inject({
      method: 'GET',
      url: '/api/v1/consumption/summary?department=M%C3%BCller',
      headers: { cookie: admin.cookie },
    });
    expect(fine.statusCode).toBe(200);
    await stillServing();
  });

  it('refuses a write whose query is not UTF-8, storing nothing', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/events?source=%ED%A0%80',
      headers: { authorization: `Bearer ${tenant.apiKey}` },
      payload: { events: interviewEvents({ outcome: 'completed' }) },
    });
    expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({
      status: 400,
      code: 'invalid_url',
    });
    expect(await eventCount(tenant.id)).toBe(0);
  });

  // Found by the fuzz suite: the router's refusals came in a shape of their own.
  it('answers a path that is not valid percent-encoded UTF-8 in the API’s error shape', async () => {
    for (const url of [
      '/api/v1/openings/%ED%A0%80/interviews',
      '/api/v1/users/%FF',
      '/api/v1/openings/%ZZ/status',
    ]) {
      const res = await env.app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode, body: res.json() }).toEqual({
        url,
        status: 400,
        body: { error: { code: 'invalid_url', message: expect.any(String) } },
      });
    }
  });

  it('treats a session cookie holding NUL as no session', async () => {
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: 'meterline_session=ab%00cd' },
    });
    expect(res.statusCode).toBe(401);
  });
});

/**
 * JSON text as bytes: `value` serialised as UTF-8, each placeholder string in it replaced by the
 * raw bytes given for it (bytes no JavaScript string serialises to).
 */
function jsonBytes(value: unknown, bytesOf: Record<string, number[]>): Buffer {
  const parts = JSON.stringify(value).split(new RegExp(`(${Object.keys(bytesOf).join('|')})`));
  return Buffer.concat(parts.map((p) => Buffer.from(bytesOf[p] ?? Buffer.from(p, 'utf8'))));
}

const postBytes = (apiKey: string, payload: Buffer, contentType = 'application/json') =>
  env.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
    payload,
  });

describe('bodies that are not UTF-8', () => {
  const REPLACEMENTS = [0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd];
  // Three ids that are not UTF-8 (an encoded lone surrogate, twice, and bytes UTF-8 never uses) and
  // one of three U+FFFD, which a decoder that replaces bad bytes would make of each of them.
  const ID_BYTES: Record<string, number[]> = {
    ID_SURROGATE_1: [0x65, 0xed, 0xa0, 0x80],
    ID_SURROGATE_2: [0x65, 0xed, 0xa0, 0x81],
    ID_NOT_UTF8: [0x65, 0xff, 0xfe, 0xfd],
    ID_REPLACEMENT: [0x65, ...REPLACEMENTS],
  };
  const eventWithId = (placeholder: string) => ({
    ...interviewEvents({ interviewId: 'iv-bytes', outcome: 'invited' })[0],
    id: placeholder,
  });

  it('refuses a batch holding bytes that are not UTF-8 whole, saying where, and stores none of it', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const body = jsonBytes({ events: Object.keys(ID_BYTES).map(eventWithId) }, ID_BYTES);
    const res = await postBytes(tenant.apiKey, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_text');
    const [, at] = /at byte (\d+)/.exec(res.json().error.message) ?? [];
    // The first bad byte: the encoded surrogate's lead byte, after the first id's "e".
    expect(body.indexOf(Buffer.from([0x65, 0xed, 0xa0, 0x80])) + 1).toBe(Number(at));
    expect(await eventCount(tenant.id)).toBe(0);

    // The id of three U+FFFD is text, and is stored; the others stay refused, not duplicates of it.
    const valid = await postBytes(
      tenant.apiKey,
      jsonBytes({ events: [eventWithId('ID_REPLACEMENT')] }, ID_BYTES),
    );
    expect(valid.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    for (const id of ['ID_SURROGATE_1', 'ID_SURROGATE_2', 'ID_NOT_UTF8']) {
      const res = await postBytes(tenant.apiKey, jsonBytes({ events: [eventWithId(id)] }, ID_BYTES));
      expect({ id, status: res.statusCode, code: res.json().error?.code }).toEqual({
        id,
        status: 400,
        code: 'invalid_text',
      });
    }
    const ids = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ id: string }>('select id from interview_events'),
    );
    expect(ids).toEqual([{ id: 'e\ufffd\ufffd\ufffd' }]);
    await stillServing();
  });

  it('answers 415 to a body declared in another charset, and stores nothing', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const events = interviewEvents({ jobTitle: 'Müller', outcome: 'invited' });
    const latin1 = Buffer.from(JSON.stringify({ events }), 'latin1');
    for (const contentType of [
      'application/json; charset=iso-8859-1',
      'application/json;charset="ISO-8859-1"',
      'application/json; CHARSET=latin1',
      'application/json; charset=utf-16',
    ]) {
      const res = await postBytes(tenant.apiKey, latin1, contentType);
      expect({ contentType, status: res.statusCode, body: res.json() }).toEqual({
        contentType,
        status: 415,
        body: { error: { code: 'bad_request', message: expect.stringContaining('must be sent as UTF-8') } },
      });
    }
    // Undeclared, the same bytes are read as UTF-8, which they are not.
    const undeclared = await postBytes(tenant.apiKey, latin1);
    expect(undeclared.statusCode).toBe(400);
    expect(undeclared.json().error.code).toBe('invalid_text');
    // Every JSON route reads its body alike, not only the events'.
    const admin = await signIn(env.app, env.t.db, tenant.id, 'account_admin');
    const key = await env.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'content-type': 'application/json; charset=iso-8859-1',
      },
      payload: Buffer.from(JSON.stringify({ name: 'Müller' }), 'latin1'),
    });
    expect(key.statusCode).toBe(415);
    const stored = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ n: number }>(
        `select (select count(*) from interview_events) + (select count(*) from api_keys) as n`,
      ),
    );
    expect(stored).toEqual([{ n: 1 }]);
    await stillServing();
  });

  it('takes UTF-8 declared in any case, quoted or not', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    for (const contentType of [
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'application/json;charset="utf-8"',
      'application/json; charset=utf8',
    ]) {
      const events = interviewEvents({ jobTitle: 'Müller', outcome: 'invited' });
      const res = await postBytes(tenant.apiKey, Buffer.from(JSON.stringify({ events })), contentType);
      expect({ contentType, body: res.json() }).toEqual({
        contentType,
        body: { accepted: 1, duplicates: 0, rejected: [] },
      });
    }
    const titles = await env.t.db.withTenant(tenant.id, (tx) =>
      tx.query<{ job_title: string }>('select distinct job_title from openings'),
    );
    expect(titles).toEqual([{ job_title: 'Müller' }]);
  });

  it('still refuses a body over the limit', async () => {
    const tenant = await makeTenant(env.t.db, clock);
    const res = await postBytes(tenant.apiKey, Buffer.alloc(2 * 1024 * 1024 + 1, 0x20));
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({
      status: 413,
      code: 'payload_too_large',
    });
  });
});

describe('the edge', () => {
  it('authenticates before reading a body: 1 MB of anonymous garbage is a 401, not parsed', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: `{"events": [${'x'.repeat(1024 * 1024)}`,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_api_key');
  });

  it('sends a strict Content-Security-Policy and no-store on API answers', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
