import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../server/db/pglite.js';

// About the embedded database's folder alone, so it runs once, with the unit tests. The CLI starts
// as a process of its own, which takes seconds on a busy machine: hence the longer timeout.
describe('the embedded database held by another process', () => {
  it('says so, exits 3 and touches nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterline-cli-'));
    const dataDir = join(dir, 'pglite');
    // This test process holds the folder, as a running server would; the CLI runs as its own process.
    const held = await openPglite({ dataDir });
    try {
      const lock = readFileSync(`${dataDir}.pid`, 'utf8');
      const child = await runCliProcess(['ledger', 'verify'], {
        METERLINE_DATA_DIR: dataDir,
        DATABASE_URL: '',
      });
      expect(child.code).toBe(3);
      expect(child.stderr).toContain(
        `The embedded database in ${dataDir} is in use by process ${process.pid}`,
      );
      expect(child.stderr).toContain('Nothing was changed.');
      expect(readFileSync(`${dataDir}.pid`, 'utf8')).toBe(lock);
      expect(await held.db.query('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await held.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(`${dataDir}.pid`)).toBe(false);
  }, 60_000);
});

function runCliProcess(argv: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...argv], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
