import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { subtreeIds } from '@/lib/permissions/scope';
import { createGroupInput, deleteGroupInput, updateGroupInput } from '@/lib/schemas/groups';
import { createSkillInput, deleteSkillInput, renameSkillInput } from '@/lib/schemas/skills';
import { writeAudit } from './audit';
import { authorize, deny, type Scope } from './authorize';
import { DalError, parseInput } from './errors';
import type { Principal } from './principal';
import { writeTransaction, type Tx } from './tx';

function allGroups() {
  return getDb().select().from(t.groups).all();
}

/** A group the actor may reach, or "not found"; one out of his reach is also a refusal in the security log. */
function reachableGroup(ctx: Principal, scope: Scope, groupId: number, action: string) {
  const group = getDb().select().from(t.groups).where(eq(t.groups.id, groupId)).get();
  if (!group) throw new DalError('not-found', 'There is no such group.');
  if (scope.kind === 'groups' && !scope.groupIds.has(groupId)) deny(ctx, action, 'There is no such group.', 'not-found');
  return group;
}

function assertSiblingNameFree(name: string, parent: number | null, exceptId?: number) {
  const clash = getDb()
    .select({ id: t.groups.id })
    .from(t.groups)
    .where(and(parent === null ? sql`${t.groups.parentId} is null` : eq(t.groups.parentId, parent), sql`${t.groups.name} = ${name} collate nocase`))
    .get();
  if (clash && clash.id !== exceptId) throw new DalError('conflict', `There is already a group "${name}" there.`, { name: ['Name is already taken'] });
}

/** Where a group may sit: account-wide anywhere; an agent manager only below a group he reaches. */
function assertParentAllowed(ctx: Principal, scope: Scope, parent: number | null, action: string) {
  if (parent === null) {
    if (scope.kind === 'groups') deny(ctx, action, 'Top-level groups are for account-wide administrators; choose a parent inside your group structure.');
    return;
  }
  reachableGroup(ctx, scope, parent, action);
}

export function createGroup({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'create agent groups', [CONSOLE.manageAgentGroups], 'create');
  const data = parseInput(createGroupInput, input);
  assertParentAllowed(ctx, scope, data.parentId, 'create agent groups');
  return writeTransaction(ctx, (tx) => {
    // Under the write lock: no other writer, in this process or another, can take the name meanwhile.
    assertSiblingNameFree(data.name, data.parentId);
    const row = tx.insert(t.groups).values({ name: data.name, parentId: data.parentId }).returning().get();
    const audited = writeAudit(tx, ctx, {
      entityType: 'group',
      entityId: row.id,
      entityName: row.name,
      action: 'create',
      after: { name: row.name, parentId: row.parentId },
    });
    return { value: { id: row.id }, audited };
  });
}

export function updateGroup({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'edit agent groups', [CONSOLE.manageAgentGroups], 'edit');
  const data = parseInput(updateGroupInput, input);
  const group = reachableGroup(ctx, scope, data.id, 'edit agent groups');
  if (data.parentId !== group.parentId) {
    // An agent manager cannot move the groups he manages (the roots of his reach), only what is below them.
    if (scope.kind === 'groups' && ctx.managedGroupIds.includes(group.id))
      deny(ctx, 'move agent groups', 'You cannot move a group you manage; ask an administrator.');
    assertParentAllowed(ctx, scope, data.parentId, 'move agent groups');
    if (data.parentId !== null && subtreeIds(allGroups(), [group.id]).has(data.parentId)) {
      throw new DalError('invalid', 'A group cannot move under itself or one of its own sub-groups.', { parentId: ['That would make a cycle'] });
    }
  }
  return writeTransaction(ctx, (tx) => {
    assertSiblingNameFree(data.name, data.parentId, group.id);
    const current = tx.select().from(t.groups).where(eq(t.groups.id, group.id)).get()!;
    if (current.rowVersion !== data.rowVersion)
      throw new DalError('stale', `Someone changed "${group.name}" since you opened this page. Reload and try again.`);
    tx.update(t.groups)
      .set({ name: data.name, parentId: data.parentId, enabled: data.enabled, rowVersion: current.rowVersion + 1 })
      .where(eq(t.groups.id, group.id))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'group',
      entityId: group.id,
      entityName: data.name,
      action: 'update',
      before: { name: current.name, parentId: current.parentId, enabled: current.enabled },
      after: { name: data.name, parentId: data.parentId, enabled: data.enabled },
    });
    return { value: { id: group.id }, audited };
  });
}

