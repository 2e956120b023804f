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
  cacheStatements(sqlite);
  return drizzle(sqlite, { schema }) as DB;
}

/** Distinct SQL texts kept compiled; drizzle's `in (?, ?, …)` lists make a few variants per query. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Drizzle compiles every query anew (better-sqlite3 has no statement cache): about a fifth of a
 * users-list request went to `prepare`. The same SQL text gets its compiled statement back, reset
 * to the default row shape (drizzle and our code switch `raw`/`pluck` on it), unless it is still
 * being iterated, when a fresh one is compiled. Least recently used texts are dropped first.
 */
function cacheStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      if (cached.reader) cached.raw(false).pluck(false).expand(false);
      return cached;
    }
    const statement = compile(source);
    cache.set(source, statement);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return statement;
  }) as Database.Database['prepare'];
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
