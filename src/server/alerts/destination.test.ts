import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isPlainlyPrivate, isPrivateAddress, type Resolve, resolveDestination } from './destination.js';
import { pinnedLookup } from './post.js';

const privateOf = (a: string) => ({ a, private: isPrivateAddress(a) });

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
      '240.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '192.0.2.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      'fec0::1',
      'ff02::1',
      '2001:db8::1',
      '100::1',
    ]) {
      expect(privateOf(a)).toEqual({ a, private: true });
    }
    for (const a of [
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '2a00:1450::1',
    ]) {
      expect(privateOf(a)).toEqual({ a, private: false });
    }
    expect(isPrivateAddress('example.com')).toBe(false);
  });

  it('judges an IPv6 address that carries an IPv4 one by the IPv4 address it reaches', () => {
    const reaching = [
      // IPv4-mapped, IPv4-translated and IPv4-compatible
      ['::ffff:7f00:1', '::ffff:8.8.8.8'],
      ['::ffff:10.0.0.1', '::ffff:1.1.1.1'],
      ['::ffff:0:7f00:1', '::ffff:0:808:808'],
      ['::7f00:1', '::808:808'],
      // NAT64, the well-known prefix
      ['64:ff9b::7f00:1', '64:ff9b::808:808'],
      ['64:ff9b::a9fe:a9fe', '64:ff9b::101:101'],
      // NAT64, the local-use prefix cut at /96 and at /48
      ['64:ff9b:1::7f00:1', '64:ff9b:1::808:808'],
      ['64:ff9b:1:7f00:0:100::', '64:ff9b:1:abcd:ef:12:808:808'],
      // 6to4: the IPv4 address in bits 16–48
      ['2002:7f00:1::', '2002:808:808::1'],
      ['2002:c0a8:101:1::1', '2002:101:101:1::1'],
      // Teredo: the client's address, inverted, in the last 32 bits (127.0.0.1 and 8.8.8.8)
      ['2001:0:4136:e378:8000:63bf:80ff:fffe', '2001:0:4136:e378:8000:63bf:f7f7:f7f7'],
    ];
    for (const [refused, accepted] of reaching as [string, string][]) {
      expect(privateOf(refused)).toEqual({ a: refused, private: true });
      expect(privateOf(accepted)).toEqual({ a: accepted, private: false });
    }
    // A local-use NAT64 address that fits no layout (byte 8 set) reaches nothing known.
    expect(isPrivateAddress('64:ff9b:1:808:ff08:800::')).toBe(true);
  });

  it('reads every spelling of a URL host as WHATWG URL parsing normalises it', () => {
    const spellings: [string, string][] = [
      ['http://2130706433/', '127.0.0.1'],
      ['http://0x7f.1/', '127.0.0.1'],
      ['http://0177.0.0.1/', '127.0.0.1'],
      ['http://127.1/', '127.0.0.1'],
      ['http://127.0.0.1./', '127.0.0.1'],
      ['http://0/', '0.0.0.0'],
      ['http://%6c%6fcalhost/', 'localhost'],
      ['http://LocalHost./', 'localhost.'],
      ['http://[::127.0.0.1]/', '[::7f00:1]'],
      ['http://[0:0:0:0:0:ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
      ['http://[64:ff9b::127.0.0.1]/', '[64:ff9b::7f00:1]'],
    ];
    for (const [url, host] of spellings) {
      expect({ url, host: new URL(url).hostname }).toEqual({ url, host });
      expect({ url, plainlyPrivate: isPlainlyPrivate(url) }).toEqual({ url, plainlyPrivate: true });
    }
  });

  it('sees a URL plainly aimed at this server or its network without a lookup', () => {
    for (const url of [
      'http://localhost:3000/x',
      'https://api.localhost/x',
      'http://localhost./',
      'http://localhost../',
      'http://foo.localhost./',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://[64:ff9b:1::a00:1]/',
      'http://[2002:7f00:1::]/',
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
    ]) {
      expect({ url, plainlyPrivate: isPlainlyPrivate(url) }).toEqual({ url, plainlyPrivate: true });
    }
    for (const url of [
      'https://hooks.example.com/meterline',
      'https://hooks.example.com./meterline',
      'https://8.8.8.8/x',
      'https://[2606:4700:4700::1111]/x',
      'https://[64:ff9b::808:808]/x',
    ]) {
      expect({ url, plainlyPrivate: isPlainlyPrivate(url) }).toEqual({ url, plainlyPrivate: false });
    }
  });
});

/** A resolver that answers `answers` in turn (the last again), counting its calls. */
function resolver(...answers: string[][]) {
  const calls: string[] = [];
  const resolve: Resolve = async (host) => {
    calls.push(host);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
    return answer.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

describe('resolving a webhook destination', () => {
  it('refuses a name when any address it resolves to is private', async () => {
    const { resolve, calls } = resolver(['93.184.215.14', '::ffff:10.0.0.7']);
    expect(await resolveDestination('https://hooks.example.com/x', false, resolve)).toEqual({
      refused: 'refused: hooks.example.com is a private address (::ffff:10.0.0.7)',
    });
    expect(calls).toEqual(['hooks.example.com']);
  });

  it('resolves once and pins the connection to what it checked, whatever a later lookup says', async () => {
    // A rebinding name: public for the check, this host for any lookup after it.
    const { resolve, calls } = resolver(['93.184.215.14'], ['127.0.0.1']);
    const destination = await resolveDestination('https://hooks.example.com./x', false, resolve);
    expect(destination).toEqual({ addresses: [{ address: '93.184.215.14', family: 4 }] });
    expect(calls).toEqual(['hooks.example.com']);
    if (!('addresses' in destination)) throw new Error('refused');
    const answered: unknown[] = [];
    pinnedLookup(destination.addresses)('hooks.example.com.', {}, (_err, address) => answered.push(address));
    expect(answered).toEqual(['93.184.215.14']);
    expect(calls).toHaveLength(1);
  });

  it('refuses localhost names without a lookup, and names that do not resolve', async () => {
    const { resolve, calls } = resolver(['93.184.215.14']);
    expect(await resolveDestination('http://Foo.LocalHost./x', false, resolve)).toEqual({
      refused: 'refused: foo.localhost names this host',
    });
    expect(await resolveDestination('http://0x7f.1/x', false, resolve)).toEqual({
      refused: 'refused: 127.0.0.1 is a private address (127.0.0.1)',
    });
    expect(calls).toEqual([]);
    const failing: Resolve = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await resolveDestination('https://nowhere.example/x', false, failing)).toEqual({
      refused: 'cannot resolve nowhere.example: ENOTFOUND',
    });
    expect(await resolveDestination('https://empty.example/x', false, resolver([]).resolve)).toEqual({
      refused: 'cannot resolve empty.example: no address',
    });
  });

  it('lets private destinations through when the operator allows them, still resolving once', async () => {
    const { resolve, calls } = resolver(['127.0.0.1']);
    expect(await resolveDestination('http://localhost:3000/x', true, resolve)).toEqual({
      addresses: [{ address: '127.0.0.1', family: 4 }],
    });
    expect(await resolveDestination('http://[::1]:3000/x', true, resolve)).toEqual({
      addresses: [{ address: '::1', family: 6 }],
    });
    expect(calls).toEqual(['localhost']);
  });
});
