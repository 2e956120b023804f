/**
 * Run by the robustness suite (`tsx --conditions=react-server`): creates a seeded database at
 * argv[2] and an API key for the admin with everything he holds and a rate limit no test reaches,
 * through the same lib/dal verbs as Settings → API keys. Prints `{ "key": … }`.
 */
import { eq } from 'drizzle-orm';
import { setDbForTesting } from '@/db/client';
import { prepareDatabase } from '@/db/setup';
import * as t from '@/db/schema';
import { createApiKey, MAX_RATE_LIMIT } from '@/lib/dal/api-keys';
import { loadPrincipal } from '@/lib/dal/principal';

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: prepare.ts <database file>');
  const { db } = await prepareDatabase({ file, preset: 'liveperson', demoPassword: 'robustness-password' });
  setDbForTesting(db);
  const admin = db.select().from(t.users).where(eq(t.users.loginName, 'admin')).get()!;
  const ctx = loadPrincipal(admin.id, admin.sessionVersion, 'ui')!;
  const permissions = [...ctx.effective.explain.entries()].filter(([, e]) => e.allowed).map(([k]) => k);
  const { token } = createApiKey({ ctx, input: { name: 'Robustness', userId: admin.id, permissions, expiresAt: null, rateLimitPerMinute: MAX_RATE_LIMIT } });
  db.$client.close();
  console.log(JSON.stringify({ key: token }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
