import 'server-only';
import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';

/** A new console session for a user who just signed in; its id goes into his session cookie. */
export function openSession(userId: number, now = Date.now()): string {
  const id = crypto.randomBytes(24).toString('base64url');
  getDb().insert(t.sessions).values({ id, userId, createdAt: now }).run();
  return id;
}

/** The session exists and nobody ended it (signing out, or "sign out everywhere"). */
export function sessionIsOpen(id: string, userId: number): boolean {
  const row = getDb().select({ endedAt: t.sessions.endedAt, userId: t.sessions.userId }).from(t.sessions).where(eq(t.sessions.id, id)).get();
  return row !== undefined && row.endedAt === null && row.userId === userId;
}

/** Signing out ends the session on the server: its cookie opens nothing afterwards. */
export function endSession(id: string, now = Date.now()): void {
  getDb()
    .update(t.sessions)
    .set({ endedAt: now })
    .where(and(eq(t.sessions.id, id), isNull(t.sessions.endedAt)))
    .run();
}
