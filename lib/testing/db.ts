import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import Database from 'better-sqlite3';
import { migrateDatabase, openDatabase, setDbForTesting, type DB } from '@/db/client';
import { seedDatabase } from '@/db/seed';
import * as t from '@/db/schema';
import { loadPrincipal, type Principal } from '@/lib/dal/principal';
import { DalError } from '@/lib/dal/errors';
import { createProfile, getProfile } from '@/lib/dal/profiles';
import { createUser } from '@/lib/dal/user-admin';
import { presetCatalog } from '@/seeds/presets';

export const TEST_PASSWORD = 'test-password-1';

/**
 * A real SQLite file, migrated and seeded with the LivePerson catalog and the demo account,
 * made the process's database. Each test file gets its own.
 */
export async function createTestDatabase(): Promise<DB> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const db = openDatabase(path.join(dir, 'test.db'), 2000);
  migrateDatabase(db);
  await seedDatabase(db, presetCatalog('liveperson'), TEST_PASSWORD);
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
