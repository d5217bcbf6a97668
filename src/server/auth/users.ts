import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../shared/accounts.js';
import { ROLES, type Role, type User, type UserListItem } from '../../shared/contract/users.js';
import type { SignInMethod } from '../../shared/sign-in.js';
import type { Database, Queryable } from '../db/database.js';
import { DomainError, notFound } from '../errors.js';
import { type AuditContext, writeAudit } from './audit.js';
import { hashPassword } from './passwords.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const EMAIL_TAKEN = 'A user with this email already exists.';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}

/**
 * Adds a user to a tenant. Emails are unique platform-wide (login is by email alone), so an
 * address used in any tenant is refused with 409 email_taken.
 */
export async function addUser(
  db: Database,
  tenantId: string,
  input: NewUser,
  audit?: AuditContext,
): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  if (!email.includes('@')) throw new DomainError('invalid_email', 'The email address is not valid.');
  if (!name) throw new DomainError('invalid_name', 'The name must not be empty.');
  if (!isRole(input.role))
    throw new DomainError('invalid_role', `The role must be one of ${ROLES.join(', ')}.`);
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError(
      'weak_password',
      `The password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
    );
  }
  // The lookup sees every tenant; it gives the clear answer without aborting a transaction.
  const taken = await db.query('select 1 from auth_login_lookup($1)', [email]);
  if (taken.length > 0) throw new DomainError('email_taken', EMAIL_TAKEN);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.withTenant(tenantId, async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `insert into users (tenant_id, email, name, role, password_hash)
         values ($1, $2, $3, $4, $5) returning id`,
        [tenantId, email, name, input.role, passwordHash],
      );
      const user: User = { id: String(rows[0]?.id), email, name, role: input.role };
      if (audit)
        await writeAudit(tx, tenantId, audit, 'user.added', { userId: user.id, email, role: user.role });
      return user;
    });
  } catch (err) {
    // Two requests adding the same address at once: the unique index decides.
    if (isUniqueViolation(err)) throw new DomainError('email_taken', EMAIL_TAKEN);
    throw err;
  }
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  created_at: Date | string;
  has_password: boolean;
  sso_subject: string | null;
  external_id: string | null;
  last_sign_in_at: Date | string | null;
  last_sign_in_method: SignInMethod | null;
};

const USER_COLUMNS = `id, email, name, role, active, created_at, password_hash is not null as has_password,
  sso_subject, external_id, last_sign_in_at, last_sign_in_method`;

function toListItem(row: UserRow): UserListItem {
  const methods: SignInMethod[] = [];
  if (row.has_password) methods.push('password');
  if (row.sso_subject !== null) methods.push('sso');
  if (row.external_id !== null) methods.push('console_link');
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    signInMethods: methods,
    lastSignInAt: row.last_sign_in_at === null ? null : new Date(row.last_sign_in_at).toISOString(),
    lastSignInMethod: row.last_sign_in_method,
  };
}

export async function listUsers(db: Database, tenantId: string): Promise<UserListItem[]> {
  const rows = await db.withTenant(tenantId, (tx) =>
    tx.query<UserRow>(`select ${USER_COLUMNS} from users where tenant_id = $1 order by email`, [tenantId]),
  );
  return rows.map(toListItem);
}

/** Records that a user signed in just now, and how (the Users page shows it). */
export async function recordSignIn(
  tx: Queryable,
  tenantId: string,
  userId: string,
  method: SignInMethod,
  at: Date,
): Promise<void> {
  await tx.query(
    'update users set last_sign_in_at = $3, last_sign_in_method = $4 where tenant_id = $1 and id = $2',
    [tenantId, userId, at, method],
  );
}

/** A user as the host platform or the tenant's provider vouches for them on a sign-in. */
export interface VouchedUser {
  method: 'sso' | 'console_link';
  /** The provider's `sub`, or the host's externalId: what finds the user again. */
  subject: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * Creates or updates, just in time, the user a provider or a console link signs in, in one
 * transaction: found by their subject (else by email in this tenant, which links the two), made
 * without a password when new, given the vouched role and name; then records the sign-in and
 * audits it (`user.added`, `user.role_changed`, `auth.login`). Refuses an address that is a user of
 * another tenant (email_taken) and a deactivated user (user_inactive). The vouched role applies as
 * given, the last account admin's included: the provider or the host decides who administers.
 */
export async function signInVouched(
  db: Database,
  tenantId: string,
  vouched: VouchedUser,
  audit: AuditContext & { at: Date },
  /** More of the sign-in for its `auth.login` entry (the issuer, the console link). */
  loginDetails: Record<string, unknown> = {},
): Promise<{ userId: string; created: boolean }> {
  const email = normalizeEmail(vouched.email);
  const name = vouched.name.trim() || email;
  const column = vouched.method === 'sso' ? 'sso_subject' : 'external_id';
  // A new user's address must not be another tenant's user (emails are unique platform-wide).
  const elsewhere = await db.query<{ tenant_id: string }>('select tenant_id from auth_login_lookup($1)', [
    email,
  ]);
  if (elsewhere.some((r) => String(r.tenant_id) !== tenantId)) {
    throw new DomainError(
      'email_taken',
      `${email} is a user of another organisation in Meterline; this sign-in cannot make it a user here.`,
    );
  }
  try {
    return await db.withTenant(tenantId, async (tx) => {
      const found = await tx.query<UserRow>(
        `select ${USER_COLUMNS} from users where tenant_id = $1 and (${column} = $2 or lower(email) = $3)
         order by (${column} = $2) desc nulls last limit 1 for update`,
        [tenantId, vouched.subject, email],
      );
      let user = found[0];
      let created = false;
      const known = user ? (vouched.method === 'sso' ? user.sso_subject : user.external_id) : null;
      if (user && known === null) {
        await tx.query(`update users set ${column} = $3 where tenant_id = $1 and id = $2`, [
          tenantId,
          user.id,
          vouched.subject,
        ]);
      } else if (user && known !== vouched.subject) {
        // The address is a user the provider or host knows under another subject: not this person.
        throw new DomainError('email_taken', EMAIL_TAKEN);
      }
      if (!user) {
        const rows = await tx.query<UserRow>(
          `insert into users (tenant_id, email, name, role, password_hash, ${column})
           values ($1, $2, $3, $4, null, $5) returning ${USER_COLUMNS}`,
          [tenantId, email, name, vouched.role, vouched.subject],
        );
        user = rows[0] as UserRow;
        created = true;
        await writeAudit(tx, tenantId, audit, 'user.added', {
          userId: user.id,
          email,
          role: vouched.role,
          via: vouched.method,
        });
      } else {
        if (!user.active) throw new DomainError('user_inactive', 'This user is deactivated.');
        if (user.role !== vouched.role || user.name !== name) {
          await tx.query('update users set role = $3, name = $4 where tenant_id = $1 and id = $2', [
            tenantId,
            user.id,
            vouched.role,
            name,
          ]);
        }
        if (user.role !== vouched.role) {
          await writeAudit(tx, tenantId, audit, 'user.role_changed', {
            userId: user.id,
            email: user.email,
            from: user.role,
            to: vouched.role,
            via: vouched.method,
          });
        }
      }
      await recordSignIn(tx, tenantId, user.id, vouched.method, audit.at);
      await writeAudit(tx, tenantId, audit, 'auth.login', {
        userId: user.id,
        email: user.email,
        method: vouched.method,
        ...loginDetails,
      });
      return { userId: String(user.id), created };
    });
  } catch (err) {
    // Two first sign-ins of one user at once: the unique indexes decide, the second is refused.
    if (isUniqueViolation(err)) throw new DomainError('email_taken', EMAIL_TAKEN);
    throw err;
  }
}

export interface UserChange {
  role?: Role;
  /** Only deactivation is offered: `false`. */
  active?: false;
}

/**
 * Changes a user's role and/or deactivates them, in one transaction. Deactivation deletes the
 * user's sessions, so they are signed out at once. A tenant always keeps one active
 * account_admin: a change that would leave none is refused with 409 last_admin.
 * A user of another tenant is invisible here (row-level security): 404.
 */
export async function updateUser(
  db: Database,
  tenantId: string,
  userId: string,
  change: UserChange,
  audit?: AuditContext,
): Promise<UserListItem> {
  if (change.role !== undefined && !isRole(change.role)) {
    throw new DomainError('invalid_role', `The role must be one of ${ROLES.join(', ')}.`);
  }
  return db.withTenant(tenantId, async (tx) => {
    // Locks the tenant's admins, so two concurrent demotions cannot both pass the check.
    const admins = await tx.query<{ id: string }>(
      `select id from users where tenant_id = $1 and role = 'account_admin' and active for update`,
      [tenantId],
    );
    const before = await findUser(tx, tenantId, userId);
    if (!before) throw notFound('User');
    const role = change.role ?? before.role;
    const active = change.active === false ? false : before.active;
    const wasAdmin = before.role === 'account_admin' && before.active;
    const staysAdmin = role === 'account_admin' && active;
    if (wasAdmin && !staysAdmin && admins.every((a) => a.id === userId)) {
      throw new DomainError('last_admin', 'A tenant must keep at least one active account admin.');
    }
    if (role !== before.role) {
      await tx.query('update users set role = $3 where tenant_id = $1 and id = $2', [tenantId, userId, role]);
      if (audit) {
        await writeAudit(tx, tenantId, audit, 'user.role_changed', {
          userId,
          email: before.email,
          from: before.role,
          to: role,
        });
      }
    }
    if (!active && before.active) {
      await tx.query('update users set active = false where tenant_id = $1 and id = $2', [tenantId, userId]);
      if (audit) await writeAudit(tx, tenantId, audit, 'user.deactivated', { userId, email: before.email });
    }
    if (!active) {
      await tx.query('delete from sessions where tenant_id = $1 and user_id = $2', [tenantId, userId]);
    }
    return toListItem({ ...before, role, active });
  });
}

async function findUser(tx: Queryable, tenantId: string, userId: string): Promise<UserRow | undefined> {
  const rows = await tx.query<UserRow>(`select ${USER_COLUMNS} from users where tenant_id = $1 and id = $2`, [
    tenantId,
    userId,
  ]);
  return rows[0];
}
