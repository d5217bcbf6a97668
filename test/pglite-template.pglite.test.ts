import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/server/db/pglite.js';
import { writeTemplate } from '../src/server/db/pglite-template.js';

const root = mkdtempSync(join(tmpdir(), 'meterline-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const migrationsIn = async (dataDir: string, templateDir: string) => {
  const opened = await openPglite({ dataDir, templateDir });
  try {
    const [row] = await opened.db.query<{ n: number }>(
      `select count(*)::int as n from pg_tables where tablename = 'schema_migrations'`,
    );
    return { isNew: opened.isNew, migrated: row?.n === 1 };
  } finally {
    await opened.db.close();
  }
};

describe('the embedded database template', () => {
  it('starts a new data folder as a copy of the migrated template', async () => {
    const template = join(root, 'template');
    await writeTemplate(template);
    expect(await migrationsIn(join(root, 'a'), template)).toEqual({ isNew: true, migrated: true });
  });

  it('creates the folder from scratch when the template cannot be opened', async () => {
    const broken = join(root, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'PG_VERSION'), '17\n');
    expect(await migrationsIn(join(root, 'b'), broken)).toEqual({ isNew: true, migrated: false });
  });
});
