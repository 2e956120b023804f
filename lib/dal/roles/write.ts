import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Role } from '@/lib/permissions/catalog';
import { grantRefusals, maxCustomRoleRank, roleRankRefusal } from '@/lib/permissions/policy';
import { createRoleInput, deleteRoleInput, previewRoleInput, updateRoleInput } from '@/lib/schemas/roles';
import { diffKeys, profileProblems } from '@/lib/permissions/profile-rules';
import { writeAudit } from '../audit';
import { deny } from '../authorize';
import { DalError, parseInput } from '../errors';
import { enabledFeatures, type Principal } from '../principal';
import { assertMayApplyToHolders, previewProfileChange, type ProfileImpact } from '../profiles/impact';
import { assertMayGrantChannels } from '../profiles/shared';
import { appendVersion } from '../profiles/write';
import { writeTransaction } from '../tx';
import { getRoleEditor } from './read';
import { builtInBase, requireRoles, usage } from './shared';

/**
 * A custom role ranks no higher than its base, and below the top rank: the top-ranked role (Admin,
 * Administrator) stays the one only its holders assign.
 */
function assertRank(ctx: Principal, base: Role, rank: number, action: string) {
  const above = roleRankRefusal(ctx, { rank });
  if (above) deny(ctx, action, above);
  const max = maxCustomRoleRank(ctx, base);
  if (rank > max)
    throw new DalError('invalid', `The rank can be at most ${max}${max < base.rank ? ', below the top-ranked role' : `, the rank of ${base.name}`}.`, {
      rank: [`Rank can be at most ${max}`],
    });
}

/** Defaults must be valid for the base role, and nobody puts in them a permission he could not grant. */
function checkedDefaults(ctx: Principal, base: Role, keys: readonly string[], previous: readonly string[], action: string): string[] {
  const problems = profileProblems(base, keys);
  if (problems.length) {
    const p = problems[0]!;
    const label = ctx.catalog.permissionByKey.get(p.key)?.name ?? p.key;
    const message =
      p.kind === 'unknown'
        ? `"${label}" is not a permission of the ${base.name} role.`
        : p.kind === 'core'
          ? `"${label}" is a core permission: always on, it cannot be toggled.`
          : `"${label}" requires "${ctx.catalog.permissionByKey.get(p.requires)?.name ?? p.requires}".`;
    throw new DalError('invalid', message, { defaults: [message] });
  }
  const baseDefaults = new Set(roleDefaults(base, enabledFeatures()));
  const refusals = grantRefusals(ctx, null, diffKeys(previous, keys).added, baseDefaults);
  if (refusals.length) deny(ctx, action, refusals.join(' '));
  return [...new Set(keys)].sort();
}

function assertNamesFree(roleName: string, exceptRole?: string, exceptProfile?: number) {
  const db = getDb();
  const role = db
    .select({ key: t.roles.key })
    .from(t.roles)
    .where(sql`${t.roles.name} = ${roleName} collate nocase`)
    .get();
  if (role && role.key !== exceptRole) throw new DalError('conflict', `A role named "${roleName}" already exists.`, { name: ['Name is already taken'] });
  const profile = db
    .select({ id: t.profiles.id })
    .from(t.profiles)
    .where(sql`${t.profiles.name} = ${roleName} collate nocase`)
    .get();
  if (profile && profile.id !== exceptProfile)
    throw new DalError('conflict', `A profile named "${roleName}" already exists; the role's default profile takes the role's name.`, {
      name: ['Name is already taken'],
    });
}

function roleKeyFor(roleName: string): string {
  const slug =
    roleName
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'role';
  const taken = new Set(
    getDb()
      .select({ key: t.roles.key })
      .from(t.roles)
      .all()
      .map((r) => r.key),
  );
  let key = `custom-${slug}`;
  for (let i = 2; taken.has(key); i++) key = `custom-${slug}-${i}`;
  return key;
}

