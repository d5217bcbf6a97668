// Run by `npm install` (prepare) and `npm start` (start.mjs): builds the web console when dist/web is
// missing or older than its sources. At install, so that the first start does not wait for it; at
// start, for sources changed since.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { newestMtime } from '../newest-mtime.mjs';

const built = 'dist/web/index.html';
const sources = ['src/web', 'src/shared', 'vite.config.ts', 'package-lock.json'];

const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
if (builtAt < newestMtime(sources)) {
  console.log(
    builtAt ? 'The web console sources changed: rebuilding it…' : 'Building the web console (once)…',
  );
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  // A production build whatever the caller's NODE_ENV (vitest sets "test", which would bundle React's dev build).
  const result = spawnSync(npx, ['vite', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    console.error(
      'Building the web console failed (see above). Fix the error, then `npm run build:web` or `npm start` builds it again.',
    );
    process.exit(result.status ?? 1);
  }
}
