import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Catalog } from '@/lib/permissions/catalog';
import { CONSOLE, USER_LIST_PERMISSIONS, USER_MANAGEMENT } from '@/lib/permissions/console';
import { effectivePermissions, type ChannelExplanation, type EffectivePermissions, type Explanation } from '@/lib/permissions/effective';
import { grantRefusals, levelRefusals, levelsOf, roleRefusal } from '@/lib/permissions/policy';
import { hasPassword } from '@/lib/auth/password';
import { assignProfileInput, unassignProfileInput, userIdInput } from '@/lib/schemas/users';
import { writeAudit } from '../audit';
import { authorize, deny, reachOf, type Scope } from '../authorize';
import { assertKeepsLastHolders, assertMayManage } from '../policy';
import { DalError, parseInput } from '../errors';
import { enabledFeatures, readEffectiveInput, type Principal } from '../principal';
import { writeTransaction, type Tx } from '../tx';

/** LivePerson: up to four profiles per user, at most one per role. */
export const MAX_PROFILES_PER_USER = 4;

/**
 * A user the actor may reach, or "not found": outside his subtree a user does not exist for him.
 * Either way the attempt is a refusal, kept in the security log.
 */
export function reachableUser(ctx: Principal, scope: Scope, id: number, action = 'reach users') {
  const user = getDb().select().from(t.users).where(eq(t.users.id, id)).get();
  if (!user || (scope.kind === 'groups' && (user.groupId === null || !scope.groupIds.has(user.groupId)))) {
    return deny(ctx, action, 'There is no such user.', 'not-found');
  }
  return user;
}

export function heldProfiles(id: number) {
  return getDb()
    .select({
      profileId: t.profiles.id,
      name: t.profiles.name,
      roleKey: t.userProfiles.roleKey,
      roleName: t.roles.name,
      version: sql<number>`max(${t.userProfiles.version}, ${t.profiles.floorVersion})`,
      headVersion: t.profiles.headVersion,
    })
    .from(t.userProfiles)
    .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
    .innerJoin(t.roles, eq(t.roles.key, t.userProfiles.roleKey))
    .where(eq(t.userProfiles.userId, id))
    .orderBy(t.roles.rank)
    .all();
}

export interface UserAccess {
  user: {
    id: number;
    name: string;
    loginName: string;
    email: string;
    nickname: string;
    status: 'active' | 'deactivated';
    groupName: string | null;
    hasPassword: boolean;
  };
  profiles: (ReturnType<typeof heldProfiles>[number] & { handlesConversations: boolean })[];
  permissions: (Explanation & { name: string; category: string })[];
  channels: (ChannelExplanation & { name: string; parent: string | null })[];
  /** Profiles the actor may assign to this user, by role. */
  assignable: { id: number; name: string; roleKey: string; roleName: string }[];
  isSelf: boolean;
}

/** A user's profiles and effective permissions, each with its sources, or why it is missing. */
export function getUserAccess({ ctx, input }: { ctx: Principal; input: unknown }): UserAccess {
  const scope = authorize(ctx, 'see users', USER_LIST_PERMISSIONS, 'view');
  const { id } = parseInput(userIdInput, input);
  const user = reachableUser(ctx, scope, id);
  const effective = effectivePermissions(ctx.catalog, readEffectiveInput(id));
  const group = user.groupId ? getDb().select({ name: t.groups.name }).from(t.groups).where(eq(t.groups.id, user.groupId)).get() : undefined;
  const allProfiles = getDb()
    .select({ id: t.profiles.id, name: t.profiles.name, roleKey: t.profiles.roleKey, roleName: t.roles.name, headVersion: t.profiles.headVersion })
    .from(t.profiles)
    .innerJoin(t.roles, eq(t.roles.key, t.profiles.roleKey))
    .orderBy(t.roles.rank, t.profiles.name)
    .all();
  const assignable =
    id === ctx.userId
      ? []
      : allProfiles
          .filter((p) => roleRefusal(ctx, p.roleKey) === null && profileGrants(ctx, p).refusals.length === 0)
          .map(({ id: pid, name, roleKey, roleName }) => ({ id: pid, name, roleKey, roleName }));
  return {
    user: {
      id: user.id,
      name: user.name,
      loginName: user.loginName,
      email: user.email,
      nickname: user.nickname,
      status: user.status,
      groupName: group?.name ?? null,
      /** False for a user imported without one: he cannot sign in until someone sets it. */
      hasPassword: hasPassword(user.passwordHash),
    },
    profiles: heldProfiles(id).map((h) => ({ ...h, handlesConversations: ctx.catalog.roleByKey.get(h.roleKey)?.handlesConversations ?? false })),
    ...accessRows(ctx.catalog, effective),
    assignable,
    isSelf: id === ctx.userId,
  };
}

