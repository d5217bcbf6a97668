import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  DEFAULT_API_KEY_SCOPES,
  isApiKeyScope,
  normalizeScopes,
} from '../../shared/api-key-scopes.js';
import type { ApiKeyListItem, CreatedApiKey } from '../../shared/contract/api-keys.js';
import type { Database, Queryable } from '../db/database.js';
import { DomainError, notFound } from '../errors.js';
import { type AuditContext, writeAudit } from './audit.js';
import { randomToken, sha256Hex } from './tokens.js';

export const API_KEY_PREFIX = 'ml_';
/** How many leading characters of a key are kept for display ('ml_' and 7 more). */
export const DISPLAY_PREFIX_LENGTH = 10;

/**
 * The stored form of a key. A key carries 256 random bits, so a fast sha256 is enough: a
 * slow password hash only helps against guessable, low-entropy secrets.
 */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** Checks scope names a caller asked for: known ones, at least one; in the list's order, each once. */
export function parseScopes(names: readonly string[]): ApiKeyScope[] {
  const unknown = names.filter((n) => !isApiKeyScope(n));
  if (unknown.length > 0) {
    throw new DomainError(
      'invalid_scope',
      `Unknown scope ${unknown.map((n) => `'${n}'`).join(', ')}; the scopes are ${API_KEY_SCOPES.join(', ')}.`,
    );
  }
  const scopes = normalizeScopes(names.filter(isApiKeyScope));
  if (scopes.length === 0) throw new DomainError('invalid_scope', 'A key needs at least one scope.');
  return scopes;
}

/**
 * Makes a key with `scopes` (default: events:write alone, the interview engine's). The whole key
 * is in the answer and nowhere else.
 */
export async function createApiKey(
  db: Database,
  tenantId: string,
  input: { name: string; scopes?: readonly string[] },
  audit?: AuditContext,
): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (!name) throw new DomainError('invalid_name', 'The key needs a name.');
  const scopes = parseScopes(input.scopes ?? DEFAULT_API_KEY_SCOPES);
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const prefix = key.slice(0, DISPLAY_PREFIX_LENGTH);
  return db.withTenant(tenantId, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into api_keys (tenant_id, name, prefix, key_hash, scopes, created_at)
       values ($1, $2, $3, $4, $5::text[], coalesce($6::timestamptz, now())) returning id`,
      [tenantId, name, prefix, hashApiKey(key), scopes, audit?.at ?? null],
    );
    const id = String(rows[0]?.id);
    if (audit) await writeAudit(tx, tenantId, audit, 'api_key.created', { keyId: id, name, prefix, scopes });
    return { id, name, prefix, scopes, key };
  });
}

/** A stored name this version does not know grants nothing, rather than failing the request. */
const storedScopes = (names: string[]): ApiKeyScope[] => normalizeScopes(names.filter(isApiKeyScope));

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string).toISOString());

/** The tenant's keys, newest first, revoked ones included; never the key itself. */
export async function listApiKeys(db: Database, tenantId: string): Promise<ApiKeyListItem[]> {
  const rows = await db.withTenant(tenantId, (tx) =>
    tx.query<{
      id: string;
      name: string;
      prefix: string;
      scopes: string[];
      created_at: Date;
      last_used_at: Date | null;
      revoked_at: Date | null;
    }>(
      `select id, name, prefix, scopes, created_at, last_used_at, revoked_at from api_keys
       where tenant_id = $1 order by created_at desc, id`,
      [tenantId],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: storedScopes(r.scopes),
    createdAt: iso(r.created_at) ?? '',
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  }));
}

/**
 * Revokes a key; it stops working with the next request. Revoking a revoked key changes
 * nothing (the answer is false then). A key of another tenant is invisible here: 404.
 */
export async function revokeApiKey(
  db: Database,
  tenantId: string,
  keyId: string,
  audit?: AuditContext,
): Promise<boolean> {
  return db.withTenant(tenantId, async (tx) => {
    const keys = await tx.query<{ name: string; revoked: boolean }>(
      'select name, revoked_at is not null as revoked from api_keys where tenant_id = $1 and id = $2 for update',
      [tenantId, keyId],
    );
    const key = keys[0];
    if (!key) throw notFound('API key');
    if (key.revoked) return false;
    await tx.query(
      'update api_keys set revoked_at = coalesce($3::timestamptz, now()) where tenant_id = $1 and id = $2',
      [tenantId, keyId, audit?.at ?? null],
    );
    if (audit) await writeAudit(tx, tenantId, audit, 'api_key.revoked', { keyId, name: key.name });
    return true;
  });
}

export interface ApiKeyHolder {
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

/**
 * The tenant and scopes of a live key, or undefined for an unknown or revoked one. Records last_used_at
 * at most once a minute, so a busy key does not write a row per request.
 */
export async function authenticateApiKey(
  db: Database,
  key: string,
  now: Date,
): Promise<ApiKeyHolder | undefined> {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const rows = await db.query<{ tenant_id: string; key_id: string; revoked: boolean; scopes: string[] }>(
    'select tenant_id, key_id, revoked, scopes from auth_api_key_lookup($1)',
    [hashApiKey(key)],
  );
  const found = rows[0];
  if (!found || found.revoked) return undefined;
  const holder: ApiKeyHolder = {
    tenantId: String(found.tenant_id),
    keyId: String(found.key_id),
    scopes: storedScopes(found.scopes),
  };
  await db.withTenant(holder.tenantId, (tx) => recordApiKeyUse(tx, holder.tenantId, holder.keyId, now));
  return holder;
}

/** Records a live key's use at `at`, unless one was recorded in the minute before. */
export async function recordApiKeyUse(
  tx: Queryable,
  tenantId: string,
  keyId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `update api_keys set last_used_at = $3
      where tenant_id = $1 and id = $2 and revoked_at is null
        and (last_used_at is null or last_used_at <= $3::timestamptz - interval '1 minute')`,
    [tenantId, keyId, at],
  );
}
