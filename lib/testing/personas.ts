import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { apiKeyPermissionChoices, createApiKey } from '@/lib/dal/api-keys';
import { principalOf, snapshot, userByLogin } from './db';

/** Ids of the seeded rows a test names. */
export const idsIn = (db: DB) => ({
  group: (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id,
  profile: (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id,
  user: (loginName: string) => userByLogin(db, loginName).id,
  rowVersion: (loginName: string) => userByLogin(db, loginName).rowVersion,
});

/**
 * An API key for `loginName`, minted by `by` (an admin), listing every permission he holds that a
 * key may carry: the strongest key an attacker with his account could get.
 */
export function keyOf(db: DB, loginName: string, by = 'admin'): string {
  const minter = principalOf(db, by);
  const userId = userByLogin(db, loginName).id;
  const permissions = apiKeyPermissionChoices({ ctx: minter, input: { userId } })
    .filter((c) => !c.refusal)
    .map((c) => c.key);
  return createApiKey({ ctx: minter, input: { name: `${loginName} key ${Math.random()}`, userId, permissions } }).token;
}

/** The refusals the security log holds for `loginName`. */
export const deniedFor = (db: DB, loginName: string) =>
  db
    .select()
    .from(t.deniedAttempts)
    .where(eq(t.deniedAttempts.actorId, userByLogin(db, loginName).id))
    .all();

/** Every table but the security log, the sign-in throttles and the keys' "last used" times. */
export function stateOf(db: DB): Record<string, unknown[]> {
  const all = snapshot(db);
  return { ...all, api_keys: (all.api_keys as { last_used_at?: unknown }[]).map(({ last_used_at: _used, ...k }) => k) };
}

/** The tables whose rows differ from `before` (a stateOf): [] when a refused write changed nothing. */
export function changedSince(db: DB, before: Record<string, unknown[]>): string[] {
  const now = stateOf(db);
  return Object.keys(now).filter((table) => JSON.stringify(now[table]) !== JSON.stringify(before[table]));
}

/** The session cookie → user step the route tests stand in for (their `vi.mock` of lib/auth/session reads it). */
export type StoodInSession = { current: { userId: number; sessionVersion: number } | null };

/** Sign `loginName` in, for server actions called directly. */
export function signInAs(db: DB, session: StoodInSession, loginName: string): void {
  const user = userByLogin(db, loginName);
  session.current = { userId: user.id, sessionVersion: user.sessionVersion };
}

/** The "Add user" input for a new person in `groupId`, holding `profileIds`. */
export const newPersonInput = (loginName: string, groupId: number, profileIds: number[]) => ({
  loginName,
  email: `${loginName}@example.com`,
  name: `Person ${loginName}`,
  nickname: loginName,
  password: 'a-long-password-1',
  groupId,
  profileIds,
});
