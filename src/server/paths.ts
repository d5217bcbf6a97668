import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout's root: the nearest folder above this module holding package.json. Found rather
 * than written as a relative path because this code runs from two places at different depths,
 * its source (src/server/…, under tsx) and the server's bundle (dist/server/main.js).
 */
function rootAbove(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) throw new Error(`No package.json above ${dir}`);
  }
}

export const ROOT = rootAbove(import.meta.dirname);
