// Run by `npm install` (prepare) and `npm start` (start.mjs): writes the embedded database's template
// (pglite-template.ts) when it is missing or older than the lock file (another PGlite may read
// another format). New migrations need no new template: connect() applies them after loading it.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

// The folder appears only once complete (renamed into place), dated when it was.
const template = 'dist/pglite-template';
const builtAt = existsSync(template) ? statSync(template).mtimeMs : 0;
if (builtAt < statSync('package-lock.json').mtimeMs) {
  console.log('Preparing the embedded database template (once)…');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/db/write-template.ts'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(
      'Preparing the embedded database template failed (see above). The server still starts without it, ' +
        'only its first start is slower; `npm start` tries again.',
    );
  }
}
