import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (19 MiB, 2 passes): the OWASP baseline. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed hash never signs anyone in
  }
}

/**
 * Stored instead of a hash for a user who has no password yet (imported users): it is no hash, so
 * nothing verifies against it, and sign-in treats him like a wrong password until one is set.
 */
export const NO_PASSWORD = '!no-password';
export const hasPassword = (passwordHash: string) => passwordHash !== NO_PASSWORD;

/** A hash to verify against when the login name is unknown, so both cases take the same time. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('switchboard-timing-equalizer');
  return dummyHash;
}
