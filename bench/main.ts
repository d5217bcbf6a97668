import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench` runs every scenario; `npm run bench -- <name> [...]` only those named.
 * A scenario is `bench/<name>.ts` exporting `run(options): Promise<object>`; its figures are printed
 * and written to `bench/results/<name>.json`. Adding one is one line in this table. Options
 * (`--interviews 1000000`) go to every scenario chosen; each reads those it knows.
 */
export type BenchOptions = Record<string, string>;

const scenarios: Record<string, () => Promise<{ run(options: BenchOptions): Promise<object> }>> = {
  ingest: () => import('./ingest.js'),
  console: () => import('./console.js'),
  export: () => import('./export.js'),
  forecast: () => import('./forecast.js'),
  'forecast-accuracy': () => import('./forecast-accuracy.js'),
  'first-start': () => import('./first-start.js'),
  scale: () => import('./scale.js'),
};

const resultsDir = join(import.meta.dirname, 'results');

async function main(argv: string[]): Promise<number> {
  const known = Object.keys(scenarios);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `Usage: npm run bench [-- <scenario>... [--<option> <value>]...]\nScenarios: ${known.join(', ')}`,
    );
    return 0;
  }
  const args: string[] = [];
  const options: BenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const option = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (!option) args.push(arg);
    else options[option[1] as string] = option[2] ?? argv[++i] ?? '';
  }
  const unknown = args.filter((a) => !known.includes(a));
  if (unknown.length > 0) {
    console.error(
      `Unknown scenario ${unknown.map((u) => `'${u}'`).join(', ')}. Scenarios: ${known.join(', ')}`,
    );
    return 2;
  }
  const chosen = args.length > 0 ? [...new Set(args)] : known;
  mkdirSync(resultsDir, { recursive: true });
  let failed = 0;
  for (const name of chosen) {
    const load = scenarios[name] as (typeof scenarios)[string];
    console.log(`\n=== ${name} ===`);
    const t0 = performance.now();
    try {
      const figures = await (await load()).run(options);
      const file = join(resultsDir, `${name}.json`);
      writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
      console.log(`\n${name} (${((performance.now() - t0) / 1000).toFixed(1)} s):`);
      for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(22)} ${format(value)}`);
      console.log(`  → ${file}`);
    } catch (err) {
      failed++;
      console.error(`${name} failed:`, err);
    }
  }
  return failed > 0 ? 1 : 0;
}

function format(value: unknown): string {
  if (typeof value === 'number') return value.toLocaleString('en', { maximumFractionDigits: 3 });
  return typeof value === 'string' ? value : JSON.stringify(value);
}

process.exitCode = await main(process.argv.slice(2));
