import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/server/db/connect.js';
import { usableDemoTemplate, writeDemoTemplate } from '../src/server/db/demo-template.js';
import { analyzeStaleTables } from '../src/server/db/embedded-statistics.js';
import { loadedDemoTenants } from '../src/server/demo/load.js';
import { verifyTenant } from '../src/server/ledger/verify.js';

const root = mkdtempSync(join(tmpdir(), 'meterline-demo-template-'));
const dir = join(root, 'demo');
// Midday in Acme's and Globex's time zones alike: an hour either way is the same day in both.
const NOW = new Date('2026-06-10T14:30:00Z');
const HOUR = 3_600_000;
const SCALE = 0.05;
const at = (ms: number) => new Date(NOW.getTime() + ms);

beforeAll(async () => {
  await writeDemoTemplate(dir, { now: NOW, scale: SCALE });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the demo template', () => {
  const usable = (now: Date, options: { sources?: string[]; scale?: number } = {}) =>
    usableDemoTemplate(now, { dir, sources: [], scale: SCALE, ...options });

  it('is taken on the day it was loaded, after it was', () => {
    expect(usable(at(HOUR))).toBe(dir);
    expect(usable(NOW)).toBe(dir);
  });

  it('is not taken on another day, before it was loaded, or at another scale', () => {
    expect(usable(at(24 * HOUR))).toBeUndefined();
    expect(usable(at(-24 * HOUR))).toBeUndefined();
    expect(usable(at(-HOUR))).toBeUndefined();
    expect(usable(at(HOUR), { scale: 1 })).toBeUndefined();
  });

  it('is not taken once a source of the server is newer than it, or as new', () => {
    const source = join(root, 'source.ts');
    writeFileSync(source, '');
    // Dated against the stamp, not the clock: both may fall in one tick of the file system's clock.
    const stamped = statSync(`${dir}.json`).mtime;
    const dated = (ms: number) => {
      const when = new Date(stamped.getTime() + ms);
      utimesSync(source, when, when);
      return usable(at(HOUR), { sources: [source] });
    };
    expect(dated(1000)).toBeUndefined();
    expect(dated(0)).toBeUndefined();
    expect(dated(-24 * HOUR)).toBe(dir);
  });

  it('is not taken when missing', () => {
    expect(usableDemoTemplate(NOW, { dir: join(root, 'none'), sources: [], scale: SCALE })).toBeUndefined();
  });

  it('gives a new database the demo tenants, whose ledgers verify', async () => {
    const { db, isNew } = await connect(
      { DATABASE_URL: undefined, METERLINE_DATA_DIR: join(root, 'copy') },
      { templateDir: dir },
    );
    try {
      expect(isNew).toBe(true);
      expect((await loadedDemoTenants(db)).sort()).toEqual(['acme', 'globex']);
      const tenants = await db.query<{ id: string }>('select id from system_tenants()');
      for (const { id } of tenants) expect(await verifyTenant(db, String(id))).toEqual([]);
      // Analyzed when loaded: the copy plans its queries for the rows it holds from the start.
      expect(await analyzeStaleTables(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
