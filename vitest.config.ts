import { defineConfig } from 'vitest/config';

/**
 * Unit tests (beside the code, in src/) run once; the integration tests in test/ run on the
 * embedded PGlite and, when TEST_DATABASE_URL names a PostgreSQL server, on PostgreSQL too.
 * A test about one database alone is named `*.pglite.test.ts` or `*.postgres.test.ts` and runs
 * in that half only, rather than being skipped in the other.
 */
const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) {
  console.warn(
    '\n[meterline] TEST_DATABASE_URL is not set: the PostgreSQL half of the suite will NOT run.\n' +
      '            .ci/run sets it; locally: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm test\n',
  );
}

const integration = (name: 'pglite' | 'postgres') => ({
  test: {
    name,
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', `test/**/*.${name === 'pglite' ? 'postgres' : 'pglite'}.test.ts`],
    env: { METERLINE_TEST_DB: name },
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      // A timeout guards against a hang, not speed: the property tests take seconds on a busy machine.
      { test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 30_000 } },
      integration('pglite'),
      ...(postgresUrl ? [integration('postgres')] : []),
      {
        // The browser tests: `npx vitest run --project e2e` (Debian's Chromium, the built console).
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