export function deleteGroup({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'delete agent groups', [CONSOLE.manageAgentGroups], 'delete');
  const data = parseInput(deleteGroupInput, input);
  const group = reachableGroup(ctx, scope, data.id, 'delete agent groups');
  if (scope.kind === 'groups' && ctx.managedGroupIds.includes(group.id))
    deny(ctx, 'delete agent groups', 'You cannot delete a group you manage; ask an administrator.');
  return writeTransaction(ctx, (tx) => {
    const current = tx.select().from(t.groups).where(eq(t.groups.id, group.id)).get()!;
    if (current.rowVersion !== data.rowVersion)
      throw new DalError('stale', `Someone changed "${group.name}" since you opened this page. Reload and try again.`);
    const members = tx
      .select({ n: sql<number>`count(*)` })
      .from(t.users)
      .where(eq(t.users.groupId, group.id))
      .get()!.n;
    const children = tx
      .select({ n: sql<number>`count(*)` })
      .from(t.groups)
      .where(eq(t.groups.parentId, group.id))
      .get()!.n;
    const managers = tx
      .select({ n: sql<number>`count(*)` })
      .from(t.managedGroups)
      .where(eq(t.managedGroups.groupId, group.id))
      .get()!.n;
    if (members || children || managers) {
      const parts = [members && `${members} member(s)`, children && `${children} sub-group(s)`, managers && `${managers} manager(s)`].filter(Boolean);
      throw new DalError('conflict', `"${group.name}" still has ${parts.join(', ')}; it can be deleted only when empty.`);
    }
    tx.delete(t.groups).where(eq(t.groups.id, group.id)).run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'group',
      entityId: group.id,
      entityName: group.name,
      action: 'delete',
      before: { name: current.name, parentId: current.parentId },
    });
    return { value: { id: group.id }, audited };
  });
}

// ---------------------------------------------------------------------------------------------
// Skills: account-wide names; deleting one held by agents needs a confirmation that removes it.

function assertSkillNameFree(name: string, exceptId?: number) {
  const clash = getDb()
    .select({ id: t.skills.id })
    .from(t.skills)
    .where(sql`${t.skills.name} = ${name} collate nocase`)
    .get();
  if (clash && clash.id !== exceptId) throw new DalError('conflict', `A skill named "${name}" already exists.`, { name: ['Name is already taken'] });
}

/** An agent manager changes only skills whose agents are all inside his reach. */
function assertHoldersInScope(ctx: Principal, scope: Extract<Scope, { kind: 'groups' }>, skill: { id: number; name: string }, action: string) {
  const groupsOfHolders = getDb()
    .select({ groupId: t.users.groupId })
    .from(t.userSkills)
    .innerJoin(t.users, eq(t.users.id, t.userSkills.userId))
    .where(eq(t.userSkills.skillId, skill.id))
    .all();
  if (groupsOfHolders.some((h) => h.groupId === null || !scope.groupIds.has(h.groupId))) {
    deny(ctx, action, `"${skill.name}" is held by agents outside your group structure; ask an administrator.`);
  }
}

