import type { LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * A `lookup` for a connection that answers the checked addresses whatever it is asked, so the
 * connection goes where the check looked. The URL's host name is still the one TLS sends (SNI)
 * and verifies the certificate against.
 */
export function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const fitting = addresses.filter((a) => !options.family || a.family === options.family);
    const [first] = fitting;
    if (!first) {
      callback(Object.assign(new Error(`no checked address of ${hostname} fits`), { code: 'ENOTFOUND' }), '');
    } else if (options.all) {
      callback(null, fitting);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/**
 * POSTs `body` to `url` over a connection of its own to one of `addresses` only, and gives the
 * answer's status. Redirects are not followed: a 3xx is the status. `ca` replaces the trusted
 * certificate authorities (tests); TLS checks the certificate against the URL's host name either way.
 */
export function postTo(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { addresses: LookupAddress[]; timeoutMs: number; ca?: string },
): Promise<number> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(opts.addresses),
        // No pooled connection: each delivery connects to the addresses just checked.
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      },
      (res) => {
        // The answer's body is not needed; it is read to its end to close the exchange cleanly.
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
