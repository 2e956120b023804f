import 'server-only';
import * as t from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { roleRefusal } from '@/lib/permissions/policy';
import { createUserInput } from '@/lib/schemas/users';
import { z } from 'zod';
import { writeAudit, type Audited } from '../audit';
import { authorize, deny, managedSubtree, type Scope } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { writeTransaction, type Tx } from '../tx';
import { MANAGE_USER_PERMISSIONS, MAX_PROFILES_PER_USER, profileGrants } from './access';
import { accountWide, AGENT_ONLY, assertGroupsInScope, assertLoginNameFree, handlesConversations, resolveSkills, statements, writeSkills } from './shared';

/** What a new user is made of, whichever way he is created (Add user, import). */
export type NewUser = Omit<z.infer<typeof createUserInput>, 'password'>;
export type CheckedNewUser = { data: NewUser; profiles: (typeof t.profiles.$inferSelect)[]; skills: ReturnType<typeof resolveSkills> };

/**
 * The rules every new user passes, for "Add user" and for each row of an import alike: inside the
 * actor's reach, a free login name, profiles that exist (at most four, one per role) that he may
 * hand out, max chats and skills only with an agent profile. Throws the refusal, naming the field.
 * `grantsOf` lets a caller checking many users reuse each profile's answer.
 */
export function checkNewUser(
  ctx: Principal,
  scope: Scope,
  data: NewUser,
  grantsOf: (p: typeof t.profiles.$inferSelect) => { refusals: string[] } = (p) => profileGrants(ctx, p),
): CheckedNewUser {
  const action = 'create users';
  if (scope.kind === 'groups' && data.groupId === null)
    throw new DalError('invalid', 'Choose a group inside your group structure.', { groupId: ['Group is required'] });
  assertGroupsInScope(ctx, scope, data.groupId ? [data.groupId] : [], 'groupId', action);
  assertGroupsInScope(ctx, scope, data.managedGroupIds, 'managedGroupIds', action);
  assertLoginNameFree(data.loginName);

  const profiles = [...new Set(data.profileIds)].sort((a, b) => a - b).flatMap((id) => statements().profileById.all({ id }));
  if (profiles.length !== new Set(data.profileIds).size)
    throw new DalError('invalid', 'One of the profiles does not exist.', { profileIds: ['Unknown profile'] });
  const roles = new Set(profiles.map((p) => p.roleKey));
  if (roles.size !== profiles.length) throw new DalError('invalid', 'A user holds at most one profile per role.', { profileIds: ['Two profiles in one role'] });
  if (profiles.length > MAX_PROFILES_PER_USER) throw new DalError('invalid', 'A user holds at most four profiles.', { profileIds: ['Too many profiles'] });
  for (const p of profiles) {
    const refusal = roleRefusal(ctx, p.roleKey);
    if (refusal) deny(ctx, action, refusal, 'forbidden', { profileIds: [refusal] });
    const { refusals } = grantsOf(p);
    if (refusals.length) {
      const reason = `"${p.name}" gives permissions you don't hold: ${refusals.join(' ')}`;
      deny(ctx, action, reason, 'forbidden', { profileIds: [reason] });
    }
  }
  if (!accountWide(ctx) && profiles.length === 0)
    throw new DalError('invalid', 'Give the user a profile of a role you manage.', { profileIds: ['A profile is required'] });
  if (!handlesConversations(ctx, roles) && (data.maxChats !== null || data.skills.length))
    throw new DalError('invalid', AGENT_ONLY, { maxChats: [AGENT_ONLY] });
  return { data, profiles, skills: resolveSkills(ctx, data.skills, action) };
}

/**
 * Write a checked new user inside the caller's transaction, with his audit event. `skillIds` lets
 * a caller creating many users create each new skill once.
 */
export function insertNewUser(
  tx: Tx,
  ctx: Principal,
  { data, profiles, skills }: CheckedNewUser,
  passwordHash: string,
  audit: Record<string, unknown> = {},
  skillIds?: Map<string, number>,
): Audited<{ id: number }> {
  const { insertUser, insertUserProfile, insertManagedGroup } = statements();
  const user = insertUser.get({
    loginName: data.loginName,
    email: data.email,
    name: data.name,
    nickname: data.nickname,
    passwordHash,
    groupId: data.groupId,
    maxChats: data.maxChats,
  })!;
  for (const p of profiles) insertUserProfile.run({ userId: user.id, roleKey: p.roleKey, profileId: p.id, version: p.headVersion });
  for (const groupId of new Set(data.managedGroupIds)) insertManagedGroup.run({ userId: user.id, groupId });
  writeSkills(tx, user.id, skills, skillIds);
  const audited = writeAudit(tx, ctx, {
    entityType: 'user',
    entityId: user.id,
    entityName: user.loginName,
    action: 'create',
    after: {
      loginName: user.loginName,
      email: user.email,
      name: user.name,
      nickname: user.nickname,
      groupId: user.groupId,
      managedGroupIds: data.managedGroupIds,
      maxChats: user.maxChats,
      profiles: profiles.map((p) => ({ profile: p.name, role: p.roleKey, version: p.headVersion })),
      skills: [...skills.existing.map((s) => s.name), ...skills.fresh].sort(),
      ...audit,
    },
  });
  return { value: { id: user.id }, audited };
}

export async function createUser({ ctx, input }: { ctx: Principal; input: unknown }): Promise<{ id: number }> {
  const scope = authorize(ctx, 'create users', MANAGE_USER_PERMISSIONS, 'create');
  const { password, ...data } = parseInput(createUserInput, input);
  checkNewUser(ctx, scope, data);
  const passwordHash = await hashPassword(password);
  // Checked again with the write lock held: while the password was hashed, the login name may
  // have been taken, a profile or its role deleted, a group moved out of his reach.
  return writeTransaction(ctx, (tx) => insertNewUser(tx, ctx, checkNewUser(ctx, reachNow(ctx, scope), data), passwordHash));
}

/** An agent manager's reach as it is now (his subtree re-read); account-wide stays account-wide. */
function reachNow(ctx: Principal, scope: Scope): Scope {
  return scope.kind === 'account' ? scope : { kind: 'groups', groupIds: managedSubtree(ctx) };
}