/** A custom role from a built-in one; its default profile is created with it. */
export function createRole({ ctx, input }: { ctx: Principal; input: unknown }): { key: string; defaultProfileId: number } {
  requireRoles(ctx, 'create roles', 'create');
  const data = parseInput(createRoleInput, input);
  const base = builtInBase(ctx, data.baseRoleKey);
  assertRank(ctx, base, data.rank, 'create roles');
  const keys = checkedDefaults(ctx, base, data.defaults, [], 'create roles');
  assertMayGrantChannels(ctx, [], base.channelDefaults, 'create roles');
  assertNamesFree(data.name);
  const key = roleKeyFor(data.name);
  return writeTransaction(ctx, (tx) => {
    tx.insert(t.roles)
      .values({ key, name: data.name, description: data.description, rank: data.rank, builtIn: false, baseRoleKey: base.key, defaults: keys })
      .run();
    const profile = tx
      .insert(t.profiles)
      .values({ name: data.name, description: `Default profile of the ${data.name} role`, roleKey: key, isDefault: true, updatedBy: ctx.userId })
      .returning({ id: t.profiles.id })
      .get();
    tx.insert(t.profileVersions)
      .values({ profileId: profile.id, version: 1, permissions: keys, channels: base.channelDefaults, note: 'Role defaults', createdBy: ctx.userId })
      .run();
    writeAudit(tx, ctx, {
      entityType: 'role',
      entityId: key,
      entityName: data.name,
      action: 'create',
      after: { name: data.name, base: base.key, rank: data.rank, defaults: keys },
    });
    // The role's default profile is a profile like any other: its own event carries its state for "as of".
    const audited = writeAudit(tx, ctx, {
      entityType: 'profile',
      entityId: profile.id,
      entityName: data.name,
      action: 'create',
      after: { role: key, version: 1, permissions: keys, channels: base.channelDefaults },
    });
    return { value: { key, defaultProfileId: profile.id }, audited };
  });
}

/** The impact of changing a custom role's defaults: the same preview as its default profile's. */
export function previewRoleChange({ ctx, input }: { ctx: Principal; input: unknown }): ProfileImpact {
  requireRoles(ctx, 'edit roles', 'edit');
  const data = parseInput(previewRoleInput, input);
  const editor = getRoleEditor({ ctx, input: { key: data.key } });
  return previewProfileChange({ ctx, input: { id: editor.defaultProfileId!, permissions: data.defaults, mode: data.mode } });
}

/**
 * Edit a custom role: its name, description, rank and defaults. The defaults reach its users
 * through the same versioned save as profiles: a new version of the role's default profile,
 * applied to every holder or only to later assignments.
 */
export function updateRole({ ctx, input }: { ctx: Principal; input: unknown }): { key: string; version: number } {
  requireRoles(ctx, 'edit roles', 'edit');
  const data = parseInput(updateRoleInput, input);
  const role = ctx.catalog.roleByKey.get(data.key);
  if (!role) throw new DalError('not-found', 'There is no such role.');
  if (role.builtIn) throw new DalError('invalid', `${role.name} is a built-in role: it cannot be edited.`);
  const above = roleRankRefusal(ctx, role);
  if (above) deny(ctx, 'edit roles', above);
  const base = builtInBase(ctx, role.baseRoleKey);
  assertRank(ctx, base, data.rank, 'edit roles');
  const db = getDb();
  const profile = db
    .select()
    .from(t.profiles)
    .where(and(eq(t.profiles.roleKey, role.key), eq(t.profiles.isDefault, true)))
    .get();
  if (!profile) throw new DalError('conflict', 'This role has lost its default profile; reload.');
  const head = db
    .select()
    .from(t.profileVersions)
    .where(and(eq(t.profileVersions.profileId, profile.id), eq(t.profileVersions.version, profile.headVersion)))
    .get()!;
  // Compared with what the default profile has now, not with the role's stored defaults.
  const keys = checkedDefaults(ctx, base, data.defaults, head.permissions, 'edit roles');
  assertNamesFree(data.name, role.key, profile.id);
  const before = head.permissions;
  // Applied, the new defaults reach every holder of the default profile: the same checks as a profile's apply.
  if (data.mode === 'apply') assertMayApplyToHolders(ctx, profile.id, keys, head.channels, 'edit roles');
  return writeTransaction(ctx, (tx) => {
    const current = tx.select().from(t.roles).where(eq(t.roles.key, role.key)).get();
    if (!current || current.rowVersion !== data.rowVersion)
      throw new DalError(
        'stale',
        `Someone changed the role "${role.name}" since you opened it. Reload to see the current version; your changes were not saved.`,
      );
    tx.update(t.roles)
      .set({ name: data.name, description: data.description, rank: data.rank, defaults: keys, rowVersion: current.rowVersion + 1 })
      .where(eq(t.roles.key, role.key))
      .run();
    const p = tx.select().from(t.profiles).where(eq(t.profiles.id, profile.id)).get()!;
    const version = appendVersion(tx, ctx, p, {
      name: p.name === current.name ? data.name : p.name,
      description: p.description,
      permissions: keys,
      channels: head.channels,
      note: 'Role defaults changed',
      mode: data.mode,
    });
    writeAudit(tx, ctx, {
      entityType: 'role',
      entityId: role.key,
      entityName: data.name,
      action: data.mode === 'apply' ? 'save-and-apply' : 'save-for-new-users',
      before: { name: current.name, description: current.description, rank: current.rank, defaults: current.defaults ?? before },
      after: { name: data.name, description: data.description, rank: data.rank, defaults: keys, mode: data.mode },
    });
    const audited = writeAudit(tx, ctx, {
      entityType: 'profile',
      entityId: p.id,
      entityName: p.name === current.name ? data.name : p.name,
      action: data.mode === 'apply' ? 'save-and-apply' : 'save-for-new-users',
      before: { version: p.headVersion, permissions: before },
      after: { version, permissions: keys, mode: data.mode },
    });
    return { value: { key: role.key, version }, audited };
  });
}

