import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a tenant's webhook may not go unless the operator allows it
 * (METERLINE_WEBHOOK_ALLOW_PRIVATE): this host and the networks around it — loopback, private,
 * link-local (cloud metadata), carrier-grade NAT, multicast, reserved and documentation ranges.
 * A tenant could otherwise point the server at services that only it can reach. The special
 * ranges are ipaddr.js's (a maintained list of IANA's registries); an address is public when it
 * falls in none of them.
 */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return ipaddr.IPv4.parse(address).range() !== 'unicast';
  if (version !== 6) return false;
  const v6 = ipaddr.IPv6.parse(address);
  const carried = carriedIPv4(v6);
  if (carried) return carried.length === 0 || carried.some((v4) => v4.range() !== 'unicast');
  return v6.range() !== 'unicast' || !v6.match(GLOBAL_UNICAST);
}

/** Only this block is assigned for the internet (RFC 4291 §2.4); all else is local, special or unassigned. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** Where each RFC 6052 prefix length puts the IPv4 address's four bytes (byte 8 is always zero). */
const NAT64_LAYOUTS = [
  [6, 7, 9, 10], // /48
  [7, 9, 10, 11], // /56
  [9, 10, 11, 12], // /64
  [12, 13, 14, 15], // /96
] as const;

/**
 * The IPv4 addresses a packet to this IPv6 address reaches, for the forms that carry one, or null.
 * ipaddr.js names these ranges but does not unpack them (nor name IPv4-compatible ::a.b.c.d), so
 * it is done here: IPv4-mapped and -translated (::ffff:a.b.c.d, ::ffff:0:a.b.c.d), IPv4-compatible,
 * NAT64 (RFC 6052), 6to4 (the IPv4 in bits 16–48) and Teredo (the client's, inverted, in the last
 * 32 bits). An empty list: a NAT64 address that fits no layout, so what it reaches is unknown.
 */
function carriedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const b = address.toByteArray();
  const v4 = (at: readonly number[]) => new ipaddr.IPv4(at.map((i) => b[i] as number));
  const last32 = [12, 13, 14, 15];
  if (b.slice(0, 12).every((x) => x === 0)) return [v4(last32)];
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [v4(last32)];
    case '6to4':
      return [v4([2, 3, 4, 5])];
    case 'teredo':
      return [new ipaddr.IPv4(last32.map((i) => (b[i] as number) ^ 0xff))];
    case 'rfc6052':
      // The well-known prefix 64:ff9b::/96 ends in the address. In the local-use 64:ff9b:1::/48
      // the operator picks the prefix length, which the address does not tell: every layout it
      // fits (zeros after the IPv4 bytes) must reach a public address, the safe side.
      if (b[5] === 0) return [v4(last32)];
      if (b[8] !== 0) return [];
      return NAT64_LAYOUTS.filter((at) => b.slice(at[3] + 1).every((x) => x === 0)).map(v4);
    default:
      return null;
  }
}

/**
 * The URL's host as it is checked: brackets and trailing dots off (`localhost.` is `localhost`).
 * WHATWG URL parsing has already lower-cased it, turned every IPv4 spelling (2130706433, 0x7f.1,
 * 0177.0.0.1) into dotted decimal and IPv6 into its compressed form.
 */
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');

/** `localhost` and its subdomains are this host whatever a resolver says (RFC 6761 §6.3). */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** A URL whose host is plainly this server or its network (an address or `localhost`): no lookup. */
export function isPlainlyPrivate(url: string): boolean {
  const host = hostOf(url);
  return isLocalhostName(host) || isPrivateAddress(host);
}

/** Every address a host name resolves to. */
export type Resolve = (host: string) => Promise<LookupAddress[]>;

/** The system's resolver, as a connection would use it (the hosts file, then DNS). */
export const systemResolve: Resolve = (host) => lookup(host, { all: true });

/**
 * Where a webhook to `url` may connect now, or why it may not be sent. The host is resolved once,
 * here, at each send (a name can be pointed elsewhere after it was saved), and every address must
 * be public; the connection then goes to these addresses only (see post.ts), so a name that
 * answers otherwise a moment later cannot steer it.
 */
export async function resolveDestination(
  url: string,
  allowPrivate: boolean,
  resolve: Resolve = systemResolve,
): Promise<{ addresses: LookupAddress[] } | { refused: string }> {
  const host = hostOf(url);
  if (!allowPrivate && isLocalhostName(host)) return { refused: `refused: ${host} names this host` };
  const version = isIP(host);
  let addresses: LookupAddress[];
  try {
    addresses = version ? [{ address: host, family: version }] : await resolve(host);
  } catch (err) {
    return {
      refused: `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    };
  }
  if (addresses.length === 0) return { refused: `cannot resolve ${host}: no address` };
  const refused = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
  return refused ? { refused: `refused: ${host} is a private address (${refused.address})` } : { addresses };
}
