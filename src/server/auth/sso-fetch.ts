import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type * as oidc from 'openid-client';
import { type Resolve, resolveDestination, systemResolve } from '../alerts/destination.js';
import { pinnedLookup } from '../alerts/post.js';

/** A provider's answer larger than this (discovery, keys, tokens, user info are a few KB) is refused. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The fetch openid-client makes every request to a tenant's provider with: discovery, its keys, the
 * token and user info endpoints. Each URL's host is resolved and judged as a webhook's is
 * (alerts/destination.ts) and the connection pinned to the addresses judged, so neither the issuer
 * nor an endpoint its discovery document names can steer the server to itself or its network, even
 * by a name that resolves there. Written over node:http(s) because the global fetch takes no lookup;
 * redirects are the library's to see (it asks for none to be followed).
 */
export function pinnedFetch(allowPrivate: boolean, resolve: Resolve = systemResolve): oidc.CustomFetch {
  return async (url, options) => {
    const destination = await resolveDestination(url, allowPrivate, resolve);
    if ('refused' in destination) throw new Error(`The identity provider's ${url} is ${destination.refused}`);
    const target = new URL(url);
    const body = options.body === undefined || options.body === null ? undefined : String(options.body);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((done, fail) => {
      const req = request(
        target,
        {
          method: options.method,
          headers:
            body === undefined
              ? options.headers
              : { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: pinnedLookup(destination.addresses),
          // No pooled connection: each request connects to the addresses just judged.
          agent: false,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES)
              res.destroy(new Error(`The identity provider's answer from ${url} is over 1 MiB`));
            else chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
                headers.append(name, v);
            }
            const status = res.statusCode ?? 502;
            const empty = status === 204 || status === 304;
            done(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  };
}
