// Run by template-if-stale.mjs: a script of its own, so that the server, which imports
// pglite-template.ts, never writes the template by being started.
import { writeTemplate } from './pglite-template.js';

await writeTemplate();
