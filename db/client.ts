import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import * as schema from './schema';
import { readEnv } from '@/lib/env';

export type DB = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/** Open a SQLite file the way Switchboard always uses it: WAL, foreign keys, a busy timeout. */
export function openDatabase(file: string, busyTimeoutMs = readEnv().SWITCHBOARD_BUSY_TIMEOUT_MS): DB {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  sqlite.pragma('synchronous = NORMAL');
  return drizzle(sqlite, { schema }) as DB;
}

export function migrateDatabase(db: DB): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

// One connection per process, kept across hot reloads in development.
const globalForDb = globalThis as unknown as { switchboardDb?: DB };

export function getDb(): DB {
  if (!globalForDb.switchboardDb) globalForDb.switchboardDb = openDatabase(readEnv().SWITCHBOARD_DB);
  return globalForDb.switchboardDb;
}

/** Tests point the process at a database of their own. */
export function setDbForTesting(db: DB | undefined): void {
  globalForDb.switchboardDb = db;
}
