import 'server-only';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { authorize } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { assignProfile, MANAGE_USER_PERMISSIONS } from './access';
import { addSkillToUser, moveUserToGroup, setUserStatus } from './edit';

export const BULK_LIMIT = 500;

const bulkInput = z.strictObject({
  userIds: z
    .array(z.coerce.number().int().positive(), { error: 'Select users first' })
    .min(1, 'Select users first')
    .max(BULK_LIMIT, `At most ${BULK_LIMIT} users at once`),
  action: z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('assign-profile'), profileId: z.coerce.number().int().positive('Choose a profile') }),
      z.strictObject({ kind: z.literal('move-group'), groupId: z.coerce.number().int().positive('Choose a group') }),
      z.strictObject({ kind: z.literal('add-skill'), skill: z.string().trim().min(1, 'Choose a skill').max(100, 'Skill is too long') }),
      z.strictObject({ kind: z.literal('deactivate') }),
    ],
    { error: 'Choose an action' },
  ),
});

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
  const { userIds, action } = parseInput(bulkInput, input);
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
