import 'server-only';
import { eq } from 'drizzle-orm';
import * as t from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { addSkillToUserInput, moveUserInput, updateUserInput, userDetailsInput, userStatusInput } from '@/lib/schemas/users';
import { NOTHING_CHANGED, writeAudit } from '../audit';
import { authorize, deny } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { writeTransaction } from '../tx';
import { heldProfiles, MANAGE_USER_PERMISSIONS, reachableUser, touchUser } from './access';
import { assertKeepsLastHolders, assertMayManage } from '../policy';
import { AGENT_ONLY, assertGroupsInScope, assertLoginNameFree, handlesConversations, managedGroupIds, resolveSkills, skillNames, writeSkills } from './shared';

export async function updateUser({ ctx, input }: { ctx: Principal; input: unknown }): Promise<{ id: number }> {
  const scope = authorize(ctx, 'edit users', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(updateUserInput, input);
  const user = reachableUser(ctx, scope, data.id);
  assertMayManage(ctx, user.id, 'edit users');
  const self = user.id === ctx.userId;
  // A key lists what it may do; its user's sign-in details would open everything he holds.
  if (self && ctx.apiKey && (data.password !== undefined || data.loginName !== user.loginName || data.email.toLowerCase() !== user.email.toLowerCase())) {
    deny(ctx, 'edit users', 'An API key cannot change the login name, email or password of its own user.');
  }
  const managedBefore = managedGroupIds(user.id);
  const managedAfter = [...new Set(data.managedGroupIds)].sort((a, b) => a - b);
  if (self && managedBefore.join() !== managedAfter.join()) deny(ctx, 'edit users', 'Nobody changes the groups he manages himself; ask another administrator.');
  if (scope.kind === 'groups' && data.groupId === null)
    throw new DalError('invalid', 'Choose a group inside your group structure.', { groupId: ['Group is required'] });
  assertGroupsInScope(ctx, scope, data.groupId ? [data.groupId] : [], 'groupId', 'edit users');
  assertGroupsInScope(
    ctx,
    scope,
    managedAfter.filter((g) => !managedBefore.includes(g)),
    'managedGroupIds',
    'edit users',
  );
  assertLoginNameFree(data.loginName, user.id);
  const roles = new Set(heldProfiles(user.id).map((h) => h.roleKey));
  if (!handlesConversations(ctx, roles) && (data.maxChats !== null || data.skills.length))
    throw new DalError('invalid', AGENT_ONLY, { maxChats: [AGENT_ONLY] });
  const skills = resolveSkills(ctx, data.skills, 'edit users');
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const before = {
    loginName: user.loginName,
    email: user.email,
    name: user.name,
    nickname: user.nickname,
    groupId: user.groupId,
    managedGroupIds: managedBefore,
    maxChats: user.maxChats,
    skills: skillNames(user.id),
  };
  return writeTransaction(ctx, (tx) => {
    const current = tx.select().from(t.users).where(eq(t.users.id, user.id)).get();
    if (!current || current.rowVersion !== data.rowVersion) {
      throw new DalError('stale', `Someone changed ${user.name} since you opened this page. Reload to see the current details; your changes were not saved.`);
    }
    // Asked again with the write lock held: while the password was hashed he may have been given
    // something the actor lacks (an override does not bump his row version), or the login name taken.
    assertMayManage(ctx, user.id, 'edit users');
    assertLoginNameFree(data.loginName, user.id);
    tx.update(t.users)
      .set({
        loginName: data.loginName,
        email: data.email,
        name: data.name,
        nickname: data.nickname,
        groupId: data.groupId,
        maxChats: data.maxChats,
        rowVersion: current.rowVersion + 1,
        updatedAt: new Date(),
        // A new password ends his other sessions.
        ...(passwordHash ? { passwordHash, sessionVersion: current.sessionVersion + 1 } : {}),
      })
      .where(eq(t.users.id, user.id))
      .run();
    tx.delete(t.managedGroups).where(eq(t.managedGroups.userId, user.id)).run();
    for (const groupId of managedAfter) tx.insert(t.managedGroups).values({ userId: user.id, groupId }).run();
    writeSkills(tx, user.id, skills);
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: data.loginName,
      action: 'update',
      before,
      after: {
        loginName: data.loginName,
        email: data.email,
        name: data.name,
        nickname: data.nickname,
        groupId: data.groupId,
        managedGroupIds: managedAfter,
        maxChats: data.maxChats,
        skills: [...skills.existing.map((s) => s.name), ...skills.fresh].sort(),
        ...(passwordHash ? { password: 'changed' } : {}),
      },
    });
    return { value: { id: user.id }, audited };
  });
}

