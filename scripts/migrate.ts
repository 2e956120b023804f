/** `npm run db:migrate`: apply the migrations this build ships to SWITCHBOARD_DB, and nothing else (no seed). */
import { migrateDatabase, openDatabase } from '@/db/client';
import { readEnv } from '@/lib/env';

const env = readEnv();
const db = openDatabase(env.SWITCHBOARD_DB);
try {
  migrateDatabase(db);
  console.log(`Migrated ${env.SWITCHBOARD_DB}.`);
} catch (error) {
  console.error(`Could not migrate ${env.SWITCHBOARD_DB}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
