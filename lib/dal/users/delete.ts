import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { USER_ADMIN } from '@/lib/permissions/console';
import { deleteUserInput } from '@/lib/schemas/users';
import { writeAudit } from '../audit';
import { authorize, deny } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { writeTransaction } from '../tx';
import { heldProfiles, reachableUser } from './access';
import { assertKeepsLastHolders, assertMayManage } from '../policy';
import { accountWide, skillNames } from './shared';

/**
 * Delete a user outright: only account-wide administrators, never oneself, and only a user with
 * no history worth keeping (he never changed anything, never set an override). Everyone else is
 * deactivated instead, so the audit trail keeps its actors.
 */
export function deleteUser({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  authorize(ctx, 'delete users', USER_ADMIN, 'delete');
  if (!accountWide(ctx)) deny(ctx, 'delete users', 'Only account-wide administrators delete users; deactivate him instead.');
  const data = parseInput(deleteUserInput, input);
  const user = reachableUser(ctx, { kind: 'account' }, data.id, 'delete users');
  if (user.id === ctx.userId) deny(ctx, 'delete users', 'Nobody deletes himself.');
  assertMayManage(ctx, user.id, 'delete users');
  const acted = getDb()
    .select({ n: sql<number>`count(*)` })
    .from(t.auditEvents)
    .where(eq(t.auditEvents.actorId, user.id))
    .get()!.n;
  const overrides = getDb()
    .select({ n: sql<number>`count(*)` })
    .from(t.userOverrides)
    .where(eq(t.userOverrides.createdBy, user.id))
    .get()!.n;
  const keys = getDb()
    .select({ n: sql<number>`count(*)` })
    .from(t.apiKeys)
    .where(eq(t.apiKeys.userId, user.id))
    .get()!.n;
  if (acted || overrides || keys) {
    const parts = [`${acted} change(s) in the audit trail`, ...(overrides ? [`${overrides} override(s) set`] : []), ...(keys ? [`${keys} API key(s)`] : [])];
    throw new DalError('conflict', `${user.name} has a history (${parts.join(', ')}); deactivate him instead.`);
  }
  assertKeepsLastHolders(ctx, 'delete users', [{ userId: user.id, after: () => null }]);
  const before = {
    loginName: user.loginName,
    email: user.email,
    name: user.name,
    profiles: heldProfiles(user.id).map((h) => h.name),
    skills: skillNames(user.id),
  };
  return writeTransaction(ctx, (tx) => {
    const current = tx.select().from(t.users).where(eq(t.users.id, user.id)).get();
    if (!current || current.rowVersion !== data.rowVersion)
      throw new DalError('stale', `Someone changed ${user.name} since you opened this page. Reload and try again.`);
    tx.delete(t.users).where(eq(t.users.id, user.id)).run();
    const audited = writeAudit(tx, ctx, { entityType: 'user', entityId: user.id, entityName: user.loginName, action: 'delete', before });
    return { value: { id: user.id }, audited };
  });
}
