import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { preparedFor } from '@/db/prepared';
import * as t from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { managesUsersAccountWide } from '@/lib/permissions/policy';
import { deny, reachOf, type Scope } from '../authorize';
import { DalError } from '../errors';
import type { Principal } from '../principal';
import type { Tx } from '../tx';

export const accountWide = (ctx: Principal) => managesUsersAccountWide(ctx);

export function assertGroupsInScope(ctx: Principal, scope: Scope, groupIds: readonly number[], field: string, action: string) {
  for (const id of groupIds) {
    const exists = statements().groupExists.get({ id });
    // A group outside his reach does not exist for him either; trying it is a refusal in the security log.
    if (exists && scope.kind === 'groups' && !scope.groupIds.has(id)) deny(ctx, action, 'There is no such group.', 'invalid', { [field]: ['Unknown group'] });
    if (!exists) throw new DalError('invalid', 'There is no such group.', { [field]: ['Unknown group'] });
  }
}

export function assertLoginNameFree(loginName: string, exceptId?: number) {
  const clash = statements().userByLoginName.get({ loginName });
  if (clash && clash.id !== exceptId)
    throw new DalError('conflict', `The login name "${loginName}" is already taken.`, { loginName: ['Login name is already taken'] });
}

/** Existing skills by name, and the names that would be new (creating them needs "Manage skills"). */
export function resolveSkills(ctx: Principal, names: readonly string[], action: string) {
  const unique = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  const found = unique.map((name) => ({ name, skill: statements().skillByName.get({ name }) }));
  const existing = found.flatMap((f) => (f.skill ? [f.skill] : []));
  const fresh = found.filter((f) => !f.skill).map((f) => f.name);
  if (fresh.length && !reachOf(ctx, CONSOLE.manageSkills)) {
    const reason = `You need "Manage skills" to create the skill(s) ${fresh.map((n) => `"${n}"`).join(', ')}.`;
    deny(ctx, action, reason, 'forbidden', { skills: [reason] });
  }
  return { existing, fresh };
}

/** Set a user's skills, creating the new ones (once: `created` remembers those made earlier in the same transaction). */
export function writeSkills(tx: Tx, userId: number, skills: { existing: { id: number }[]; fresh: string[] }, created = new Map<string, number>()) {
  const { deleteUserSkills, insertUserSkill } = statements();
  deleteUserSkills.run({ userId });
  const ids = skills.existing.map((s) => s.id);
  for (const name of skills.fresh) {
    const key = name.toLowerCase();
    if (!created.has(key)) created.set(key, tx.insert(t.skills).values({ name }).returning({ id: t.skills.id }).get().id);
    ids.push(created.get(key)!);
  }
  for (const skillId of ids) insertUserSkill.run({ userId, skillId });
  return ids;
}

/**
 * The queries creating a user runs, prepared once per connection: an import runs each of them
 * 10,000 times in one transaction, and building and compiling them every time would cost more
 * than running them.
 */
export function statements() {
  const db = getDb();
  const p = sql.placeholder;
  return preparedFor(db, 'user-admin', () => ({
    groupExists: db
      .select({ id: t.groups.id })
      .from(t.groups)
      .where(eq(t.groups.id, p('id')))
      .prepare(),
    userByLoginName: db
      .select({ id: t.users.id })
      .from(t.users)
      .where(sql`${t.users.loginName} = ${p('loginName')} collate nocase`)
      .prepare(),
    profileById: db
      .select()
      .from(t.profiles)
      .where(eq(t.profiles.id, p('id')))
      .prepare(),
    skillByName: db
      .select()
      .from(t.skills)
      .where(sql`${t.skills.name} = ${p('name')} collate nocase`)
      .prepare(),
    deleteUserSkills: db
      .delete(t.userSkills)
      .where(eq(t.userSkills.userId, p('userId')))
      .prepare(),
    insertUserSkill: db
      .insert(t.userSkills)
      .values({ userId: p('userId'), skillId: p('skillId') })
      .prepare(),
    insertUser: db
      .insert(t.users)
      .values({
        loginName: p('loginName'),
        email: p('email'),
        name: p('name'),
        nickname: p('nickname'),
        passwordHash: p('passwordHash'),
        groupId: p('groupId'),
        maxChats: p('maxChats'),
      })
      .returning()
      .prepare(),
    insertUserProfile: db
      .insert(t.userProfiles)
      .values({ userId: p('userId'), roleKey: p('roleKey'), profileId: p('profileId'), version: p('version') })
      .prepare(),
    insertManagedGroup: db
      .insert(t.managedGroups)
      .values({ userId: p('userId'), groupId: p('groupId') })
      .prepare(),
  }));
}

export function skillNames(userId: number): string[] {
  return getDb()
    .select({ name: t.skills.name })
    .from(t.userSkills)
    .innerJoin(t.skills, eq(t.skills.id, t.userSkills.skillId))
    .where(eq(t.userSkills.userId, userId))
    .all()
    .map((s) => s.name)
    .sort();
}

export function managedGroupIds(userId: number): number[] {
  return getDb()
    .select({ id: t.managedGroups.groupId })
    .from(t.managedGroups)
    .where(eq(t.managedGroups.userId, userId))
    .all()
    .map((g) => g.id)
    .sort((a, b) => a - b);
}

export const AGENT_ONLY = 'Max chats and skills are for users with an agent profile.';
/** Max chats and skills apply to roles that handle conversations (LivePerson's Agent, and roles based on it). */
export const handlesConversations = (ctx: Principal, roleKeys: Iterable<string>) =>
  [...roleKeys].some((k) => ctx.catalog.roleByKey.get(k)?.handlesConversations);
