import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_STALL_SECONDS_DEFAULT,
  loadConfig,
  MAX_CONCURRENT_EXPORTS_DEFAULT,
  SETTING_NAMES,
} from './config.js';

describe('METERLINE_MAX_CONCURRENT_EXPORTS', () => {
  it('defaults to its documented value and takes a whole number of slots', () => {
    expect(loadConfig({}).METERLINE_MAX_CONCURRENT_EXPORTS).toBe(MAX_CONCURRENT_EXPORTS_DEFAULT);
    expect(loadConfig({ METERLINE_MAX_CONCURRENT_EXPORTS: '2' }).METERLINE_MAX_CONCURRENT_EXPORTS).toBe(2);
  });

  it.each(['0', '-1', '1.5', 'many', '1e9', 'NaN'])('refuses %s, naming the setting', (value) => {
    expect(() => loadConfig({ METERLINE_MAX_CONCURRENT_EXPORTS: value })).toThrow(
      /Invalid configuration: METERLINE_MAX_CONCURRENT_EXPORTS/,
    );
  });
});

describe('METERLINE_EXPORT_STALL_SECONDS', () => {
  it('defaults to its documented value and takes whole seconds up to a day', () => {
    expect(loadConfig({}).METERLINE_EXPORT_STALL_SECONDS).toBe(EXPORT_STALL_SECONDS_DEFAULT);
    expect(loadConfig({ METERLINE_EXPORT_STALL_SECONDS: '86400' }).METERLINE_EXPORT_STALL_SECONDS).toBe(
      86_400,
    );
  });

  it.each(['0', '-5', '2.5', 'soon', '86401', 'Infinity'])('refuses %s, naming the setting', (value) => {
    expect(() => loadConfig({ METERLINE_EXPORT_STALL_SECONDS: value })).toThrow(
      /Invalid configuration: METERLINE_EXPORT_STALL_SECONDS/,
    );
  });
});

describe('the settings documented', () => {
  const repoFile = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
  const readmeNames = [...repoFile('README.md').matchAll(/^\| `([A-Z_]+)` \|/gm)]
    .map((m) => m[1])
    .filter((name) => !name?.startsWith('TEST_'));
  const example = new Map(
    [...repoFile('.env.example').matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );

  it("are the server's, each once, in the README's table and in .env.example", () => {
    expect([...readmeNames].sort()).toEqual([...SETTING_NAMES].sort());
    expect([...example.keys()].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('.env.example gives each its default (or leaves it empty)', () => {
    const defaults = loadConfig({});
    for (const [name, value] of example) {
      if (value === '') continue;
      expect({ name, value: loadConfig({ [name]: value })[name as keyof typeof defaults] }).toEqual({
        name,
        value: defaults[name as keyof typeof defaults],
      });
    }
  });
});
