import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { dummyPasswordHash, hasPassword, verifyPassword } from '@/lib/auth/password';
import { parseInput } from './errors';

/** After this many failures in a row, a login name is locked for LOCK_MS. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 5 * 60_000;

export const signInInput = z.object({
  loginName: z.string({ error: 'Login name is required' }).trim().min(1, 'Login name is required').max(200, 'Login name is too long (at most 200 characters)'),
  password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(1000, 'Password is too long (at most 1000 characters)'),
});

export type SignInResult = { ok: true; userId: number; sessionVersion: number } | { ok: false; reason: 'wrong-credentials' | 'locked' };

/**
 * Check a login name and password. A wrong password, an unknown login name, a user with no password
 * yet and a deactivated user all look the same to the caller; repeated failures for one login name lock it a while.
 */
export async function verifyCredentials(input: unknown, now = Date.now()): Promise<SignInResult> {
  const { loginName, password } = parseInput(signInInput, input);
  const db = getDb();
  const key = loginName.toLowerCase();
  const throttle = db.select().from(t.loginThrottle).where(eq(t.loginThrottle.loginName, key)).get();
  if (throttle && throttle.lockedUntil > now) return { ok: false, reason: 'locked' };

  const user = db
    .select()
    .from(t.users)
    .where(sql`${t.users.loginName} = ${loginName} collate nocase`)
    .get();
  // Unknown, or no password yet: verify against a dummy hash all the same, so the time says nothing.
  const usable = user && hasPassword(user.passwordHash) ? user : undefined;
  const valid = await verifyPassword(usable?.passwordHash ?? (await dummyPasswordHash()), password);
  if (user && usable && valid && user.status === 'active') {
    if (throttle) db.delete(t.loginThrottle).where(eq(t.loginThrottle.loginName, key)).run();
    return { ok: true, userId: user.id, sessionVersion: user.sessionVersion };
  }
  const failures = (throttle && throttle.lockedUntil <= now && throttle.lockedUntil !== 0 ? 0 : (throttle?.failures ?? 0)) + 1;
  const lockedUntil = failures >= MAX_FAILURES ? now + LOCK_MS : 0;
  db.insert(t.loginThrottle)
    .values({ loginName: key, failures, lockedUntil, lastFailureAt: now })
    .onConflictDoUpdate({ target: t.loginThrottle.loginName, set: { failures, lockedUntil, lastFailureAt: now } })
    .run();
  return { ok: false, reason: lockedUntil ? 'locked' : 'wrong-credentials' };
}
