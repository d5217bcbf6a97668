import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '../alerts/destination.js';
import { pinnedFetch } from './sso-fetch.js';

/** A stand-in provider on this host: echoes what it was sent, or a body over the size limit. */
let server: Server;
let port: number;
const seen: { host?: string; body?: string; method?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ host: req.headers.host, body, method: req.method });
      if (req.url === '/huge') {
        res.end(Buffer.alloc(1024 * 1024 + 1, 'x'));
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-two', ['a', 'b']);
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A resolver that answers every name with one address, as a hostile DNS record could. */
const resolvingTo =
  (address: string): Resolve =>
  async () => [{ address, family: 4 }];

const options = { method: 'POST', headers: { accept: 'application/json' }, redirect: 'manual' as const };

describe("the identity provider's fetch", () => {
  it('refuses a name that resolves to this host or a private network, before connecting', async () => {
    const before = seen.length;
    for (const address of ['127.0.0.1', '10.0.0.7', '169.254.169.254']) {
      const fetch = pinnedFetch(false, resolvingTo(address));
      await expect(
        fetch(`https://login.acme.example/token`, { ...options, body: undefined }),
        address,
      ).rejects.toThrow(/private address/);
    }
    expect(seen.length).toBe(before);
  });

  it('connects to the address it judged, whatever the name, and hands back status, headers and body', async () => {
    const fetch = pinnedFetch(true, resolvingTo('127.0.0.1'));
    const res = await fetch(`http://idp.example.test:${port}/token`, {
      ...options,
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1' }),
    } as Parameters<typeof fetch>[1]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-two')).toBe('a, b');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toEqual({
      host: `idp.example.test:${port}`,
      body: 'grant_type=authorization_code&code=c1',
      method: 'POST',
    });
  });

  it('refuses an answer over 1 MiB', async () => {
    const fetch = pinnedFetch(true, resolvingTo('127.0.0.1'));
    await expect(
      fetch(`http://idp.example.test:${port}/huge`, { ...options, method: 'GET', body: undefined }),
    ).rejects.toThrow(/over 1 MiB/);
  });
});
