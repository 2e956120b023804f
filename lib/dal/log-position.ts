import 'server-only';
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

export function logPosition(db: DB): LogPosition {
  return {
    lastEventId: (db.$client.prepare('select max(id) from audit_events').pluck().get() as number | null) ?? 0,
    dataVersion: db.$client.prepare('pragma data_version').pluck().get() as number,
  };
}

export const samePosition = (a: LogPosition, b: LogPosition) => a.lastEventId === b.lastEventId && a.dataVersion === b.dataVersion;
