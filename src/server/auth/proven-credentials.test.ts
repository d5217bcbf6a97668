import { describe, expect, it } from 'vitest';
import { credentialKey, ProvenCredentials } from './proven-credentials.js';

describe('ProvenCredentials', () => {
  it('keeps credentials by kind and hash, never the secret', () => {
    const proven = new ProvenCredentials(10);
    proven.prove('session', 'secret-a');
    expect(proven.has(credentialKey('session', 'secret-a'))).toBe(true);
    expect(proven.has(credentialKey('api_key', 'secret-a'))).toBe(false);
    expect(credentialKey('session', 'secret-a')).toMatch(/^session:[0-9a-f]{64}$/);
    proven.forget('session', 'secret-a');
    expect(proven.has(credentialKey('session', 'secret-a'))).toBe(false);
  });

  it('past its capacity forgets the credential proven longest ago', () => {
    const proven = new ProvenCredentials(2);
    proven.prove('session', 'a');
    proven.prove('session', 'b');
    // Proven again: now the latest.
    proven.prove('session', 'a');
    proven.prove('api_key', 'c');
    expect(['a', 'b'].map((s) => proven.has(credentialKey('session', s)))).toEqual([true, false]);
    expect(proven.has(credentialKey('api_key', 'c'))).toBe(true);
  });
});
