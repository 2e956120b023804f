import 'server-only';
import { asc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { mayManageProfilesOf } from '@/lib/permissions/policy';
import { diffKeys } from '@/lib/permissions/profile-rules';
import type { ChannelSettings } from '@/lib/permissions/channels';
import { createProfileInput, duplicateProfileInput, rollbackProfileInput, saveProfileInput, versionedProfileInput } from '@/lib/schemas/profiles';
import { writeAudit } from '../audit';
import { deny, managedSubtree } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { writeTransaction, type Tx } from '../tx';
import { assertMayApply } from './impact';
import {
  assertMayGrant,
  assertMayGrantChannels,
  assertValidChannels,
  assertValidPermissions,
  manageableRoles,
  requireProfileArea,
  roleOf,
  versionChannels,
  versionPermissions,
  visibleProfile,
} from './shared';

// ---------------------------------------------------------------------------------------------
// Writes

function assertNameFree(name: string, exceptId?: number) {
  const clash = getDb()
    .select({ id: t.profiles.id })
    .from(t.profiles)
    .where(sql`${t.profiles.name} = ${name} collate nocase`)
    .get();
  if (clash && clash.id !== exceptId) throw new DalError('conflict', `A profile named "${name}" already exists.`, { name: ['Name is already taken'] });
}

function snapshotOf(row: { name: string; description: string; roleKey: string }, version: number, permissions: readonly string[], channels?: ChannelSettings) {
  return { name: row.name, description: row.description, role: row.roleKey, version, permissions: [...permissions], ...(channels ? { channels } : {}) };
}

/** Inside the transaction: the row must still be at the version the actor saw. */
function lockedProfile(tx: Tx, id: number, rowVersion: number) {
  const row = tx.select().from(t.profiles).where(eq(t.profiles.id, id)).get();
  if (!row) throw new DalError('not-found', 'There is no such profile.');
  if (row.rowVersion !== rowVersion) {
    const by = row.updatedBy ? tx.select({ name: t.users.name }).from(t.users).where(eq(t.users.id, row.updatedBy)).get()?.name : undefined;
    throw new DalError(
      'stale',
      `${by ?? 'Someone'} changed this profile at ${row.updatedAt.toISOString().slice(11, 16)} UTC since you opened it. Reload to see the current version; your changes were not saved.`,
    );
  }
  return row;
}

export function createProfile({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  requireProfileArea(ctx, 'add profiles');
  const data = parseInput(createProfileInput, input);
  const role = roleOf(ctx, data.roleKey);
  if (!mayManageProfilesOf(ctx, role.key)) deny(ctx, 'add profiles', `You may not add profiles to the ${role.name} role.`);
  const permissions = assertValidPermissions(ctx, role, data.permissions);
  const channels = assertValidChannels(ctx, data.channels ?? role.channelDefaults);
  assertMayGrant(ctx, role, permissions, 'add profiles');
  assertMayGrantChannels(ctx, [], channels, 'add profiles');
  assertNameFree(data.name);
  return writeTransaction(ctx, (tx) => {
    const row = tx.insert(t.profiles).values({ name: data.name, description: data.description, roleKey: role.key, updatedBy: ctx.userId }).returning().get();
    tx.insert(t.profileVersions).values({ profileId: row.id, version: 1, permissions, channels, note: data.note, createdBy: ctx.userId }).run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'profile',
      entityId: row.id,
      entityName: row.name,
      action: 'create',
      after: snapshotOf(row, 1, permissions, channels),
    });
    return { value: { id: row.id }, audited };
  });
}

