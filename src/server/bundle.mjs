import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { newestMtime } from '../newest-mtime.mjs';

/**
 * The server as one JavaScript file (dist/server/main.js) that `npm start` runs: Node starts it
 * in a fraction of the time it takes tsx to compile the TypeScript sources module by module. The
 * packages stay in node_modules (imported as they are); only the application's own code is bundled.
 * The .xlsx export's worker thread is an entry of its own beside it (xlsx-worker.js, see export/xlsx.ts).
 */
export const BUNDLE = 'dist/server/main.js';
export const BUNDLE_SOURCES = ['src/server', 'src/shared', 'src/newest-mtime.mjs', 'package-lock.json'];

export async function bundleServer(outfile = BUNDLE) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: {
      [basename(outfile, '.js')]: 'src/server/main.ts',
      'xlsx-worker': 'src/server/export/xlsx-worker.mjs',
    },
    outdir: dirname(outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // Stack traces need the mappings only: the sources' text would be held in every server's memory.
    sourcesContent: false,
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(dirname(outfile), { recursive: true });
  // Each file written beside its place then renamed into it, the bundle last: an interrupted build
  // never leaves a torn bundle dated as if it were complete.
  const rank = (path) => (path === resolve(outfile) ? 2 : path.endsWith('.js') ? 1 : 0);
  const files = [...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
  for (const file of files) {
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
}

/** Bundles the server when its bundle is missing or older than a source; says whether it did. */
export async function bundleServerIfStale({ outfile = BUNDLE, sources = BUNDLE_SOURCES } = {}) {
  let builtAt = 0;
  try {
    builtAt = statSync(outfile).mtimeMs;
  } catch {
    rmSync(`${outfile}.map`, { force: true });
  }
  if (builtAt >= newestMtime(sources)) return false;
  console.log(builtAt ? 'The server sources changed: bundling it again…' : 'Bundling the server (once)…');
  await bundleServer(outfile);
  return true;
}
