import { sha256Hex } from './tokens.js';

export type CredentialKind = 'session' | 'api_key';

/** A credential by its kind and the hash of its secret (`session:<sha256>`): secrets are not kept. */
export const credentialKey = (kind: CredentialKind, secret: string) => `${kind}:${sha256Hex(secret)}`;

/**
 * The sessions and API keys this server has found valid, which the rate limit gives budgets of their
 * own; any other credential sent is counted as its client address's anonymous request, before it is
 * looked up (src/server/http/rate-limit.ts). A credential is proven when a guard finds it valid or a
 * sign-in here opens it, and forgotten when a lookup finds it no longer valid or it signs out.
 * Only valid credentials get in, so made-up ones cannot crowd real ones out; past `capacity` the one
 * proven longest ago is forgotten, and is proven again by its next request's lookup.
 */
export class ProvenCredentials {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  prove(kind: CredentialKind, secret: string): void {
    const key = credentialKey(kind, secret);
    // Deleted first so that a Set's insertion order is the order of last proof.
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }

  forget(kind: CredentialKind, secret: string): void {
    this.keys.delete(credentialKey(kind, secret));
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    provenCredentials: ProvenCredentials;
  }
}
