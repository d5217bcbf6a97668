import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The latest modification time (ms) of the paths and of every file under them; 0 when none exists.
 * The build-if-stale scripts compare it with their output's. A walk rather than the folders' own
 * dates, which change when a file is added or removed but not when one is edited in place; a few
 * hundred files take a few milliseconds.
 */
export function newestMtime(paths) {
  let max = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    max = Math.max(
      max,
      stat.isDirectory() ? newestMtime(readdirSync(path).map((n) => join(path, n))) : 0,
      stat.mtimeMs,
    );
  }
  return max;
}
