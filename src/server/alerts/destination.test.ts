import { describe, expect, it } from 'vitest';
import { isPlainlyPrivate, isPrivateAddress } from './destination.js';

describe('webhook destinations', () => {
  it('tells private, loopback, link-local and reserved addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.5',
      '172.16.3.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ]) {
      expect({ a, private: isPrivateAddress(a) }).toEqual({ a, private: true });
    }
    for (const a of [
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
    ]) {
      expect({ a, private: isPrivateAddress(a) }).toEqual({ a, private: false });
    }
    expect(isPrivateAddress('example.com')).toBe(false);
  });

  it('sees a URL plainly aimed at this server or its network without a lookup', () => {
    expect(isPlainlyPrivate('http://localhost:3000/x')).toBe(true);
    expect(isPlainlyPrivate('https://api.localhost/x')).toBe(true);
    expect(isPlainlyPrivate('http://[::1]:8080/')).toBe(true);
    expect(isPlainlyPrivate('https://hooks.example.com/meterline')).toBe(false);
  });
});
