import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import Database from 'better-sqlite3';
import { inject } from 'vitest';
import { migrateDatabase, openDatabase, setDbForTesting, type DB } from '@/db/client';
import { seedDatabase } from '@/db/seed';
import * as t from '@/db/schema';
import { loadPrincipal, type Principal } from '@/lib/dal/principal';
import { DalError } from '@/lib/dal/errors';
import { createProfile, getProfile } from '@/lib/dal/profiles';
import { createUser } from '@/lib/dal/users';
import { DEFAULT_PRESET, presetCatalog, type PresetName } from '@/seeds/presets';

export const TEST_PASSWORD = 'test-password-1';

/** This run's directory (lib/testing/global-setup.ts), or one of this process's when run without it. */
let ownDir: string | undefined;
function runDir(): string {
  const provided = inject('testDatabaseDir');
  if (provided) return provided;
  ownDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-tests-'));
  return ownDir;
}

const templates = new Map<PresetName, Promise<string>>();

/**
 * A preset's database, migrated and seeded, checkpointed and closed: a single file to copy. Built
 * once per run by the first test file that asks in each worker process. Two workers may build it
 * at once; each builds beside it and renames into place, so a reader finds a whole template or none.
 */
function template(preset: PresetName): Promise<string> {
  let file = templates.get(preset);
  if (!file) {
    file = buildTemplate(preset);
    templates.set(preset, file);
  }
  return file;
}

async function buildTemplate(preset: PresetName): Promise<string> {
  const file = path.join(runDir(), `template-${preset}.db`);
  if (fs.existsSync(file)) return file;
  const building = path.join(runDir(), `template-${preset}.${process.pid}.db`);
  const db = openDatabase(building, 2000);
  migrateDatabase(db);
  await seedDatabase(db, presetCatalog(preset), TEST_PASSWORD, { oneHashForAll: true });
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close(); // the last connection: SQLite folds the WAL into the file and removes it
  if (fs.existsSync(`${building}-wal`)) throw new Error(`${building}: the WAL outlived the connection`);
  fs.chmodSync(building, 0o444); // no test writes through the template
  fs.renameSync(building, file);
  return file;
}

/**
 * A real SQLite file (WAL mode), migrated and seeded with a preset's catalog and demo account (the
 * LivePerson one unless told), made the process's database. Each call gets its own copy of the
 * preset's template, so no test file sees another's writes.
 */
export async function createTestDatabase(preset: PresetName = DEFAULT_PRESET): Promise<DB> {
  const file = path.join(fs.mkdtempSync(path.join(runDir(), 'test-')), 'test.db');
  fs.copyFileSync(await template(preset), file);
  fs.chmodSync(file, 0o644);
  const db = openDatabase(file, 2000);
  setDbForTesting(db);
  return db;
}

export function userByLogin(db: DB, loginName: string) {
  const user = db.select().from(t.users).where(eq(t.users.loginName, loginName)).get();
  if (!user) throw new Error(`no user ${loginName}`);
  return user;
}

/** The principal of a demo user, as a request from the console would load it. */
export function principalOf(db: DB, loginName: string, source: 'ui' | 'api' = 'ui'): Principal {
  const user = userByLogin(db, loginName);
  const principal = loadPrincipal(user.id, user.sessionVersion, source);
  if (!principal) throw new Error(`${loginName} has no principal`);
  return principal;
}

/** A snapshot of every table, to prove that a refused write changed nothing. */
export function snapshot(db: DB, except: string[] = ['denied_attempts', 'login_throttle']): Record<string, unknown[]> {
  const tables = db.$client
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'")
    .all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) if (!except.includes(name)) out[name] = db.$client.prepare(`select * from "${name}"`).all();
  return out;
}

/** The DalError a refused call throws; fails the test when nothing is refused. */
export function refusalOf(fn: () => unknown): DalError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DalError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The same for a verb that returns a promise. */
export async function asyncRefusalOf(fn: () => Promise<unknown> | unknown): Promise<DalError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DalError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/**
 * "auditor": an administrator on a copy of the Admin profile without "Access to user performance
 * data", so the audit trail and exports show him other users as pseudonyms.
 */
export async function createPseudonymAuditor(db: DB): Promise<void> {
  const admin = principalOf(db, 'admin');
  const adminProfile = getProfile({ ctx: admin, input: { id: db.select().from(t.profiles).where(eq(t.profiles.name, 'Admin')).get()!.id } });
  const { id } = createProfile({
    ctx: admin,
    input: {
      roleKey: 'admin',
      name: 'Admin without performance data',
      permissions: adminProfile.permissions.filter((k) => k !== 'access-user-performance-data'),
    },
  });
  await createUser({
    ctx: admin,
    input: {
      loginName: 'auditor',
      password: 'auditor-password',
      email: 'auditor@example.com',
      name: 'Ada Auditor',
      nickname: 'Ada',
      groupId: null,
      profileIds: [id],
    },
  });
}

/** A write by another process on the same file (its own connection, no audit event), as a maintenance job or a second server would make. */
export function writeFromAnotherProcess(db: DB, sql: string, ...params: unknown[]): void {
  const other = new Database(db.$client.name);
  try {
    other.prepare(sql).run(...params);
  } finally {
    other.close();
  }
}