/** The "has / lacks, and why" view of effective permissions: every permission and channel of the catalog, explained. */
export function accessRows(catalog: Catalog, effective: EffectivePermissions): Pick<UserAccess, 'permissions' | 'channels'> {
  return {
    permissions: catalog.permissions.map((meta) => ({ ...effective.explain.get(meta.key)!, name: meta.name, category: meta.category })),
    channels: catalog.channels.map((c) => ({ ...effective.channels.get(c.key)!, name: c.name, parent: c.parent })),
  };
}

/** A profile's current permissions, and the no-escalation refusals for handing them out (toggles and channel levels). */
export function profileGrants(ctx: Principal, profile: { id: number; roleKey: string; headVersion: number }) {
  const role = ctx.catalog.roleByKey.get(profile.roleKey);
  const version = getDb()
    .select({ permissions: t.profileVersions.permissions, channels: t.profileVersions.channels })
    .from(t.profileVersions)
    .where(and(eq(t.profileVersions.profileId, profile.id), eq(t.profileVersions.version, profile.headVersion)))
    .get();
  const permissions = version?.permissions ?? [];
  if (!role) return { permissions, refusals: [`There is no role "${profile.roleKey}".`] };
  const defaults = new Set(roleDefaults(role, enabledFeatures()));
  const refusals = [...grantRefusals(ctx, role, permissions, defaults), ...levelRefusals(ctx, [], levelsOf(ctx.catalog, version?.channels ?? {}))];
  return { permissions, refusals };
}

export const MANAGE_USER_PERMISSIONS = USER_MANAGEMENT;

/**
 * Inside a write: the user changed (his profiles, group…). The row version is bumped in SQL, from
 * the row as the transaction sees it, so a concurrent edit of his details gets its conflict.
 */
export function touchUser(tx: Tx, userId: number, changes: Partial<Pick<typeof t.users.$inferInsert, 'groupId' | 'maxChats'>> = {}) {
  tx.update(t.users)
    .set({ ...changes, updatedAt: new Date(), rowVersion: sql`${t.users.rowVersion} + 1` })
    .where(eq(t.users.id, userId))
    .run();
}

export function assignProfile({ ctx, input }: { ctx: Principal; input: unknown }) {
  const scope = authorize(ctx, 'assign profiles', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(assignProfileInput, input);
  const user = reachableUser(ctx, scope, data.userId);
  if (user.id === ctx.userId) deny(ctx, 'assign profiles', 'Nobody changes his own profiles; ask another administrator.');
  assertMayManage(ctx, user.id, 'assign profiles');
  const profile = getDb().select().from(t.profiles).where(eq(t.profiles.id, data.profileId)).get();
  if (!profile) throw new DalError('not-found', 'There is no such profile.', { profileId: ['Unknown profile'] });
  const held = heldProfiles(user.id);
  const refusal = roleRefusal(ctx, profile.roleKey);
  if (refusal) deny(ctx, 'assign profiles', refusal);

  const { permissions, refusals } = profileGrants(ctx, profile);
  if (refusals.length) deny(ctx, 'assign profiles', `"${profile.name}" gives permissions you don't hold: ${refusals.join(' ')}`);
  if (!held.some((h) => h.roleKey === profile.roleKey) && held.length >= MAX_PROFILES_PER_USER) {
    throw new DalError('invalid', `A user holds at most ${MAX_PROFILES_PER_USER} profiles, one per role.`, { profileId: ['Too many profiles'] });
  }
  const previous = held.find((h) => h.roleKey === profile.roleKey);
  if (previous && previous.profileId !== profile.id) {
    assertKeepsLastHolders(ctx, 'assign profiles', [
      {
        userId: user.id,
        after: (now) => ({
          ...now,
          profiles: now.profiles.map((p) => (p.roleKey === profile.roleKey ? { ...p, profileId: profile.id, enabled: permissions } : p)),
        }),
      },
    ]);
  }

  writeTransaction(ctx, (tx) => {
    tx.insert(t.userProfiles)
      .values({ userId: user.id, roleKey: profile.roleKey, profileId: profile.id, version: profile.headVersion })
      .onConflictDoUpdate({ target: [t.userProfiles.userId, t.userProfiles.roleKey], set: { profileId: profile.id, version: profile.headVersion } })
      .run();
    touchUser(tx, user.id);
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: 'assign-profile',
      before: { profiles: held.map((h) => ({ profile: h.name, role: h.roleKey, version: h.version })) },
      after: {
        profiles: [
          ...held.filter((h) => h.roleKey !== profile.roleKey).map((h) => ({ profile: h.name, role: h.roleKey, version: h.version })),
          { profile: profile.name, role: profile.roleKey, version: profile.headVersion },
        ],
      },
    });
    return { value: undefined, audited };
  });
  return { userId: user.id, profileId: profile.id, version: profile.headVersion };
}

