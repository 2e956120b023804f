import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { overrideColumns } from '@/db/columns';
import { preparedFor } from '@/db/prepared';
import * as t from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { CONSOLE, USER_ADMIN } from '@/lib/permissions/console';
import { LEVEL_NAMES, type Level } from '@/lib/permissions/channels';
import { effectivePermissions } from '@/lib/permissions/effective';
import { exclusiveRefusal, handOutRefusal, levelRefusals, managesUsersAccountWide, roleRefusal } from '@/lib/permissions/policy';
import { addOverrideInput, createUserInput, updateUserInput, userStatusInput } from '@/lib/schemas/users';
import { z } from 'zod';
import { NOTHING_CHANGED, writeAudit, type Audited } from './audit';
import { authorize, deny, managedSubtree, reachOf, type Scope } from './authorize';
import { DalError, parseInput } from './errors';
import { readEffectiveInput, type Principal } from './principal';
import { writeTransaction, type Tx } from './tx';
import { heldProfiles, MANAGE_USER_PERMISSIONS, MAX_PROFILES_PER_USER, profileGrants, reachableUser, touchUser } from './user-access';
import { assertKeepsLastHolders, assertMayManage } from './policy';

const accountWide = (ctx: Principal) => managesUsersAccountWide(ctx);

function assertGroupsInScope(ctx: Principal, scope: Scope, groupIds: readonly number[], field: string, action: string) {
  for (const id of groupIds) {
    const exists = statements().groupExists.get({ id });
    // A group outside his reach does not exist for him either; trying it is a refusal in the security log.
    if (exists && scope.kind === 'groups' && !scope.groupIds.has(id)) deny(ctx, action, 'There is no such group.', 'invalid', { [field]: ['Unknown group'] });
    if (!exists) throw new DalError('invalid', 'There is no such group.', { [field]: ['Unknown group'] });
  }
}

function assertLoginNameFree(loginName: string, exceptId?: number) {
  const clash = statements().userByLoginName.get({ loginName });
  if (clash && clash.id !== exceptId)
    throw new DalError('conflict', `The login name "${loginName}" is already taken.`, { loginName: ['Login name is already taken'] });
}

