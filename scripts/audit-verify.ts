/** `npm run audit:verify`: check the audit log's hash chain; name the first broken event. */
import { openDatabase } from '@/db/client';
import { verifyAuditChain } from '@/db/audit-chain';
import { readEnv } from '@/lib/env';

const env = readEnv();
const db = openDatabase(env.SWITCHBOARD_DB);
const result = verifyAuditChain(db);
db.$client.close();
if (result.ok) {
  console.log(`Audit chain intact: ${result.events} event(s) in ${env.SWITCHBOARD_DB}.`);
} else {
  console.error(`Audit chain broken at event #${result.brokenAt.id} (${result.brokenAt.at.toISOString()}): ${result.brokenAt.reason}.`);
  process.exit(1);
}