export function duplicateProfile({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  requireProfileArea(ctx, 'add profiles');
  const data = parseInput(duplicateProfileInput, input);
  const source = visibleProfile(ctx, data.id, 'add profiles');
  return createProfile({
    ctx,
    input: {
      roleKey: source.roleKey,
      name: data.name,
      description: source.description,
      permissions: versionPermissions(source.id, source.headVersion),
      channels: versionChannels(source.id, source.headVersion),
      note: `Copy of ${source.name}`,
    },
  });
}

/**
 * Inside a write transaction: the profile's next version. "apply" raises the floor, so every holder
 * moves to it in this one row; "new-users" leaves holders where they are.
 */
export function appendVersion(
  tx: Tx,
  ctx: Principal,
  current: typeof t.profiles.$inferSelect,
  fields: { name: string; description: string; permissions: string[]; channels: ChannelSettings; note: string; mode: 'apply' | 'new-users' },
): number {
  const version = current.headVersion + 1;
  tx.insert(t.profileVersions)
    .values({ profileId: current.id, version, permissions: fields.permissions, channels: fields.channels, note: fields.note, createdBy: ctx.userId })
    .run();
  tx.update(t.profiles)
    .set({
      name: fields.name,
      description: fields.description,
      headVersion: version,
      floorVersion: fields.mode === 'apply' ? version : current.floorVersion,
      rowVersion: current.rowVersion + 1,
      updatedBy: ctx.userId,
      updatedAt: new Date(),
    })
    .where(eq(t.profiles.id, current.id))
    .run();
  return version;
}

/** One save: a new version; "apply" moves every holder to it by raising the floor (one row). */
function writeVersion(
  ctx: Principal,
  row: typeof t.profiles.$inferSelect,
  fields: {
    name: string;
    description: string;
    permissions: string[];
    channels: ChannelSettings;
    note: string;
    mode: 'apply' | 'new-users';
    rowVersion: number;
  },
  action: string,
) {
  const before = versionPermissions(row.id, row.headVersion);
  const beforeChannels = versionChannels(row.id, row.headVersion);
  return writeTransaction(ctx, (tx) => {
    const current = lockedProfile(tx, row.id, fields.rowVersion);
    const version = appendVersion(tx, ctx, current, fields);
    const audited = writeAudit(tx, ctx, {
      entityType: 'profile',
      entityId: row.id,
      entityName: fields.name,
      action,
      before: snapshotOf(current, current.headVersion, before, beforeChannels),
      after: {
        ...snapshotOf({ ...current, name: fields.name, description: fields.description }, version, fields.permissions, fields.channels),
        mode: fields.mode,
      },
    });
    return { value: { id: row.id, version }, audited };
  });
}

export function saveProfile({ ctx, input }: { ctx: Principal; input: unknown }): { id: number; version: number } {
  requireProfileArea(ctx, 'edit profiles');
  const data = parseInput(saveProfileInput, input);
  const row = visibleProfile(ctx, data.id, 'edit profiles');
  const role = roleOf(ctx, row.roleKey);
  const permissions = assertValidPermissions(ctx, role, data.permissions);
  const before = versionPermissions(row.id, row.headVersion);
  const beforeChannels = versionChannels(row.id, row.headVersion);
  const channels = assertValidChannels(ctx, data.channels ?? beforeChannels);
  assertMayGrant(ctx, role, diffKeys(before, permissions).added, 'edit profiles');
  assertMayGrantChannels(ctx, [beforeChannels], channels, 'edit profiles');
  assertNameFree(data.name, row.id);
  const sameChannels = JSON.stringify(Object.entries(channels).sort()) === JSON.stringify(Object.entries(beforeChannels).sort());
  const unchanged = sameChannels && diffKeys(before, permissions).added.length + diffKeys(before, permissions).removed.length === 0;
  if (unchanged && data.name === row.name && data.description === row.description) {
    if (data.rowVersion !== row.rowVersion) throw new DalError('stale', `Someone changed "${row.name}" since you opened it. Reload and try again.`);
    // Nothing to save is not a new version; "Save and apply" then only moves holders still behind it.
    if (data.mode === 'apply' && row.floorVersion < row.headVersion) return applyProfileToAll({ ctx, input: { id: row.id, rowVersion: data.rowVersion } });
    return { id: row.id, version: row.headVersion };
  }
  if (data.mode === 'apply') assertMayApply(ctx, row, role, permissions, channels, 'edit profiles');
  return writeVersion(ctx, row, { ...data, permissions, channels }, data.mode === 'apply' ? 'save-and-apply' : 'save-for-new-users');
}

export function rollbackProfile({ ctx, input }: { ctx: Principal; input: unknown }): { id: number; version: number } {
  requireProfileArea(ctx, 'roll back profiles');
  const data = parseInput(rollbackProfileInput, input);
  const row = visibleProfile(ctx, data.id, 'edit profiles');
  const role = roleOf(ctx, row.roleKey);
  const target = versionPermissions(row.id, data.version);
  // The catalog may have changed since: the old version must still be a valid profile.
  const permissions = assertValidPermissions(ctx, role, target);
  const channels = assertValidChannels(ctx, versionChannels(row.id, data.version));
  const before = versionPermissions(row.id, row.headVersion);
  assertMayGrant(ctx, role, diffKeys(before, permissions).added, 'roll back profiles');
  assertMayGrantChannels(ctx, [versionChannels(row.id, row.headVersion)], channels, 'roll back profiles');
  if (data.mode === 'apply') assertMayApply(ctx, row, role, permissions, channels, 'roll back profiles');
  return writeVersion(
    ctx,
    row,
    {
      name: row.name,
      description: row.description,
      permissions,
      channels,
      note: `Rolled back to version ${data.version}`,
      mode: data.mode,
      rowVersion: data.rowVersion,
    },
    'roll-back',
  );
}

/** "Apply to all holders": everyone moves to the current version (the floor rises; one row). */
export function applyProfileToAll({ ctx, input }: { ctx: Principal; input: unknown }): { id: number; version: number } {
  requireProfileArea(ctx, 'apply profiles');
  const data = parseInput(versionedProfileInput, input);
  const row = visibleProfile(ctx, data.id, 'edit profiles');
  const head = versionPermissions(row.id, row.headVersion);
  assertMayApply(ctx, row, roleOf(ctx, row.roleKey), head, versionChannels(row.id, row.headVersion), 'apply profiles');
  return writeTransaction(ctx, (tx) => {
    const current = lockedProfile(tx, row.id, data.rowVersion);
    tx.update(t.profiles)
      .set({ floorVersion: current.headVersion, rowVersion: current.rowVersion + 1, updatedBy: ctx.userId, updatedAt: new Date() })
      .where(eq(t.profiles.id, row.id))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'profile',
      entityId: row.id,
      entityName: row.name,
      action: 'apply-to-all',
      // What the holders at the old floor had, and what they have now: the trail shows the change, not the whole list.
      before: { floorVersion: current.floorVersion, permissions: versionPermissions(row.id, current.floorVersion) },
      after: { floorVersion: current.headVersion, permissions: head },
    });
    return { value: { id: row.id, version: current.headVersion }, audited };
  });
}