/** Existing skills by name, and the names that would be new (creating them needs "Manage skills"). */
function resolveSkills(ctx: Principal, names: readonly string[], action: string) {
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
function writeSkills(tx: Tx, userId: number, skills: { existing: { id: number }[]; fresh: string[] }, created = new Map<string, number>()) {
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
function statements() {
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

function skillNames(userId: number): string[] {
  return getDb()
    .select({ name: t.skills.name })
    .from(t.userSkills)
    .innerJoin(t.skills, eq(t.skills.id, t.userSkills.skillId))
    .where(eq(t.userSkills.userId, userId))
    .all()
    .map((s) => s.name)
    .sort();
}

function managedGroupIds(userId: number): number[] {
  return getDb()
    .select({ id: t.managedGroups.groupId })
    .from(t.managedGroups)
    .where(eq(t.managedGroups.userId, userId))
    .all()
    .map((g) => g.id)
    .sort((a, b) => a - b);
}

const AGENT_ONLY = 'Max chats and skills are for users with an agent profile.';
/** Max chats and skills apply to roles that handle conversations (LivePerson's Agent, and roles based on it). */
const handlesConversations = (ctx: Principal, roleKeys: Iterable<string>) => [...roleKeys].some((k) => ctx.catalog.roleByKey.get(k)?.handlesConversations);

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
  if (data.status === 'deactivated') assertKeepsLastHolders(ctx, [{ userId: user.id, after: () => null }]);
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

// ---------------------------------------------------------------------------------------------
// Per-user overrides

export function listOverrides({ ctx, input }: { ctx: Principal; input: unknown }) {
  const scope = authorize(ctx, 'see users', MANAGE_USER_PERMISSIONS, 'view');
  const { userId } = parseInput(z.object({ userId: z.coerce.number().int().positive('User is required') }), input);
  reachableUser(ctx, scope, userId);
  return getDb()
    .select({
      ...overrideColumns,
      createdByName: t.users.name,
      createdAt: t.userOverrides.createdAt,
    })
    .from(t.userOverrides)
    .innerJoin(t.users, eq(t.users.id, t.userOverrides.createdBy))
    .where(eq(t.userOverrides.userId, userId))
    .all()
    .map((o) => ({
      ...o,
      permissionName:
        o.effect === 'level'
          ? `${ctx.catalog.channelByKey.get(o.permissionKey)?.name ?? o.permissionKey}: ${o.level ? LEVEL_NAMES[o.level] : ''}`
          : (ctx.catalog.permissionByKey.get(o.permissionKey)?.name ?? o.permissionKey),
      expiresAt: o.expiresAt?.getTime() ?? null,
      createdAt: o.createdAt.getTime(),
      expired: o.expiresAt !== null && o.expiresAt.getTime() <= Date.now(),
    }));
}

export function addOverride({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'set overrides', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(addOverrideInput, input);
  const user = reachableUser(ctx, scope, data.userId);
  assertMayManage(ctx, user.id, 'set overrides');
  if (user.id === ctx.userId) deny(ctx, 'set overrides', 'Nobody sets overrides on himself; ask another administrator.');
  if (data.expiresAt && data.expiresAt.getTime() <= Date.now())
    throw new DalError('invalid', 'The expiry must be in the future.', { expiresAt: ['Expiry is in the past'] });
  let subject: string;
  if (data.effect === 'level') {
    const channel = ctx.catalog.channelByKey.get(data.permissionKey);
    if (!channel) throw new DalError('invalid', `There is no channel "${data.permissionKey}".`, { permissionKey: ['Unknown channel'] });
    if (!data.level) throw new DalError('invalid', 'Choose the level to set.', { level: ['Level is required'] });
    // A main channel's override reaches its sub-channels too: check every channel it would raise.
    const now = readEffectiveInput(user.id);
    const before = effectivePermissions(ctx.catalog, now).channels;
    const levelOverride = {
      id: Number.MAX_SAFE_INTEGER,
      permissionKey: channel.key,
      effect: 'level' as const,
      level: data.level,
      reason: '',
      createdBy: '',
      expiresAt: null,
    };
    const after = effectivePermissions(ctx.catalog, { ...now, overrides: [...now.overrides, levelOverride] }).channels;
    const refusals = levelRefusals(ctx, [levelMap(before)], levelMap(after));
    if (refusals.length) deny(ctx, 'set overrides', refusals.join(' '));
    subject = channel.key;
  } else {
    const meta = ctx.catalog.permissionByKey.get(data.permissionKey);
    if (!meta) throw new DalError('invalid', `There is no permission "${data.permissionKey}".`, { permissionKey: ['Unknown permission'] });
    const targetInput = readEffectiveInput(user.id);
    const coreOfTarget = targetInput.profiles.some((p) => ctx.catalog.roleByKey.get(p.roleKey)?.coreKeys.has(meta.key));
    if (data.effect === 'revoke' && coreOfTarget) {
      throw new DalError('invalid', `"${meta.name}" is a core permission of his role: it cannot be revoked.`, { permissionKey: ['Core permission'] });
    }
    if (data.effect === 'grant') {
      // Same rule as profiles; with no role to lend a baseline, only account-wide admins grant work permissions they lack.
      const refusal = exclusiveRefusal(ctx.catalog, meta.key, null) ?? handOutRefusal(ctx, meta.key);
      if (refusal) deny(ctx, 'set overrides', refusal);
    } else {
      const revoke = { id: 0, permissionKey: meta.key, effect: 'revoke' as const, reason: '', createdBy: '', expiresAt: null };
      assertKeepsLastHolders(ctx, [{ userId: user.id, after: (now) => ({ ...now, overrides: [...now.overrides, revoke] }) }]);
    }
    subject = meta.key;
  }
  return writeTransaction(ctx, (tx) => {
    const row = tx
      .insert(t.userOverrides)
      .values({
        userId: user.id,
        permissionKey: subject,
        effect: data.effect,
        level: data.effect === 'level' ? data.level : null,
        reason: data.reason,
        expiresAt: data.expiresAt,
        createdBy: ctx.userId,
      })
      .returning({ id: t.userOverrides.id })
      .get();
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: data.effect === 'grant' ? 'grant-permission' : data.effect === 'revoke' ? 'revoke-permission' : 'set-channel-level',
      after: {
        [data.effect === 'level' ? 'channel' : 'permission']: subject,
        effect: data.effect,
        ...(data.effect === 'level' ? { level: data.level } : {}),
        reason: data.reason,
        expiresAt: data.expiresAt?.toISOString() ?? null,
      },
    });
    return { value: { id: row.id }, audited };
  });
}

export function removeOverride({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'remove overrides', MANAGE_USER_PERMISSIONS, 'edit');
  const { id } = parseInput(z.strictObject({ id: z.coerce.number().int().positive('Override is required') }), input);
  const override = getDb().select().from(t.userOverrides).where(eq(t.userOverrides.id, id)).get();
  const noSuchOverride = () => new DalError('not-found', 'There is no such override.');
  if (!override) throw noSuchOverride();
  // An override of a user out of reach does not exist for him either (the same answer: no probing ids).
  let user: ReturnType<typeof reachableUser>;
  try {
    user = reachableUser(ctx, scope, override.userId);
  } catch (error) {
    throw error instanceof DalError && error.code === 'not-found' ? noSuchOverride() : error;
  }
  assertMayManage(ctx, user.id, 'remove overrides');
  if (user.id === ctx.userId) deny(ctx, 'remove overrides', 'Nobody changes his own overrides; ask another administrator.');
  // Removing a revoke gives the permission back: the same no-escalation rule as granting it.
  if (override.effect === 'revoke') {
    const meta = ctx.catalog.permissionByKey.get(override.permissionKey);
    const refusal = meta ? handOutRefusal(ctx, meta.key) : null;
    if (refusal) deny(ctx, 'remove overrides', refusal);
  }
  // Removing a level override can raise his channel levels back: not above the actor's own.
  if (override.effect === 'level') {
    const now = readEffectiveInput(user.id);
    const before = effectivePermissions(ctx.catalog, now).channels;
    const after = effectivePermissions(ctx.catalog, { ...now, overrides: now.overrides.filter((o) => o.id !== override.id) }).channels;
    const refusals = levelRefusals(ctx, [levelMap(before)], levelMap(after), 'give him back');
    if (refusals.length) deny(ctx, 'remove overrides', refusals.join(' '));
  }
  return writeTransaction(ctx, (tx) => {
    tx.delete(t.userOverrides)
      .where(and(eq(t.userOverrides.id, id), eq(t.userOverrides.userId, user.id)))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: 'remove-override',
      before: { permission: override.permissionKey, effect: override.effect, reason: override.reason, expiresAt: override.expiresAt?.toISOString() ?? null },
    });
    return { value: { id }, audited };
  });
}

