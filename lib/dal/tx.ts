import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb, type DB } from '@/db/client';
import * as t from '@/db/schema';
import { grantsOf } from './authorize';
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
 * callback. It first makes sure the actor still may act as his request was checked (see
 * `assertActorCurrent`). The callback must not await: better-sqlite3 commits when it returns.
 */
export function writeTransaction<T>(actor: Principal, fn: (tx: Tx) => T): T {
  try {
    return getDb().transaction(
      (tx) => {
        assertActorCurrent(actor);
        return fn(tx);
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    const code = sqliteCode(error);
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
 * With the write lock held, before the change: the actor is still active and, when anything was
 * written since he was read, holds exactly what his request was checked against. Verbs authorize
 * before their transaction (a password hash or an import's parsing takes a while); an actor
 * deactivated, signed out, given other profiles or overrides, or whose key was revoked meanwhile
 * changes nothing.
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
  const user = db.select({ status: t.users.status }).from(t.users).where(eq(t.users.id, actor.userId)).get();
  if (user?.status !== 'active') throw ended();
  if (logPosition(db).lastEventId === actor.readAtEvent) return;
  const now = reloadPrincipal(actor);
  if (!now) throw ended();
  if (grantsOf(now) !== grantsOf(actor)) {
    throw new DalError('conflict', 'Your permissions changed while this was being saved; nothing was changed. Reload and try again.');
  }
}
