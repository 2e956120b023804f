/**
 * `npm run db:backup -- FILE`: an online backup of SWITCHBOARD_DB into FILE, safe while the
 * server runs. Restore: stop the server, put FILE where SWITCHBOARD_DB points (remove any
 * -wal and -shm files beside it), start, and check with `npm run audit:verify`.
 */
import { backupDatabase } from '@/db/backup';
import { readEnv } from '@/lib/env';

const target = process.argv[2];
if (!target) {
  console.error('Usage: npm run db:backup -- FILE');
  process.exit(2);
}
const env = readEnv();
backupDatabase(env.SWITCHBOARD_DB, target)
  .then(({ pages }) => console.log(`Backed up ${env.SWITCHBOARD_DB} to ${target} (${pages} pages).`))
  .catch((error: unknown) => {
    console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
