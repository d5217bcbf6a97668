import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/server/db/migrate.js';
import { openPglite } from '../../src/server/db/pglite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * Creating a PGlite database costs ~6 s; loading a dump of one costs ~1 s. So the schema is
 * migrated once here and every test file starts from a copy of it.
 */
export default async function setup(project: TestProject) {
  // The e2e project runs on PGlite too.
  if (project.name !== 'pglite' && project.name !== 'e2e') return;
  const opened = await openPglite({});
  await migrate(opened.db);
  const dump = await opened.dump();
  await opened.db.close();
  const path = join(mkdtempSync(join(tmpdir(), 'meterline-test-')), 'template.tar');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', path);
}