/** Deactivate or reactivate (never delete): a deactivated user is refused on his next request. */
export function setUserStatus({ ctx, input }: { ctx: Principal; input: unknown }): { id: number; status: 'active' | 'deactivated' } {
  const scope = authorize(ctx, 'deactivate users', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(userStatusInput, input);
  const user = reachableUser(ctx, scope, data.id);
  assertMayManage(ctx, user.id, 'deactivate users');
  if (user.id === ctx.userId) deny(ctx, 'deactivate users', 'Nobody changes his own status; ask another administrator.');
  if (data.status === 'deactivated') assertKeepsLastHolders(ctx, 'deactivate users', [{ userId: user.id, after: () => null }]);
  return writeTransaction(ctx, (tx) => {
    const current = tx.select().from(t.users).where(eq(t.users.id, user.id)).get()!;
    if (current.rowVersion !== data.rowVersion) throw new DalError('stale', `Someone changed ${user.name} since you opened this page. Reload and try again.`);
    if (current.status === data.status) return { value: { id: user.id, status: data.status }, audited: NOTHING_CHANGED };
    tx.update(t.users)
      .set({
        status: data.status,
        rowVersion: current.rowVersion + 1,
        sessionVersion: current.sessionVersion + 1,
        updatedAt: new Date(),
      })
      .where(eq(t.users.id, user.id))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: data.status === 'deactivated' ? 'deactivate' : 'reactivate',
      before: { status: current.status },
      after: { status: data.status },
    });
    return { value: { id: user.id, status: data.status }, audited };
  });
}

/** The user's editable details, for the edit form. */
export function getUserDetails({ ctx, input }: { ctx: Principal; input: unknown }) {
  const scope = authorize(ctx, 'see users', MANAGE_USER_PERMISSIONS, 'view');
  const { id } = parseInput(userDetailsInput, input);
  const user = reachableUser(ctx, scope, id);
  const held = heldProfiles(user.id);
  return {
    id: user.id,
    rowVersion: user.rowVersion,
    loginName: user.loginName,
    email: user.email,
    name: user.name,
    nickname: user.nickname,
    status: user.status,
    groupId: user.groupId,
    managedGroupIds: managedGroupIds(user.id),
    maxChats: user.maxChats,
    skills: skillNames(user.id),
    isAgent: handlesConversations(
      ctx,
      held.map((h) => h.roleKey),
    ),
    profiles: held.map((h) => ({ id: h.profileId, name: h.name, roleKey: h.roleKey, roleName: h.roleName, version: h.version })),
  };
}

// ---------------------------------------------------------------------------------------------
// One-field changes, used one user at a time by the bulk actions.

export function moveUserToGroup({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'move users', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(moveUserInput, input);
  const user = reachableUser(ctx, scope, data.userId);
  assertMayManage(ctx, user.id, 'move users');
  assertGroupsInScope(ctx, scope, [data.groupId], 'groupId', 'move users');
  return writeTransaction(ctx, (tx) => {
    touchUser(tx, user.id, { groupId: data.groupId });
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: 'move-group',
      before: { groupId: user.groupId },
      after: { groupId: data.groupId },
    });
    return { value: { id: user.id }, audited };
  });
}

export function addSkillToUser({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'change skills', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(addSkillToUserInput, input);
  const user = reachableUser(ctx, scope, data.userId);
  assertMayManage(ctx, user.id, 'change skills');
  if (
    !handlesConversations(
      ctx,
      heldProfiles(user.id).map((h) => h.roleKey),
    )
  )
    throw new DalError('invalid', `${user.name} has no agent profile: ${AGENT_ONLY}`, { skill: [AGENT_ONLY] });
  const skills = resolveSkills(ctx, [data.skill], 'change skills');
  const current = skillNames(user.id);
  if (current.some((s) => s.toLowerCase() === data.skill.toLowerCase())) return { id: user.id };
  return writeTransaction(ctx, (tx) => {
    const skillId = skills.existing[0]?.id ?? tx.insert(t.skills).values({ name: skills.fresh[0]! }).returning({ id: t.skills.id }).get().id;
    tx.insert(t.userSkills).values({ userId: user.id, skillId }).run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: 'add-skill',
      before: { skills: current },
      after: { skills: [...current, data.skill].sort() },
    });
    return { value: { id: user.id }, audited };
  });
}
