import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { getDb } from '@/db/client';
import journal from '@/db/migrations/meta/_journal.json';
import { logger } from '@/lib/log/logger';

/** Below this much free space where the database lives, writes may fail: not ready. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

export interface Readiness {
  ready: boolean;
  /** What is wrong, in words an operator can act on; empty when ready. */
  problems: string[];
}

/**
 * Readiness, beside liveness (/api/health): the database answers a read, every migration this
 * build ships is applied, and the disk it lives on has room. Never throws: a failure is a problem.
 */
export function readiness(): Readiness {
  const problems: string[] = [];
  try {
    const db = getDb();
    db.$client.prepare('select count(*) from users').get();
    // As drizzle's migrator decides: a migration is applied when the newest applied one is not older.
    const last = (db.$client.prepare('select max(created_at) as at from __drizzle_migrations').get() as { at: number | null }).at ?? 0;
    const pending = journal.entries.filter((e) => e.when > last).length;
    if (pending) problems.push(`${pending} database migration(s) pending: restart with npm start, or run npm run db:migrate.`);
    const dir = path.dirname(db.$client.name);
    const { bavail, bsize } = fs.statfsSync(dir);
    // The path stays out of the answer (anyone may ask): the operator knows where SWITCHBOARD_DB points.
    if (bavail * bsize < MIN_FREE_BYTES) problems.push(`Less than ${MIN_FREE_BYTES / 1024 / 1024} MB free on the database's disk.`);
  } catch (error) {
    problems.push('The database cannot be read; the server log says why.');
    logger.error({ err: error }, 'readiness: the database cannot be read');
  }
  return { ready: problems.length === 0, problems };
}
