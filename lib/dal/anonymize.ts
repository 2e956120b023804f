import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { settings } from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { pseudonym } from '@/lib/permissions/pseudonym';
import { holds } from './authorize';
import type { Principal } from './principal';

/**
 * Without "Access to user performance data", other users appear under stable pseudonyms in the
 * audit trail and in exports (iAdvize, reference 003). Returns null when the actor sees names.
 */
export function pseudonymizer(ctx: Principal): ((userId: number | string | null) => string) | null {
  if (holds(ctx, CONSOLE.accessUserPerformanceData)) return null;
  const key = getDb().select().from(settings).where(eq(settings.key, 'auth-secret')).get()?.value ?? `switchboard:${ctx.catalog.preset}`;
  return (userId) => (userId === null ? 'system' : String(userId) === String(ctx.userId) ? 'you' : pseudonym(key, userId));
}
