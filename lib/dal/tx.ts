import 'server-only';
import { getDb, type DB } from '@/db/client';
import { DalError } from './errors';

export type Tx = Parameters<Parameters<DB['transaction']>[0]>[0];

function sqliteCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Every write: one synchronous IMMEDIATE transaction (the write lock is taken up front, so two
 * writers never deadlock on an upgrade), with its audit row written inside it by the callback.
 * The callback must not await: better-sqlite3 commits when it returns.
 */
export function writeTransaction<T>(fn: (tx: Tx) => T): T {
  try {
    return getDb().transaction(fn, { behavior: 'immediate' });
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
