import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { migrateDatabase, openDatabase, type DB } from './client';
import { isSeeded, seedDatabase } from './seed';
import * as t from './schema';
import { isPresetName, presetCatalog, PRESETS } from '@/seeds/presets';
import { demoAccounts } from '@/seeds/demo';

export interface PreparedDatabase {
  db: DB;
  seeded: boolean;
  preset: string;
  /** Set only when this run seeded the database with a password it generated. */
  generatedPassword?: string;
  authSecret: string;
}

/**
 * Make a database ready to serve: create the file, run the committed migrations, and seed an
 * empty database with the chosen preset and the demo account. An existing database is migrated
 * and never re-seeded or wiped.
 */
export async function prepareDatabase(opts: { file: string; preset: string; demoPassword?: string }): Promise<PreparedDatabase> {
  if (!isPresetName(opts.preset)) {
    throw new Error(`Unknown SWITCHBOARD_PRESET "${opts.preset}"; choose one of: ${Object.keys(PRESETS).join(', ')}`);
  }
  const catalog = presetCatalog(opts.preset); // throws a CatalogError naming the bad entry
  const db = openDatabase(opts.file);
  migrateDatabase(db);

  let seeded = false;
  let generatedPassword: string | undefined;
  if (!isSeeded(db)) {
    const password = opts.demoPassword ?? (generatedPassword = crypto.randomBytes(12).toString('base64url'));
    seeded = await seedDatabase(db, catalog, password);
  }
  let secret = db.select().from(t.settings).where(eq(t.settings.key, 'auth-secret')).get()?.value;
  if (!secret) {
    secret = crypto.randomBytes(32).toString('base64url');
    db.insert(t.settings).values({ key: 'auth-secret', value: secret }).onConflictDoNothing().run();
    secret = db.select().from(t.settings).where(eq(t.settings.key, 'auth-secret')).get()!.value;
  }
  const preset = db.select().from(t.settings).where(eq(t.settings.key, 'preset')).get()?.value ?? opts.preset;
  return { db, seeded, preset, authSecret: secret, ...(generatedPassword ? { generatedPassword } : {}) };
}

export function demoSignInLines(prepared: PreparedDatabase, envPassword: string | undefined): string[] {
  const shown = demoAccounts[prepared.preset]?.highlighted ?? [];
  // Only a password made here is printed (once, when the database is created); one the operator
  // set in SWITCHBOARD_DEMO_PASSWORD stays out of the logs.
  const password = prepared.generatedPassword ?? (envPassword ? '(the password in SWITCHBOARD_DEMO_PASSWORD)' : undefined);
  const lines = shown.map((l) => `  ${l.padEnd(8)} ${password ?? '(the password printed when this database was created)'}`);
  return [`Demo sign-ins (${prepared.preset} preset):`, ...lines];
}
