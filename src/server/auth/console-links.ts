import type { Role } from '../../shared/contract/users.js';
import {
  CONSOLE_LINK_DEFAULT_PATH,
  CONSOLE_LINK_DEFAULT_SECONDS,
  CONSOLE_LINK_MAX_SECONDS,
  isConsolePath,
} from '../../shared/sign-in.js';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';
import { type AuditContext, writeAudit } from './audit.js';
import { randomToken, sha256Hex } from './tokens.js';
import { normalizeEmail, type VouchedUser } from './users.js';

/** The start of a console link's token, so one is recognised in logs and refused without a lookup. */
export const CONSOLE_LINK_PREFIX = 'mlc_';

/** The route a console link opens (the URL is the public URL, this and `?token=`). */
export const CONSOLE_LINK_OPEN_PATH = '/api/v1/console-links/open';

export interface ConsoleLinkInput {
  user: { externalId: string; email: string; name: string; role: Role };
  path?: string | undefined;
  expiresInSeconds?: number | undefined;
}

/**
 * Mints a one-time link for one of the host's users. Only the hash of its token is stored; the
 * token is in the answer alone. Refuses a path that is not the console's own (invalid_path) and an
 * address that is a user of another tenant (email_taken), so the host learns it now, not its user.
 */
export async function createConsoleLink(
  db: Database,
  tenantId: string,
  keyId: string,
  input: ConsoleLinkInput,
  options: { at: Date; publicUrl: string },
): Promise<{ url: string; expiresAt: Date }> {
  const path = input.path ?? CONSOLE_LINK_DEFAULT_PATH;
  if (!isConsolePath(path)) {
    throw new DomainError('invalid_path', 'The path must be a path of the console, such as /consumption.');
  }
  const seconds = input.expiresInSeconds ?? CONSOLE_LINK_DEFAULT_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > CONSOLE_LINK_MAX_SECONDS) {
    throw new DomainError('invalid_request', `expiresInSeconds must be 1 to ${CONSOLE_LINK_MAX_SECONDS}.`);
  }
  const email = normalizeEmail(input.user.email);
  const elsewhere = await db.query<{ tenant_id: string }>('select tenant_id from auth_login_lookup($1)', [
    email,
  ]);
  if (elsewhere.some((r) => String(r.tenant_id) !== tenantId)) {
    throw new DomainError('email_taken', 'A user of another tenant has this email address.');
  }
  const token = `${CONSOLE_LINK_PREFIX}${randomToken(32)}`;
  const expiresAt = new Date(options.at.getTime() + seconds * 1000);
  const { externalId, name, role } = input.user;
  await db.withTenant(tenantId, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `insert into console_links (tenant_id, token_hash, key_id, external_id, email, name, role, path, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        tenantId,
        sha256Hex(token),
        keyId,
        externalId.trim(),
        email,
        name.trim(),
        role,
        path,
        options.at,
        expiresAt,
      ],
    );
    const audit: AuditContext = { actor: `api_key:${keyId}`, at: options.at };
    await writeAudit(tx, tenantId, audit, 'console_link.created', {
      linkId: String(rows[0]?.id),
      externalId: externalId.trim(),
      email,
      role,
      path,
      expiresAt: expiresAt.toISOString(),
    });
  });
  const url = new URL(CONSOLE_LINK_OPEN_PATH, options.publicUrl);
  url.searchParams.set('token', token);
  return { url: url.href, expiresAt };
}

export interface OpenedLink {
  tenantId: string;
  linkId: string;
  keyId: string;
  path: string;
  user: VouchedUser;
}

/**
 * Uses a link: marks it used at once (so it opens once, even when opened twice at the same moment)
 * and answers whom it signs in and where to. An unknown token is console_link_invalid; a used one
 * console_link_used; one past its expiry console_link_expired.
 */
export async function redeemConsoleLink(db: Database, token: string, at: Date): Promise<OpenedLink> {
  const invalid = () => new DomainError('console_link_invalid', 'This console link is not valid.');
  if (!token.startsWith(CONSOLE_LINK_PREFIX)) throw invalid();
  const found = await db.query<{ tenant_id: string; link_id: string }>(
    'select tenant_id, link_id from auth_console_link_lookup($1)',
    [sha256Hex(token)],
  );
  const link = found[0];
  if (!link) throw invalid();
  const tenantId = String(link.tenant_id);
  const linkId = String(link.link_id);
  return db.withTenant(tenantId, async (tx) => {
    type Row = { key_id: string; external_id: string; email: string; name: string; role: Role; path: string };
    const used = await tx.query<Row>(
      `update console_links set used_at = $3
       where tenant_id = $1 and id = $2 and used_at is null and expires_at > $3
       returning key_id, external_id, email, name, role, path`,
      [tenantId, linkId, at],
    );
    const row = used[0];
    if (!row) {
      const state = await tx.query<{ used: boolean }>(
        'select used_at is not null as used from console_links where tenant_id = $1 and id = $2',
        [tenantId, linkId],
      );
      if (state[0]?.used)
        throw new DomainError('console_link_used', 'This console link has been used already.');
      throw new DomainError('console_link_expired', 'This console link has expired.');
    }
    return {
      tenantId,
      linkId,
      keyId: String(row.key_id),
      path: row.path,
      user: {
        method: 'console_link',
        subject: row.external_id,
        email: row.email,
        name: row.name,
        role: row.role,
      },
    };
  });
}
