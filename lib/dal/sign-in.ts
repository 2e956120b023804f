import 'server-only';
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { dummyPasswordHash, hasPassword, verifyPassword } from '@/lib/auth/password';
import { signInInput } from '@/lib/schemas/sign-in';
import { parseInput } from './errors';

/** After this many failures in a row, a login name is locked for LOCK_MS. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 5 * 60_000;

export type SignInResult = { ok: true; userId: number; sessionVersion: number; device: string } | { ok: false; reason: 'wrong-credentials' | 'locked' };

/** The cookie that marks a browser where a login name signed in before (see verifyCredentials). */
export const DEVICE_COOKIE = 'switchboard-device';
export const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 60 * 60;

/** The key device tokens are signed with: its own setting, made once per database. */
function deviceSecret(): string {
  const db = getDb();
  const read = () => db.select().from(t.settings).where(eq(t.settings.key, 'device-secret')).get()?.value;
  let secret = read();
  if (!secret) {
    db.insert(t.settings)
      .values({ key: 'device-secret', value: crypto.randomBytes(32).toString('base64url') })
      .onConflictDoNothing()
      .run();
    secret = read()!;
  }
  return secret;
}

/**
 * A device token for `key` (a lower-cased login name) and the user it names: who signed in here,
 * at which session version, and when, signed. "Sign out everywhere", a new password and
 * deactivation raise the session version, so they void every token too.
 */
function deviceToken(key: string, user: { id: number; sessionVersion: number }, now: number): string {
  const payload = Buffer.from(JSON.stringify({ l: key, u: user.id, v: user.sessionVersion, t: now })).toString('base64url');
  return `${payload}.${crypto.createHmac('sha256', deviceSecret()).update(payload).digest('base64url')}`;
}

/** The device token's own throttle key when it is a valid one for `key` and that user as he is now, else null. */
function knownDevice(token: string | null | undefined, key: string, user: { id: number; sessionVersion: number } | undefined, now: number): string | null {
  if (!user) return null;
  if (!token || token.length > 500) return null;
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return null;
  const expected = crypto.createHmac('sha256', deviceSecret()).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    const { l, u, v, t: issued } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { l: unknown; u: unknown; v: unknown; t: unknown };
    if (l !== key || u !== user.id || v !== user.sessionVersion) return null;
    if (typeof issued !== 'number' || issued > now || now - issued > DEVICE_COOKIE_MAX_AGE_S * 1000) return null;
  } catch {
    return null;
  }
  return `device:${crypto.createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}

/**
 * Count one attempt for `throttleKey` before its password is checked, in one synchronous write:
 * so a burst of guesses sent at once is counted as a burst, and only the first MAX_FAILURES of
 * them are ever checked. True when the key is locked (the attempt is refused unchecked).
 */
function reserveAttempt(throttleKey: string, now: number): boolean {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const row = tx.select().from(t.loginThrottle).where(eq(t.loginThrottle.loginName, throttleKey)).get();
      if (row && row.lockedUntil > now) return true;
      // A lock that has run out starts the count again.
      const failures = (row && row.lockedUntil !== 0 ? 0 : (row?.failures ?? 0)) + 1;
      const lockedUntil = failures >= MAX_FAILURES ? now + LOCK_MS : 0;
      tx.insert(t.loginThrottle)
        .values({ loginName: throttleKey, failures, lockedUntil, lastFailureAt: now })
        .onConflictDoUpdate({ target: t.loginThrottle.loginName, set: { failures, lockedUntil, lastFailureAt: now } })
        .run();
      return false;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Check a login name and password. A wrong password, an unknown login name, a user with no password
 * yet and a deactivated user all look the same to the caller. Each attempt is counted before its
 * password is checked; MAX_FAILURES in a row lock the login name for LOCK_MS. Against anyone
 * locking others out by guessing their name: a browser where this login name signed in before
 * (its `device` token, a signed cookie) has a count and lock of its own, so the name's lock does
 * not stop him there. A success clears the count and hands back a fresh device token.
 */
export async function verifyCredentials(input: unknown, now = Date.now(), device: string | null = null): Promise<SignInResult> {
  const { loginName, password } = parseInput(signInInput, input);
  const db = getDb();
  const key = loginName.toLowerCase();
  const user = db
    .select()
    .from(t.users)
    .where(sql`${t.users.loginName} = ${loginName} collate nocase`)
    .get();
  const throttleKey = knownDevice(device, key, user, now) ?? key;
  if (reserveAttempt(throttleKey, now)) return { ok: false, reason: 'locked' };

  // Unknown, or no password yet: verify against a dummy hash all the same, so the time says nothing.
  const usable = user && hasPassword(user.passwordHash) ? user : undefined;
  const valid = await verifyPassword(usable?.passwordHash ?? (await dummyPasswordHash()), password);
  if (user && usable && valid && user.status === 'active') {
    db.delete(t.loginThrottle).where(eq(t.loginThrottle.loginName, throttleKey)).run();
    return { ok: true, userId: user.id, sessionVersion: user.sessionVersion, device: deviceToken(key, user, now) };
  }
  const after = db.select().from(t.loginThrottle).where(eq(t.loginThrottle.loginName, throttleKey)).get();
  return { ok: false, reason: after && after.lockedUntil > now ? 'locked' : 'wrong-credentials' };
}
