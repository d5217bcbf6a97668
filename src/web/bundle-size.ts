import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The console's initial JavaScript: the entry script and the modules it preloads, as
 * index.html of a build names them, each gzipped (level 9). Lazy chunks (pages, charts, dates)
 * are not counted: they load when a screen needs them. Node-only; the app never imports it.
 */
export function initialJsGzip(distDir = 'dist/web'): {
  bytes: number;
  files: { file: string; bytes: number }[];
} {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const names = new Set<string>();
  for (const m of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/?([^"]+\.js)"/g)) {
    if (m[1]) names.add(m[1]);
  }
  const files = [...names].map((file) => ({
    file,
    bytes: gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length,
  }));
  return { bytes: files.reduce((a, f) => a + f.bytes, 0), files };
}
