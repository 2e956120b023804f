import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * An online backup of the SQLite file at `source` into `target`, with SQLite's backup API: safe
 * while the server runs and writes (the copy is one consistent state, WAL included). Refuses to
 * overwrite an existing file. Returns the pages copied.
 */
export async function backupDatabase(source: string, target: string): Promise<{ pages: number }> {
  if (fs.existsSync(target)) throw new Error(`${target} exists already; choose a new file.`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(target);
    return { pages: totalPages };
  } finally {
    db.close();
  }
}