export function createSkill({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  authorize(ctx, 'create skills', [CONSOLE.manageSkills], 'create');
  const data = parseInput(createSkillInput, input);
  assertSkillNameFree(data.name);
  return writeTransaction(ctx, (tx) => {
    const row = tx.insert(t.skills).values({ name: data.name }).returning().get();
    const audited = writeAudit(tx, ctx, { entityType: 'skill', entityId: row.id, entityName: row.name, action: 'create', after: { name: row.name } });
    return { value: { id: row.id }, audited };
  });
}

function assertSkillVersion(tx: Tx, skill: { id: number; name: string }, expected: number | undefined) {
  if (expected === undefined) return;
  const current = tx.select({ rowVersion: t.skills.rowVersion }).from(t.skills).where(eq(t.skills.id, skill.id)).get();
  if (current?.rowVersion !== expected) throw new DalError('stale', `Someone changed the skill "${skill.name}" since you read it. Read it again.`);
}

export function renameSkill({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'rename skills', [CONSOLE.manageSkills], 'edit');
  const data = parseInput(renameSkillInput, input);
  const skill = getDb().select().from(t.skills).where(eq(t.skills.id, data.id)).get();
  if (!skill) throw new DalError('not-found', 'There is no such skill.');
  if (scope.kind === 'groups') assertHoldersInScope(ctx, scope, skill, 'rename skills');
  assertSkillNameFree(data.name, skill.id);
  return writeTransaction(ctx, (tx) => {
    assertSkillVersion(tx, skill, data.rowVersion);
    tx.update(t.skills)
      .set({ name: data.name, rowVersion: sql`${t.skills.rowVersion} + 1` })
      .where(eq(t.skills.id, skill.id))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'skill',
      entityId: skill.id,
      entityName: data.name,
      action: 'rename',
      before: { name: skill.name },
      after: { name: data.name },
    });
    return { value: { id: skill.id }, audited };
  });
}

export function deleteSkill({ ctx, input }: { ctx: Principal; input: unknown }): { id: number; removedFrom: string[] } {
  const scope = authorize(ctx, 'delete skills', [CONSOLE.manageSkills], 'delete');
  const data = parseInput(deleteSkillInput, input);
  const skill = getDb().select().from(t.skills).where(eq(t.skills.id, data.id)).get();
  if (!skill) throw new DalError('not-found', 'There is no such skill.');
  // The holders are read, checked against his reach and removed under the write lock: an agent
  // given the skill meanwhile cannot slip past the check, nor past the confirmation.
  return writeTransaction(ctx, (tx) => {
    const holders = skillHolders(tx, skill.id);
    if (scope.kind === 'groups' && holders.some((h) => h.groupId === null || !scope.groupIds.has(h.groupId))) {
      // Refused before anything names who holds it: those outside his structure stay unnamed.
      deny(ctx, 'delete skills', `"${skill.name}" is held by agents outside your group structure; ask an administrator.`);
    }
    if (holders.length && !data.removeFromAgents) {
      const names = holders.slice(0, 10).map((h) => h.loginName);
      throw new DalError(
        'conflict',
        `"${skill.name}" is held by ${holders.length} agent(s): ${names.join(', ')}${holders.length > 10 ? ', …' : ''}. Confirm to remove it from them.`,
      );
    }
    assertSkillVersion(tx, skill, data.rowVersion);
    tx.delete(t.userSkills).where(eq(t.userSkills.skillId, skill.id)).run();
    tx.delete(t.skills).where(eq(t.skills.id, skill.id)).run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'skill',
      entityId: skill.id,
      entityName: skill.name,
      action: 'delete',
      before: { name: skill.name, agents: holders.map((h) => ({ id: h.id, loginName: h.loginName })) },
    });
    return { value: { id: skill.id, removedFrom: holders.map((h) => h.loginName) }, audited };
  });
}

function skillHolders(tx: Tx, skillId: number) {
  return tx
    .select({ id: t.users.id, loginName: t.users.loginName, groupId: t.users.groupId })
    .from(t.userSkills)
    .innerJoin(t.users, eq(t.users.id, t.userSkills.userId))
    .where(eq(t.userSkills.skillId, skillId))
    .orderBy(t.users.loginName)
    .all();
}
