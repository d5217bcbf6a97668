import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleServerIfStale } from '../src/server/bundle.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'meterline-bundle-'));
// Inside the checkout: the bundle finds the checkout (dist/web, the migrations) above itself.
const outDir = join('dist', `test-bundle-${process.pid}`);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

/** Starts the bundle on a new embedded database without the demo; resolves with its URL. */
function start(bundle: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bundle], {
    env: {
      ...process.env,
      METERLINE_DATA_DIR: join(scratch, 'pglite'),
      ...env,
      PORT: '0',
      DATABASE_URL: '',
      METERLINE_DEMO: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Meterline is running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`the bundle exited (${code}):\n${out}`)));
  });
  return { child, url };
}

/**
 * A request still arriving: its headers and the first byte of a longer body are sent, the rest
 * never is, so the server's close waits on it (until the request timeout). Resolves once the server
 * has taken the headers (its `100 Continue`): a connection with no request yet would be closed as idle.
 */
async function requestStillArriving(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  const continued = new Promise((resolve) => socket.once('data', resolve));
  socket.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n`,
  );
  expect(String(await continued)).toMatch(/^HTTP\/1\.1 100 Continue/);
  socket.write('{');
  return socket;
}

const exitOf = (child: ReturnType<typeof spawn>) =>
  new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe("the server's bundle", () => {
  const outfile = join(outDir, 'main.js');
  const source = join(scratch, 'source.ts');
  writeFileSync(source, '');

  it('is built when missing, not again while no source is newer, and again when one is', async () => {
    expect(await bundleServerIfStale({ outfile, sources: [source] })).toBe(true);
    expect(await bundleServerIfStale({ outfile, sources: [source] })).toBe(false);
    // The source edited after the bundle was built: the bundle dated a minute before it.
    const earlier = new Date(statSync(source).mtimeMs - 60_000);
    utimesSync(outfile, earlier, earlier);
    expect(await bundleServerIfStale({ outfile, sources: [source] })).toBe(true);
    expect(await bundleServerIfStale({ outfile, sources: [source] })).toBe(false);
  });

  it('starts the server, which answers, serves its metrics, and stops cleanly on SIGTERM', async () => {
    const metricsPort = await freePort();
    const { child, url } = start(outfile, { METERLINE_METRICS_PORT: String(metricsPort) });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const res = await fetch(`${await url}/api/v1/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect((await fetch(`${await url}/api/v1/ready`)).status).toBe(200);
      const scraped = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(scraped).toContain(
        'meterline_http_request_duration_seconds_count{method="GET",route="/api/v1/health",status="200"} 1',
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('lets a running request hold the stop; a second signal cuts it short and exits 1', async () => {
    const { child, url } = start(outfile, { METERLINE_DATA_DIR: join(scratch, 'pglite-second') });
    const exited = exitOf(child);
    const socket = await requestStillArriving(await url);
    try {
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(child.exitCode).toBeNull();
      const second = Date.now();
      child.kill('SIGTERM');
      const { code, at } = await exited;
      expect(code).toBe(1);
      expect(at - second).toBeLessThan(5_000);
    } finally {
      socket.destroy();
      child.kill('SIGKILL');
    }
  });

  it('exits 1 when the stop outlasts METERLINE_SHUTDOWN_GRACE_SECONDS', async () => {
    const { child, url } = start(outfile, {
      METERLINE_DATA_DIR: join(scratch, 'pglite-grace'),
      METERLINE_SHUTDOWN_GRACE_SECONDS: '1',
    });
    const exited = exitOf(child);
    const socket = await requestStillArriving(await url);
    try {
      const signalled = Date.now();
      child.kill('SIGTERM');
      const { code, at } = await exited;
      expect(code).toBe(1);
      expect(at - signalled).toBeGreaterThanOrEqual(1_000);
    } finally {
      socket.destroy();
      child.kill('SIGKILL');
    }
  });
});