/** The user's editable details, for the edit form. */
export function getUserDetails({ ctx, input }: { ctx: Principal; input: unknown }) {
  const scope = authorize(ctx, 'see users', MANAGE_USER_PERMISSIONS, 'view');
  const { id } = parseInput(z.object({ id: z.coerce.number().int().positive('User is required') }), input);
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
  const data = parseInput(
    z.strictObject({ userId: z.coerce.number().int().positive('User is required'), groupId: z.coerce.number().int().positive('Group is required') }),
    input,
  );
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
  const data = parseInput(
    z.strictObject({
      userId: z.coerce.number().int().positive('User is required'),
      skill: z.string().trim().min(1, 'Skill is required').max(100, 'Skill is too long'),
    }),
    input,
  );
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

/**
 * Delete a user outright: only account-wide administrators, never oneself, and only a user with
 * no history worth keeping (he never changed anything, never set an override). Everyone else is
 * deactivated instead, so the audit trail keeps its actors.
 */
export function deleteUser({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  authorize(ctx, 'delete users', USER_ADMIN, 'delete');
  if (!accountWide(ctx)) deny(ctx, 'delete users', 'Only account-wide administrators delete users; deactivate him instead.');
  const data = parseInput(z.strictObject({ id: z.coerce.number().int().positive('User is required'), rowVersion: z.number().int().min(1) }), input);
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
  assertKeepsLastHolders(ctx, [{ userId: user.id, after: () => null }]);
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

const levelMap = (channels: ReadonlyMap<string, { level: Level }>) => new Map([...channels].map(([k, v]) => [k, v.level]));
