import { describe, expect, it } from 'vitest';
import { EXPORT_STALL_SECONDS_DEFAULT, loadConfig, MAX_CONCURRENT_EXPORTS_DEFAULT } from './config.js';

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