export function unassignProfile({ ctx, input }: { ctx: Principal; input: unknown }) {
  const scope = authorize(ctx, 'remove profiles', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(unassignProfileInput, input);
  const user = reachableUser(ctx, scope, data.userId);
  if (user.id === ctx.userId) deny(ctx, 'remove profiles', 'Nobody changes his own profiles; ask another administrator.');
  assertMayManage(ctx, user.id, 'remove profiles');
  const held = heldProfiles(user.id);
  const current = held.find((h) => h.roleKey === data.roleKey);
  if (!current) throw new DalError('not-found', 'This user holds no profile in that role.', { roleKey: ['Not held'] });
  const refusal = roleRefusal(ctx, data.roleKey);
  if (refusal) deny(ctx, 'remove profiles', refusal);
  assertKeepsLastHolders(ctx, 'remove profiles', [
    { userId: user.id, after: (now) => ({ ...now, profiles: now.profiles.filter((p) => p.roleKey !== data.roleKey) }) },
  ]);
  writeTransaction(ctx, (tx) => {
    tx.delete(t.userProfiles)
      .where(and(eq(t.userProfiles.userId, user.id), eq(t.userProfiles.roleKey, data.roleKey)))
      .run();
    if (ctx.catalog.roleByKey.get(data.roleKey)?.handlesConversations) {
      // Skills and max chats belong to the agent role only.
      tx.delete(t.userSkills).where(eq(t.userSkills.userId, user.id)).run();
    }
    const conversations = ctx.catalog.roleByKey.get(data.roleKey)?.handlesConversations;
    touchUser(tx, user.id, conversations ? { maxChats: null } : {});
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: 'remove-profile',
      before: { profile: current.name, role: current.roleKey, version: current.version },
      after: null,
    });
    return { value: undefined, audited };
  });
  return { userId: user.id };
}

export interface UserFormOptions {
  groups: { id: number; name: string; depth: number }[];
  profilesByRole: { roleKey: string; roleName: string; handlesConversations: boolean; profiles: { id: number; name: string }[] }[];
  skills: string[];
  canCreateSkills: boolean;
  groupRequired: boolean;
}

/** The choices of the user form, limited to what the actor may hand out and reach. */
export function userFormOptions({ ctx }: { ctx: Principal }): UserFormOptions {
  const scope = authorize(ctx, 'manage users', MANAGE_USER_PERMISSIONS, 'view');
  const db = getDb();
  const all = db.select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).orderBy(t.groups.name).all();
  const groups: UserFormOptions['groups'] = [];
  const walk = (parentId: number | null, depth: number) => {
    for (const g of all.filter((x) => x.parentId === parentId)) {
      if (scope.kind === 'account' || scope.groupIds.has(g.id)) groups.push({ id: g.id, name: g.name, depth });
      walk(g.id, depth + 1);
    }
  };
  walk(null, 0);
  const profiles = db
    .select({ id: t.profiles.id, name: t.profiles.name, roleKey: t.profiles.roleKey, headVersion: t.profiles.headVersion })
    .from(t.profiles)
    .orderBy(t.profiles.name)
    .all();
  const profilesByRole = ctx.catalog.roles
    .filter((r) => roleRefusal(ctx, r.key) === null)
    .map((r) => ({
      roleKey: r.key,
      roleName: r.name,
      handlesConversations: r.handlesConversations,
      profiles: profiles.filter((p) => p.roleKey === r.key && profileGrants(ctx, p).refusals.length === 0).map(({ id, name }) => ({ id, name })),
    }))
    .filter((r) => r.profiles.length);
  const skills = db
    .select({ name: t.skills.name })
    .from(t.skills)
    .orderBy(t.skills.name)
    .all()
    .map((s) => s.name);
  return { groups, profilesByRole, skills, canCreateSkills: reachOf(ctx, CONSOLE.manageSkills) !== null, groupRequired: scope.kind === 'groups' };
}
