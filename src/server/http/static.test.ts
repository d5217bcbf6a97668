import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROBOTS_TXT, registerWebApp } from './static.js';

let root: string;
const apps: FastifyInstance[] = [];

async function serve(dir: string): Promise<FastifyInstance> {
  const app = Fastify();
  apps.push(app);
  await registerWebApp(app, dir);
  await app.ready();
  return app;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'meterline-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<div id="root"></div>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};');
});

afterAll(async () => {
  for (const app of apps) await app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the console files', () => {
  it('answers robots.txt as text that keeps crawlers out, built or not', async () => {
    for (const app of [await serve(root), await serve(join(root, 'not-built'))]) {
      const res = await app.inject({ method: 'GET', url: '/robots.txt' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toBe(ROBOTS_TXT);
      expect(res.body).toMatch(/^User-agent: \*\nDisallow: \/\n$/);
    }
  });

  it('answers a deep link with the app, a file with itself, and a missing file with a 404', async () => {
    const app = await serve(root);
    const deep = await app.inject({ method: 'GET', url: '/consumption?view=weekly' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<div id="root">');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const url of ['/favicon.ico', '/assets/index-old.js', '/apple-touch-icon.png']) {
      const missing = await app.inject({ method: 'GET', url });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.body, url).not.toContain('<div id="root">');
    }
  });
});
