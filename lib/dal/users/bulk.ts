import 'server-only';
import { inArray } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { bulkUsersInput } from '@/lib/schemas/users';
import { authorize } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { assignProfile, MANAGE_USER_PERMISSIONS } from './access';
import { addSkillToUser, moveUserToGroup, setUserStatus } from './edit';

export { BULK_LIMIT } from '@/lib/schemas/users';

export interface BulkResult {
  userId: number;
  loginName: string;
  ok: boolean;
  /** Why it was refused, for this user. */
  reason?: string;
}

class Rollback extends Error {}

/**
 * One action over selected users, each through the same verb as a single change (so the same
 * rules), each in its own transaction, with a result per user. `preview` runs exactly that inside
 * one transaction that is then rolled back: what would happen, changing nothing.
 */
export function bulkUpdateUsers({ ctx, input, preview }: { ctx: Principal; input: unknown; preview: boolean }): BulkResult[] {
  authorize(ctx, 'change users in bulk', MANAGE_USER_PERMISSIONS, 'edit');
  const { userIds, action } = parseInput(bulkUsersInput, input);
  const ids = [...new Set(userIds)];
  const users = new Map(
    getDb()
      .select({ id: t.users.id, loginName: t.users.loginName, rowVersion: t.users.rowVersion })
      .from(t.users)
      .where(inArray(t.users.id, ids))
      .all()
      .map((u) => [u.id, u]),
  );

  const one = (userId: number): BulkResult => {
    const user = users.get(userId);
    if (!user) return { userId, loginName: '?', ok: false, reason: 'There is no such user.' };
    try {
      if (action.kind === 'assign-profile') assignProfile({ ctx, input: { userId, profileId: action.profileId } });
      else if (action.kind === 'move-group') moveUserToGroup({ ctx, input: { userId, groupId: action.groupId } });
      else if (action.kind === 'add-skill') addSkillToUser({ ctx, input: { userId, skill: action.skill } });
      else setUserStatus({ ctx, input: { id: userId, rowVersion: user.rowVersion, status: 'deactivated' } });
      return { userId, loginName: user.loginName, ok: true };
    } catch (error) {
      if (error instanceof DalError) return { userId, loginName: error.code === 'not-found' ? '?' : user.loginName, ok: false, reason: error.message };
      throw error;
    }
  };

  if (!preview) return ids.map(one);
  let results: BulkResult[] = [];
  try {
    // IMMEDIATE like every write: the verbs' own transactions nest inside it as savepoints.
    getDb()
      .$client.transaction(() => {
        results = ids.map(one);
        throw new Rollback();
      })
      .immediate();
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return results;
}
