import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ROOT } from '../paths.js';

/** Where `npm run build:web` writes the console (vite.config.ts: build.outDir). */
export const WEB_ROOT = join(ROOT, 'dist/web');

/** Non-API paths that are files of the build; everything else under / is the app's index.html. */
function fileIn(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = resolve(root, `.${decoded}`);
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  try {
    return statSync(full).isFile() ? full.slice(root.length + 1) : undefined;
  } catch {
    return undefined;
  }
}

/** The console is private to each tenant's users: no crawler has anything to index. */
export const ROBOTS_TXT = 'User-agent: *\nDisallow: /\n';

/** A last path segment with a file extension: asked for as a file, never a page of the app. */
const FILE_NAME = /\/[^/]*\.[^/]*$/;

/**
 * Serves the built web console at `/` with a single-page-app fallback: any GET that is not a
 * file, does not look like one (`/favicon.ico`, an old build's asset: a 404, not the app's HTML)
 * and is not under /api answers index.html. `/api/*` paths without a route keep the JSON 404.
 * `/robots.txt` is plain text. Registered only when the build exists; otherwise `/` says how to
 * build it.
 */
export async function registerWebApp(app: FastifyInstance, root = WEB_ROOT): Promise<void> {
  app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').header('cache-control', 'max-age=86400').send(ROBOTS_TXT),
  );
  if (!existsSync(resolve(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console is not built yet: run `npm run build:web` (npm start does it for you).'),
    );
    return;
  }
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
    const file = path === '/' ? undefined : fileIn(root, path);
    if (file) {
      // Built assets carry a content hash in their name: cache them for good.
      const hashed = file.startsWith(`assets${sep}`);
      return reply.sendFile(file, hashed ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
    }
    if (FILE_NAME.test(path)) return reply.callNotFound();
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { maxAge: 0 });
  });
}
