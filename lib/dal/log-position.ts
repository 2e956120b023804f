import 'server-only';
import type { Statement } from 'better-sqlite3';
import type { DB } from '@/db/client';

/**
 * Where the database stands: the id of the last audit event (every change writes one, in its own
 * transaction) and SQLite's `data_version` (it moves when another connection commits). What is
 * derived from the database stays current while neither has moved: the catalog, the decision index,
 * an API key's principal.
 */
export interface LogPosition {
  lastEventId: number;
  dataVersion: number;
}

const statements = new WeakMap<DB['$client'], { last: Statement; version: Statement }>();

export function logPosition(db: DB): LogPosition {
  let s = statements.get(db.$client);
  if (!s) {
    s = { last: db.$client.prepare('select max(id) from audit_events').pluck(), version: db.$client.prepare('pragma data_version').pluck() };
    statements.set(db.$client, s);
  }
  // Kept statements come from the connection's cache, shared with any caller of the same text: set the shape on each use.
  return { lastEventId: (s.last.pluck().get() as number | null) ?? 0, dataVersion: s.version.pluck().get() as number };
}

export const samePosition = (a: LogPosition, b: LogPosition) => a.lastEventId === b.lastEventId && a.dataVersion === b.dataVersion;
