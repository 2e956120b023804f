import 'server-only';
import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { USER_MANAGEMENT } from '@/lib/permissions/console';
import { userIdInput } from '@/lib/schemas/users';
import { writeAudit } from './audit';
import { authorize } from './authorize';
import { DalError, parseInput } from './errors';
import { assertMayManage } from './policy';
import type { Principal } from './principal';
import { writeTransaction } from './tx';
import { reachableUser } from './users/access';

/** A new console session for a user who just signed in; its id goes into his session cookie. */
export function openSession(userId: number, now = Date.now()): string {
  const id = crypto.randomBytes(24).toString('base64url');
  getDb().insert(t.sessions).values({ id, userId, createdAt: now }).run();
  return id;
}

/** However active, a session ends this long after its sign-in (a shift and then some): a stolen cookie does not live forever. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

/** The session exists, is his, is younger than SESSION_MAX_AGE_MS, and nobody ended it (signing out, or "sign out everywhere"). */
export function sessionIsOpen(id: string, userId: number, now = Date.now()): boolean {
  const row = getDb()
    .select({ endedAt: t.sessions.endedAt, userId: t.sessions.userId, createdAt: t.sessions.createdAt })
    .from(t.sessions)
    .where(eq(t.sessions.id, id))
    .get();
  return row !== undefined && row.endedAt === null && row.userId === userId && now - row.createdAt < SESSION_MAX_AGE_MS;
}

/** Signing out ends the session on the server: its cookie opens nothing afterwards. */
export function endSession(id: string, now = Date.now()): void {
  getDb()
    .update(t.sessions)
    .set({ endedAt: now })
    .where(and(eq(t.sessions.id, id), isNull(t.sessions.endedAt)))
    .run();
}

/**
 * "Sign out everywhere": every session of a user ends at once (his session version rises, so any
 * cookie, and any request in flight, is refused). For himself, anyone signed in; for another user,
 * whoever may manage him. Audited.
 */
export function signOutEverywhere({ ctx, input }: { ctx: Principal; input: unknown }): { userId: number } {
  const action = 'sign users out everywhere';
  const self = userIdInput.safeParse(input).data?.id === ctx.userId;
  // For another user the permission comes first: without it, any input is refused alike.
  const scope = self ? null : authorize(ctx, action, USER_MANAGEMENT, 'edit');
  const { id } = parseInput(userIdInput, input);
  if (scope) {
    reachableUser(ctx, scope, id, action);
    assertMayManage(ctx, id, action);
  }
  const now = Date.now();
  return writeTransaction(ctx, (tx) => {
    const user = tx.select().from(t.users).where(eq(t.users.id, id)).get();
    if (!user) throw new DalError('not-found', 'There is no such user.');
    tx.update(t.users)
      .set({ sessionVersion: user.sessionVersion + 1 })
      .where(eq(t.users.id, id))
      .run();
    tx.update(t.sessions)
      .set({ endedAt: now })
      .where(and(eq(t.sessions.userId, id), isNull(t.sessions.endedAt)))
      .run();
    const audited = writeAudit(tx, ctx, { entityType: 'user', entityId: id, entityName: user.loginName, action: 'sign-out-everywhere' });
    return { value: { userId: id }, audited };
  });
}
