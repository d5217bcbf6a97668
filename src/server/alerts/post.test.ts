import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { pinnedLookup, postTo } from './post.js';

const testdata = new URL('./testdata/', import.meta.url);
// A self-signed certificate for hooks.meterline.test alone.
const cert = readFileSync(new URL('hooks.meterline.test.crt', testdata), 'utf8');
const key = readFileSync(new URL('hooks.meterline.test.key', testdata), 'utf8');

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Starts `server` on `host` (and `port`, else any) and records each request it answers. */
async function receiver(server: Server, host: string, port = 0) {
  const received: IncomingMessage[] = [];
  server.on('request', (req: IncomingMessage, res) => {
    received.push(req);
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  servers.push(server);
  return { received, port: (server.address() as AddressInfo).port };
}

const post = (url: string, address: string, ca?: string) =>
  postTo(
    url,
    '{}',
    { 'content-type': 'application/json' },
    {
      addresses: [{ address, family: 4 }],
      timeoutMs: 5_000,
      ...(ca === undefined ? {} : { ca }),
    },
  );

describe('posting a webhook to checked addresses', () => {
  it('answers every lookup with the checked addresses, whatever name is asked', () => {
    const lookup = pinnedLookup([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '1.1.1.1', family: 4 },
    ]);
    const answers: unknown[] = [];
    lookup('hooks.example.com', { all: true }, (err, address) => answers.push([err, address]));
    lookup('hooks.example.com', {}, (err, address, family) => answers.push([err, address, family]));
    lookup('localhost', { family: 4 }, (err, address, family) => answers.push([err, address, family]));
    lookup('hooks.example.com', { family: 6, all: true }, (err, address) => answers.push([err, address]));
    expect(answers).toEqual([
      [
        null,
        [
          { address: '2606:4700:4700::1111', family: 6 },
          { address: '1.1.1.1', family: 4 },
        ],
      ],
      [null, '2606:4700:4700::1111', 6],
      [null, '1.1.1.1', 4],
      [null, [{ address: '2606:4700:4700::1111', family: 6 }]],
    ]);
    pinnedLookup([{ address: '1.1.1.1', family: 4 }])('hooks.example.com', { family: 6 }, (err) =>
      expect((err as NodeJS.ErrnoException).code).toBe('ENOTFOUND'),
    );
  });

  it('connects to the checked address, not to where the name points', async () => {
    // Two receivers on one port: the checked one on 127.0.0.2, another on 127.0.0.1 (what
    // `localhost` and the system's resolver would give).
    const checked = await receiver(createHttpServer(), '127.0.0.2');
    const other = await receiver(createHttpServer(), '127.0.0.1', checked.port);
    expect(await post(`http://localhost:${checked.port}/hook`, '127.0.0.2')).toBe(200);
    expect(checked.received.map((r) => [r.method, r.url, r.headers.host])).toEqual([
      ['POST', '/hook', `localhost:${checked.port}`],
    ]);
    expect(other.received).toEqual([]);
  });

  it('does not follow a redirect', async () => {
    const target = await receiver(createHttpServer(), '127.0.0.1');
    const redirecting = createHttpServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${target.port}/elsewhere` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    servers.push(redirecting);
    const port = (redirecting.address() as AddressInfo).port;
    expect(await post(`http://127.0.0.1:${port}/hook`, '127.0.0.1')).toBe(307);
    expect(target.received).toEqual([]);
  });

  it('keeps TLS checks on the host name: SNI, the certificate chain and its name', async () => {
    const tls = await receiver(createHttpsServer({ key, cert }), '127.0.0.1');
    const url = (host: string) => `https://${host}:${tls.port}/hook`;
    expect(await post(url('hooks.meterline.test'), '127.0.0.1', cert)).toBe(200);
    expect(tls.received.map((r) => (r.socket as TLSSocket).servername)).toEqual(['hooks.meterline.test']);
    // Another name at the same address: the certificate does not name it.
    await expect(post(url('other.meterline.test'), '127.0.0.1', cert)).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    // The certificate is not signed by a trusted authority.
    await expect(post(url('hooks.meterline.test'), '127.0.0.1')).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(tls.received).toHaveLength(1);
  });
});
