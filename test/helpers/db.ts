import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { connect } from '../../src/server/db/connect.js';
import type { Database } from '../../src/server/db/database.js';
import { openPglite } from '../../src/server/db/pglite.js';
import { openPostgres } from '../../src/server/db/postgres.js';

export interface TestDatabase {
  db: Database;
  /** Runs SQL as the schema owner, outside row-level security (to tamper with rows on purpose). */
  asOwner<T>(fn: (owner: Pick<Database, 'query'>) => Promise<T>): Promise<T>;
  /** On PostgreSQL, the new database's name (its replica has the same, see read-replica.postgres.test.ts). */
  name?: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: PGlite from the migrated template, or a new
 * database on the PostgreSQL server named by TEST_DATABASE_URL, dropped at close.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (process.env.METERLINE_TEST_DB === 'postgres') return openPostgresTestDatabase();
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  const { db } = await connect(
    { DATABASE_URL: undefined, METERLINE_DATA_DIR: '' },
    { inMemory: true, loadDataDir: template },
  );
  return {
    db,
    async asOwner(fn) {
      // PGlite is one connection: step out of the app role and back.
      await db.query('reset role');
      try {
        return await fn(db);
      } finally {
        await db.query('set role meterline_app');
      }
    },
    close: () => db.close(),
  };
}

/**
 * A new database with no migration applied, as its owner (a superuser: row-level security does not
 * apply), for tests that migrate step by step. PGlite in memory, or a new PostgreSQL database.
 */
export async function openEmptyDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  if (process.env.METERLINE_TEST_DB !== 'postgres') {
    const { db } = await openPglite({});
    return { db, close: () => db.close() };
  }
  const { url, drop } = await createPostgresDatabase();
  const db = openPostgres({ url, max: 1 });
  return {
    db,
    async close() {
      await db.close();
      await drop();
    },
  };
}

async function createPostgresDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('METERLINE_TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `meterline_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = openPostgres({ url: serverUrl, max: 1 });
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}

async function openPostgresTestDatabase(): Promise<TestDatabase> {
  const { name, url, drop } = await createPostgresDatabase();
  const { db } = await connect({ DATABASE_URL: url, METERLINE_DATA_DIR: '' });
  const owner = openPostgres({ url, max: 1 });
  return {
    db,
    name,
    asOwner: (fn) => fn(owner),
    async close() {
      await db.close();
      await owner.close();
      await drop();
    },
  };
}

/** A database with no schema at all, as its owner: PGlite in memory, or a new PostgreSQL database. */
export async function openBareDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (process.env.METERLINE_TEST_DB !== 'postgres' || !server) {
    const { db } = await openPglite({});
    return { db, close: () => db.close() };
  }
  const name = `meterline_bare_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = openPostgres({ url: server, max: 1 });
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = openPostgres({ url: url.toString(), max: 1 });
  return {
    db,
    async close() {
      await db.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}