export function deleteProfile({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  requireProfileArea(ctx, 'delete profiles');
  const data = parseInput(versionedProfileInput, input);
  const row = visibleProfile(ctx, data.id, 'delete profiles');
  if (row.isDefault) throw new DalError('invalid', `"${row.name}" is the default profile of its role and cannot be deleted.`);
  const permissions = versionPermissions(row.id, row.headVersion);
  // Its holders are read under the write lock: one assigned meanwhile keeps it from being deleted.
  return writeTransaction(ctx, (tx) => {
    const current = lockedProfile(tx, row.id, data.rowVersion);
    const holders = tx
      .select({ loginName: t.users.loginName, groupId: t.users.groupId })
      .from(t.userProfiles)
      .innerJoin(t.users, eq(t.users.id, t.userProfiles.userId))
      .where(eq(t.userProfiles.profileId, row.id))
      .orderBy(asc(t.users.loginName))
      .all();
    if (holders.length) {
      // An agent manager hears only of the holders in his group structure: the others stay unnamed.
      const subtree = manageableRoles(ctx) === 'all' ? null : managedSubtree(ctx);
      const seen = subtree ? holders.filter((h) => h.groupId !== null && subtree.has(h.groupId)) : holders;
      if (seen.length < holders.length) {
        deny(ctx, 'delete profiles', `"${row.name}" is still held by users outside your group structure; ask an administrator.`);
      }
      const shown = seen
        .slice(0, 10)
        .map((h) => h.loginName)
        .join(', ');
      throw new DalError(
        'invalid',
        `"${row.name}" is still held by ${holders.length} user(s): ${shown}${holders.length > 10 ? ', …' : ''}. Assign them another profile first.`,
      );
    }
    tx.delete(t.profiles).where(eq(t.profiles.id, row.id)).run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'profile',
      entityId: row.id,
      entityName: row.name,
      action: 'delete',
      before: snapshotOf(current, current.headVersion, permissions),
    });
    return { value: { id: row.id }, audited };
  });
}
