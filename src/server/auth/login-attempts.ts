import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';
import { writeAudit } from './audit.js';
import { recordSignIn } from './users.js';

/**
 * Login throttling: at most this many failed logins per account (the email as typed, normalized,
 * whether an account has it or not) and per client address within any window of this length.
 * The counts live in the database (migration 007), shared by every server on it.
 */
export const LOGIN_THROTTLE = { windowSeconds: 15 * 60, perAccount: 10, perAddress: 100 } as const;

/** A login attempt let through the throttle; it counts as a failure until `loginSucceeded`. */
export interface LoginAttempt {
  email: string;
  address: string;
  at: Date;
  /** Set when this attempt, failing, throttles the account: until when. */
  accountUntil?: Date;
  /** Set when this attempt, failing, throttles the address: until when. */
  addressUntil?: Date;
  /** The tenants of known accounts tried from the address within the window (for its throttle). */
  addressTenants: string[];
}

export type BegunLogin =
  | { allowed: true; attempt: LoginAttempt }
  | { allowed: false; retryAfterSeconds: number };

/** The account an attempt named, when one has that email. */
export interface KnownAccount {
  tenantId: string;
  userId: string;
}

const asDate = (v: unknown) => (v === null || v === undefined ? undefined : new Date(v as string | Date));

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new DomainError(
    'too_many_attempts',
    `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    { retryAfterSeconds },
  );

/**
 * Checks the throttle for a login by `email` (normalized) from the client address `ip`, and when
 * it is let through counts it at once as a failure: parallel attempts cannot outrun the count.
 */
export async function beginLogin(db: Database, email: string, ip: string, at: Date): Promise<BegunLogin> {
  const address = normalizeIP(ip);
  const [row] = await db.query<{
    allowed: boolean;
    account_until: Date | string | null;
    address_until: Date | string | null;
    address_tenants: string[] | null;
  }>(
    `select allowed, account_until, address_until, address_tenants::text[] as address_tenants
       from auth_login_attempt($1, $2, $3, $4, $5, $6)`,
    [email, address, at, LOGIN_THROTTLE.windowSeconds, LOGIN_THROTTLE.perAccount, LOGIN_THROTTLE.perAddress],
  );
  if (!row) throw new Error('auth_login_attempt returned no row');
  const accountUntil = asDate(row.account_until);
  const addressUntil = asDate(row.address_until);
  if (!row.allowed) {
    const until = Math.max(accountUntil?.getTime() ?? 0, addressUntil?.getTime() ?? 0);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - at.getTime()) / 1000)) };
  }
  return {
    allowed: true,
    attempt: {
      email,
      address,
      at,
      ...(accountUntil ? { accountUntil } : {}),
      ...(addressUntil ? { addressUntil } : {}),
      addressTenants: (row.address_tenants ?? []).map(String),
    },
  };
}

const WINDOW_MINUTES = LOGIN_THROTTLE.windowSeconds / 60;

/**
 * A failed login: audited in the account's tenant when the email has one (`auth.login_failed`),
 * and when this failure throttles the account or the address, that throttle (`auth.throttled`) in
 * the tenants concerned. A throttle with no tenant to tell (an unknown email) is logged.
 */
export async function loginFailed(
  db: Database,
  attempt: LoginAttempt,
  account:
    | (KnownAccount & { reason: 'wrong_password' | 'inactive' | 'no_password' | 'sso_required' })
    | undefined,
  log: FastifyBaseLogger,
): Promise<void> {
  const { email, address, at, accountUntil, addressUntil } = attempt;
  const audit = { actor: `address:${address}`, at };
  if (account) {
    await db.withTenant(account.tenantId, async (tx) => {
      await writeAudit(tx, account.tenantId, audit, 'auth.login_failed', {
        userId: account.userId,
        email,
        reason: account.reason,
      });
      if (accountUntil) {
        await writeAudit(tx, account.tenantId, audit, 'auth.throttled', {
          scope: 'account',
          userId: account.userId,
          email,
          failures: LOGIN_THROTTLE.perAccount,
          windowMinutes: WINDOW_MINUTES,
          until: accountUntil.toISOString(),
        });
      }
    });
  }
  if (accountUntil) {
    log.warn(
      { email, address, until: accountUntil, known: account !== undefined },
      'login throttled: account',
    );
  }
  if (addressUntil) {
    for (const tenantId of attempt.addressTenants) {
      await db.withTenant(tenantId, (tx) =>
        writeAudit(tx, tenantId, audit, 'auth.throttled', {
          scope: 'address',
          address,
          failures: LOGIN_THROTTLE.perAddress,
          windowMinutes: WINDOW_MINUTES,
          until: addressUntil.toISOString(),
        }),
      );
    }
    log.warn(
      { address, until: addressUntil, tenants: attempt.addressTenants.length },
      'login throttled: address',
    );
  }
}

/**
 * Runs failed logins' audit writes after the answer rather than before it: a write that only a
 * known account's failure makes would answer known emails more slowly than unknown ones, and so
 * tell them apart. A write that fails is logged; `settled` waits for those still running (on close).
 */
export class AfterAnswer {
  private readonly running = new Set<Promise<void>>();

  run(work: Promise<void>, log: FastifyBaseLogger): void {
    const done: Promise<void> = work
      .catch((err: unknown) => log.error({ err }, 'auditing a failed login failed'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  async settled(): Promise<void> {
    await Promise.all(this.running);
  }
}

/** Forgets an account's failed attempts: it signed in (by password or its provider). */
export async function clearLoginFailures(db: Database, email: string): Promise<void> {
  await db.query('select auth_login_succeeded($1)', [email]);
}

/**
 * A successful password login: clears the account's failures (this attempt's too), records the
 * sign-in on the user and audits `auth.login`.
 */
export async function loginSucceeded(
  db: Database,
  attempt: LoginAttempt,
  account: KnownAccount,
): Promise<void> {
  await clearLoginFailures(db, attempt.email);
  await db.withTenant(account.tenantId, async (tx) => {
    await recordSignIn(tx, account.tenantId, account.userId, 'password', attempt.at);
    await writeAudit(tx, account.tenantId, { actor: `user:${attempt.email}`, at: attempt.at }, 'auth.login', {
      userId: account.userId,
      address: attempt.address,
      method: 'password',
    });
  });
}
