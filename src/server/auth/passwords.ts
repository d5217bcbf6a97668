import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * Argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). Argon2id is the
 * library's default algorithm; its `Algorithm` const enum is not usable under isolatedModules.
 */
const POLICY = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const ARGON2ID = 2;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, POLICY);
}

/** True when `password` matches `passwordHash`; false (never an exception) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other parameters than today's (rehash it at next login). */
export function needsRehash(passwordHash: string): boolean {
  try {
    const used = parseOptions(passwordHash);
    return (
      used.algorithm !== ARGON2ID ||
      used.memoryCost !== POLICY.memoryCost ||
      used.timeCost !== POLICY.timeCost ||
      used.parallelism !== POLICY.parallelism
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one real verification, for logins with an unknown email, so the
 * answer's timing does not tell whether an address has an account.
 */
export async function dummyVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword('meterline-dummy-password-never-matches');
  await verifyPassword(await dummyHash, password);
}
