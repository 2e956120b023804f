import 'server-only';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { getDb, type DB } from '@/db/client';
import * as t from '@/db/schema';
import { grantsOf } from './authorize';
import type { Audited } from './audit';
import { DalError } from './errors';
import { logPosition } from './log-position';
import { reloadPrincipal, type Principal } from './principal';

export type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

function sqliteCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Every write by `actor`: one synchronous IMMEDIATE transaction (the write lock is taken up front,
 * so two writers never deadlock on an upgrade), with its audit row written inside it by the
 * callback: its signature asks for the receipt writeAudit returns, so no write can forget it. It
 * first makes sure the actor still may act as his request was checked (see
 * `assertActorCurrent`). The callback must not await: better-sqlite3 commits when it returns.
 */
export function writeTransaction<T>(actor: Principal, fn: (tx: Tx) => Audited<T>): T {
  try {
    return getDb().transaction(
      (tx) => {
        assertActorCurrent(actor);
        return fn(tx).value;
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    if (error instanceof DalError && error.recordAfterRollback) {
      error.recordAfterRollback();
      error.recordAfterRollback = undefined;
    }
    const code = sqliteCode(error);
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw uniqueConflict(error);
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DalError('unavailable', 'The database is busy right now; nothing was changed. Try again in a moment.');
    }
    if (code === 'SQLITE_FULL') {
      throw new DalError('unavailable', 'The server is out of disk space; nothing was changed. Try again once space is freed.');
    }
    throw error;
  }
}

/**
 * The unique values people choose, by the index (or table.column) SQLite names when a write
 * breaks it: the field and its label. Verbs check them first, with the write lock held; this is
 * the last line, so even a path that forgot answers 409 naming the field, never a 500.
 */
const UNIQUE_FIELDS: Record<string, { field: string; label: string }> = {
  users_login_name_uq: { field: 'loginName', label: 'Login name' },
  'users.login_name': { field: 'loginName', label: 'Login name' },
  profiles_name_uq: { field: 'name', label: 'Name' },
  'profiles.name': { field: 'name', label: 'Name' },
  roles_name_uq: { field: 'name', label: 'Name' },
  'roles.name': { field: 'name', label: 'Name' },
  skills_name_uq: { field: 'name', label: 'Name' },
  'skills.name': { field: 'name', label: 'Name' },
  'managed_groups.user_id, managed_groups.group_id': { field: 'managedGroupIds', label: 'Managed groups' },
  'user_skills.user_id, user_skills.skill_id': { field: 'skills', label: 'Skills' },
};

function uniqueConflict(error: unknown): DalError {
  const detail = error instanceof Error ? error.message.replace(/^UNIQUE constraint failed: (index ')?/, '').replace(/'$/, '') : '';
  const known = UNIQUE_FIELDS[detail];
  if (!known) return new DalError('conflict', 'That value is already taken; nothing was changed.');
  return new DalError('conflict', `${known.label} is already taken; nothing was changed.`, { [known.field]: [`${known.label} is already taken`] });
}

/**
 * With the write lock held, before the change: the actor is still active and, when anything was
 * written since he was read, holds exactly what his request was checked against, and (an agent
 * manager) his group structure did not move. Verbs authorize before their transaction (a password
 * hash or an import's parsing takes a while); an actor deactivated, signed out, given other
 * profiles or overrides, whose key was revoked, or whose subtree was rearranged meanwhile changes
 * nothing. Checks of the target (a user's group, his rank) are the verbs' own.
 */
function assertActorCurrent(actor: Principal): void {
  const db = getDb();
  const ended = () =>
    new DalError(
      'unauthenticated',
      actor.apiKey
        ? `The API key "${actor.apiKey.name}" is no longer valid; nothing was changed.`
        : 'Your session has ended; nothing was changed. Sign in again.',
    );
  const changed = (what: string) => new DalError('conflict', `${what} changed while this was being saved; nothing was changed. Reload and try again.`);
  const user = db.select({ status: t.users.status }).from(t.users).where(eq(t.users.id, actor.userId)).get();
  if (user?.status !== 'active') throw ended();
  const lastEventId = logPosition(db).lastEventId;
  if (lastEventId === actor.readAtEvent) return;
  const now = reloadPrincipal(actor);
  if (!now) throw ended();
  if (grantsOf(now) !== grantsOf(actor)) throw changed('Your permissions');
  if (actor.managedGroupIds.length > 0 && groupMovedSince(actor.readAtEvent, actor.userId)) throw changed('The group structure');
  // Still as he was read: the next write of the same request (a bulk change) starts from here.
  actor.readAtEvent = lastEventId;
}

/**
 * Someone else moved a group under another parent after event `eventId`: an agent manager's reach
 * may differ. (His own moves stay inside his reach: the verb checked them.)
 */
function groupMovedSince(eventId: number, actorId: number): boolean {
  return (
    getDb()
      .select({ id: t.auditEvents.id })
      .from(t.auditEvents)
      .where(
        and(
          eq(t.auditEvents.entityType, 'group'),
          gt(t.auditEvents.id, eventId),
          eq(t.auditEvents.action, 'update'),
          ne(t.auditEvents.actorId, actorId),
          sql`json_extract(${t.auditEvents.before}, '$.parentId') is not json_extract(${t.auditEvents.after}, '$.parentId')`,
        ),
      )
      .limit(1)
      .get() !== undefined
  );
}