/** A custom role can be deleted only when no user holds it and it has no profile but its default. */
export function deleteRole({ ctx, input }: { ctx: Principal; input: unknown }): { key: string } {
  requireRoles(ctx, 'delete roles', 'delete');
  const data = parseInput(deleteRoleInput, input);
  const role = ctx.catalog.roleByKey.get(data.key);
  if (!role) throw new DalError('not-found', 'There is no such role.');
  if (role.builtIn) throw new DalError('invalid', `${role.name} is a built-in role: it cannot be deleted.`);
  const above = roleRankRefusal(ctx, role);
  if (above) deny(ctx, 'delete roles', above);
  const { profiles, users } = usage(role.key);
  const others = profiles.filter((p) => !p.isDefault);
  if (users.length || others.length) {
    const parts = [
      users.length ? `${users.length} user(s) hold it: ${users.slice(0, 10).join(', ')}${users.length > 10 ? ', …' : ''}` : '',
      others.length ? `profiles of this role: ${others.map((p) => p.name).join(', ')}` : '',
    ].filter(Boolean);
    throw new DalError('conflict', `"${role.name}" is still in use (${parts.join('; ')}). Reassign or delete them first.`);
  }
  return writeTransaction(ctx, (tx) => {
    const current = tx.select().from(t.roles).where(eq(t.roles.key, role.key)).get();
    if (!current || current.rowVersion !== data.rowVersion)
      throw new DalError('stale', `Someone changed the role "${role.name}" since you opened it. Reload and try again.`);
    const held = tx
      .select({ n: sql<number>`count(*)` })
      .from(t.userProfiles)
      .where(eq(t.userProfiles.roleKey, role.key))
      .get()!.n;
    const more = tx
      .select({ n: sql<number>`count(*)` })
      .from(t.profiles)
      .where(and(eq(t.profiles.roleKey, role.key), ne(t.profiles.isDefault, true)))
      .get()!.n;
    if (held || more) throw new DalError('conflict', `"${role.name}" was just put to use; it cannot be deleted.`);
    const defaults = tx.select({ id: t.profiles.id, name: t.profiles.name }).from(t.profiles).where(eq(t.profiles.roleKey, role.key)).all();
    tx.delete(t.profiles).where(eq(t.profiles.roleKey, role.key)).run();
    tx.delete(t.roles).where(eq(t.roles.key, role.key)).run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'role',
      entityId: role.key,
      entityName: role.name,
      action: 'delete',
      before: { name: current.name, base: current.baseRoleKey, rank: current.rank, defaults: current.defaults },
    });
    for (const profile of defaults) writeAudit(tx, ctx, { entityType: 'profile', entityId: profile.id, entityName: profile.name, action: 'delete' });
    return { value: { key: role.key }, audited };
  });
}
