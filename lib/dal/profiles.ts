import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Role, type RolePermission } from '@/lib/permissions/catalog';
import { CONSOLE } from '@/lib/permissions/console';
import { effectivePermissions, type EffectiveInput } from '@/lib/permissions/effective';
import {
  applyRefusals,
  grantRefusals,
  guardedPermissions,
  lastHolderRefusal,
  levelRefusals,
  levelsOf,
  manageableProfileRoles,
  mayManageProfilesOf,
} from '@/lib/permissions/policy';
import { diffKeys, profileProblems } from '@/lib/permissions/profile-rules';
import { LEVEL_NAMES, levelRank, resolveChannelLevels, type ChannelSettings, type Level } from '@/lib/permissions/channels';
import {
  compareProfilesInput,
  createProfileInput,
  duplicateProfileInput,
  listProfilesInput,
  previewProfileInput,
  profileIdInput,
  rollbackProfileInput,
  saveProfileInput,
  versionDiffInput,
  versionedProfileInput,
} from '@/lib/schemas/profiles';
import { writeAudit } from './audit';
import { deny, managedSubtree, permissionNames } from './authorize';
import { someoneElseKeeps } from './policy';
import { DalError, parseInput } from './errors';
import { enabledFeatures, readEffectiveInput, subjectOf, type Principal } from './principal';
import { writeTransaction, type Tx } from './tx';

// ---------------------------------------------------------------------------------------------
// Who may manage which profiles

const manageableRoles = manageableProfileRoles;

function requireProfileArea(ctx: Principal, action: string): 'all' | Set<string> {
  const roles = manageableRoles(ctx);
  if (roles === 'all' || roles.size) return roles;
  const names = permissionNames(ctx, [CONSOLE.manageProfiles, CONSOLE.manageAgentProfilesInGroup, CONSOLE.manageAgentManagerProfilesInGroup]);
  return deny(ctx, action, `You need ${names} to ${action}.`);
}

function roleOf(ctx: Principal, roleKey: string): Role {
  const role = ctx.catalog.roleByKey.get(roleKey);
  if (!role) throw new DalError('invalid', `There is no role "${roleKey}".`, { roleKey: ['Unknown role'] });
  return role;
}

/** Refuse, naming them, any permission the actor may not switch on in a profile of `role`. */
function assertMayGrant(ctx: Principal, role: Role, keys: readonly string[], action: string): void {
  const defaults = new Set(roleDefaults(role, enabledFeatures()));
  const refusals = grantRefusals(ctx, role, keys, defaults);
  if (refusals.length) deny(ctx, action, refusals.join(' '));
}

/** Server-side validity: known, configurable permissions of the role, prerequisites met. */
function assertValidPermissions(ctx: Principal, role: Role, keys: readonly string[]): string[] {
  const problems = profileProblems(role, keys);
  if (problems.length) {
    const name = (k: string) => `"${ctx.catalog.permissionByKey.get(k)?.name ?? k}"`;
    const messages = problems.map((p) =>
      p.kind === 'unknown'
        ? `${name(p.key)} is not a permission of the ${role.name} role.`
        : p.kind === 'core'
          ? `${name(p.key)} is a core permission of the ${role.name} role: always on, it cannot be toggled.`
          : `${name(p.key)} requires ${name(p.requires)}; turn both on or both off.`,
    );
    throw new DalError('invalid', messages[0]!, { permissions: messages });
  }
  return [...new Set(keys)].sort();
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface ProfileSummary {
  id: number;
  name: string;
  description: string;
  roleKey: string;
  roleName: string;
  isDefault: boolean;
  headVersion: number;
  holders: number;
  updatedAt: number;
  updatedByName: string | null;
}

function summaries(where: ReturnType<typeof and> | undefined): ProfileSummary[] {
  const db = getDb();
  const holders = db
    .select({ profileId: t.userProfiles.profileId, n: sql<number>`count(*)`.as('n') })
    .from(t.userProfiles)
    .groupBy(t.userProfiles.profileId)
    .as('holders');
  return db
    .select({
      id: t.profiles.id,
      name: t.profiles.name,
      description: t.profiles.description,
      roleKey: t.profiles.roleKey,
      roleName: t.roles.name,
      isDefault: t.profiles.isDefault,
      headVersion: t.profiles.headVersion,
      holders: sql<number>`coalesce(${holders.n}, 0)`,
      updatedAt: t.profiles.updatedAt,
      updatedByName: t.users.name,
    })
    .from(t.profiles)
    .innerJoin(t.roles, eq(t.roles.key, t.profiles.roleKey))
    .leftJoin(holders, eq(holders.profileId, t.profiles.id))
    .leftJoin(t.users, eq(t.users.id, t.profiles.updatedBy))
    .where(where)
    .orderBy(asc(t.roles.rank), desc(t.profiles.isDefault), sql`${t.profiles.name} collate nocase`)
    .all()
    .map((r) => ({ ...r, updatedAt: r.updatedAt.getTime() }));
}

export function listProfiles({ ctx, input }: { ctx: Principal; input: unknown }): ProfileSummary[] {
  requireProfileArea(ctx, 'see profiles');
  const q = parseInput(listProfilesInput, input);
  const conditions = [];
  const roles = ctx.catalog.roles.filter((r) => mayManageProfilesOf(ctx, r.key)).map((r) => r.key);
  if (roles.length < ctx.catalog.roles.length) conditions.push(inArray(t.profiles.roleKey, roles));
  if (q.role) conditions.push(eq(t.profiles.roleKey, q.role));
  return summaries(and(...conditions));
}

/** The roles a new profile may be created in, by this actor. */
export function profileRoleChoices({ ctx }: { ctx: Principal }): { key: string; name: string }[] {
  requireProfileArea(ctx, 'see profiles');
  return ctx.catalog.roles.filter((r) => mayManageProfilesOf(ctx, r.key)).map((r) => ({ key: r.key, name: r.name }));
}

/** A profile the actor may manage, or "not found": one he may not manage does not exist for him. */
function visibleProfile(ctx: Principal, id: number, action: string) {
  requireProfileArea(ctx, action);
  const row = getDb().select().from(t.profiles).where(eq(t.profiles.id, id)).get();
  if (!row) throw new DalError('not-found', 'There is no such profile.');
  // A profile of a role he may not manage (or ranked above his own) does not exist for him either; trying is a logged refusal.
  if (!mayManageProfilesOf(ctx, row.roleKey)) deny(ctx, action, 'There is no such profile.', 'not-found');
  return row;
}

function versionPermissions(profileId: number, version: number): string[] {
  const row = getDb()
    .select({ permissions: t.profileVersions.permissions })
    .from(t.profileVersions)
    .where(and(eq(t.profileVersions.profileId, profileId), eq(t.profileVersions.version, version)))
    .get();
  if (!row) throw new DalError('not-found', `This profile has no version ${version}.`, { version: ['Unknown version'] });
  return row.permissions;
}

function versionChannels(profileId: number, version: number): ChannelSettings {
  return (
    getDb()
      .select({ channels: t.profileVersions.channels })
      .from(t.profileVersions)
      .where(and(eq(t.profileVersions.profileId, profileId), eq(t.profileVersions.version, version)))
      .get()?.channels ?? {}
  );
}

function assertValidChannels(ctx: Principal, channels: ChannelSettings): ChannelSettings {
  for (const key of Object.keys(channels)) {
    if (!ctx.catalog.channelByKey.has(key)) throw new DalError('invalid', `There is no channel "${key}".`, { channels: [`Unknown channel "${key}"`] });
  }
  return Object.fromEntries(Object.entries(channels).sort(([a], [b]) => a.localeCompare(b)));
}

/** Nobody grants a channel level above the one he holds in that channel. */
export function assertMayGrantChannels(ctx: Principal, before: readonly ChannelSettings[], next: ChannelSettings, action: string) {
  const refusals = levelRefusals(
    ctx,
    before.map((b) => levelsOf(ctx.catalog, b)),
    levelsOf(ctx.catalog, next),
  );
  if (refusals.length) deny(ctx, action, refusals.join(' '));
}

/** Channel changes between two versions, as readable lines: raised, and lowered. */
function channelChanges(ctx: Principal, from: ChannelSettings, to: ChannelSettings) {
  const a = resolveChannelLevels(ctx.catalog.channels, from);
  const b = resolveChannelLevels(ctx.catalog.channels, to);
  const raised: string[] = [];
  const lowered: string[] = [];
  for (const c of ctx.catalog.channels) {
    const x = a.get(c.key)!.level;
    const y = b.get(c.key)!.level;
    if (x === y) continue;
    (levelRank(y) > levelRank(x) ? raised : lowered).push(`${c.name}: ${LEVEL_NAMES[x]} → ${LEVEL_NAMES[y]}`);
  }
  return { raised, lowered };
}

/** Holders by the version they are on: their own, unless "Save and apply" raised the floor. */
function holdersByVersion(profileId: number): Map<number, number> {
  const rows = getDb()
    .select({ version: sql<number>`max(${t.userProfiles.version}, ${t.profiles.floorVersion})`, n: sql<number>`count(*)` })
    .from(t.userProfiles)
    .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
    .where(eq(t.userProfiles.profileId, profileId))
    .groupBy(sql`1`)
    .all();
  return new Map(rows.map((r) => [r.version, r.n]));
}

export interface ProfilePermissionRow extends RolePermission {
  roleDefault: boolean;
  /** Set while the account feature it depends on is off. */
  featureOff: string | null;
  /** Why the actor may not switch it on; null when he may. */
  grantRefusal: string | null;
}

export interface ChannelOption {
  key: string;
  name: string;
  parent: string | null;
  /** The actor's own level there: nobody grants above it. */
  mine: Level;
}

export interface ProfileDetail extends ProfileSummary {
  rowVersion: number;
  floorVersion: number;
  permissions: string[];
  channels: ChannelSettings;
  channelDefaults: ChannelSettings;
  channelOptions: ChannelOption[];
  core: { key: string; name: string }[];
  rolePermissions: ProfilePermissionRow[];
  defaults: string[];
  versions: { version: number; note: string; createdByName: string | null; createdAt: number; holders: number }[];
}

function rolePermissionRows(ctx: Principal, role: Role): { rows: ProfilePermissionRow[]; defaults: string[] } {
  const features = enabledFeatures();
  const defaults = roleDefaults(role, features);
  const defaultSet = new Set(defaults);
  const rows = role.permissions.map((p) => {
    const feature = ctx.catalog.permissionByKey.get(p.key)?.feature;
    return {
      ...p,
      roleDefault: defaultSet.has(p.key),
      featureOff: feature && !features.has(feature) ? (ctx.catalog.featureByKey.get(feature)?.name ?? feature) : null,
      grantRefusal: grantRefusals(ctx, role, [p.key], defaultSet)[0] ?? null,
    };
  });
  return { rows, defaults };
}

function channelOptions(ctx: Principal): ChannelOption[] {
  return ctx.catalog.channels.map((c) => ({ key: c.key, name: c.name, parent: c.parent, mine: ctx.effective.channels.get(c.key)?.level ?? 'none' }));
}

export function getProfile({ ctx, input }: { ctx: Principal; input: unknown }): ProfileDetail {
  requireProfileArea(ctx, 'see profiles');
  const { id } = parseInput(profileIdInput, input);
  const row = visibleProfile(ctx, id, 'see profiles');
  const role = roleOf(ctx, row.roleKey);
  const summary = summaries(eq(t.profiles.id, id))[0]!;
  const byVersion = holdersByVersion(id);
  const versions = getDb()
    .select({ version: t.profileVersions.version, note: t.profileVersions.note, createdAt: t.profileVersions.createdAt, createdByName: t.users.name })
    .from(t.profileVersions)
    .leftJoin(t.users, eq(t.users.id, t.profileVersions.createdBy))
    .where(eq(t.profileVersions.profileId, id))
    .orderBy(desc(t.profileVersions.version))
    .all()
    .map((v) => ({ ...v, createdAt: v.createdAt.getTime(), holders: byVersion.get(v.version) ?? 0 }));
  const { rows, defaults } = rolePermissionRows(ctx, role);
  return {
    ...summary,
    rowVersion: row.rowVersion,
    floorVersion: row.floorVersion,
    permissions: versionPermissions(id, row.headVersion),
    channels: versionChannels(id, row.headVersion),
    channelDefaults: role.channelDefaults,
    channelOptions: channelOptions(ctx),
    core: role.core,
    rolePermissions: rows,
    defaults,
    versions,
  };
}

/** What a new profile of `roleKey` starts from, for the "Add profile" form. */
export function newProfileDraft({ ctx, input }: { ctx: Principal; input: unknown }) {
  requireProfileArea(ctx, 'add profiles');
  const { roleKey } = parseInput(createProfileInput.pick({ roleKey: true }), input);
  if (!mayManageProfilesOf(ctx, roleKey)) deny(ctx, 'add profiles', `There is no role "${roleKey}" you can add profiles to.`, 'not-found');
  const role = roleOf(ctx, roleKey);
  const { rows, defaults } = rolePermissionRows(ctx, role);
  return {
    roleKey: role.key,
    roleName: role.name,
    core: role.core,
    rolePermissions: rows,
    defaults,
    channelDefaults: role.channelDefaults,
    channelOptions: channelOptions(ctx),
  };
}

// ---------------------------------------------------------------------------------------------
// Impact preview

export interface ProfileImpact {
  /** Users whose permissions change now (every holder for "Save and apply", none otherwise). */
  affectedUsers: number;
  holders: number;
  /** Holders on a version older than the current one (they may gain or lose more). */
  holdersBehind: number;
  gains: string[];
  losses: string[];
  warnings: string[];
}

const CONSOLE_KEYS = Object.values(CONSOLE) as string[];

/** Would anyone active still use `key` once the profile's holders are on `permissions`? */
function someoneKeepsAfterSave(ctx: Principal, profileId: number, permissions: readonly string[], key: string): boolean {
  const onProfile = new Set(
    getDb()
      .select({ id: t.userProfiles.userId })
      .from(t.userProfiles)
      .where(eq(t.userProfiles.profileId, profileId))
      .all()
      .map((r) => r.id),
  );
  const change = (input: EffectiveInput) => ({
    ...input,
    profiles: input.profiles.map((p) => (p.profileId === profileId ? { ...p, enabled: permissions } : p)),
  });
  return someoneElseKeeps(ctx.catalog, key, { change, touches: onProfile });
}

function impactOf(
  ctx: Principal,
  profileId: number | null,
  current: readonly string[],
  next: readonly string[],
  mode: 'apply' | 'new-users',
  channels: { from: ChannelSettings; to: ChannelSettings } = { from: {}, to: {} },
): ProfileImpact {
  const name = (k: string) => ctx.catalog.permissionByKey.get(k)?.name ?? k;
  const { added, removed } = diffKeys(current, next);
  const byVersion = profileId ? holdersByVersion(profileId) : new Map<number, number>();
  const holders = [...byVersion.values()].reduce((a, b) => a + b, 0);
  const head = profileId ? (getDb().select({ v: t.profiles.headVersion }).from(t.profiles).where(eq(t.profiles.id, profileId)).get()?.v ?? 0) : 0;
  const holdersBehind = [...byVersion].filter(([v]) => v !== head).reduce((a, [, n]) => a + n, 0);
  const warnings: string[] = [];
  if (profileId && mode === 'apply') {
    const mine = readEffectiveInput(ctx.userId);
    if (mine.profiles.some((p) => p.profileId === profileId)) {
      const after = effectivePermissions(ctx.catalog, {
        ...mine,
        profiles: mine.profiles.map((p) => (p.profileId === profileId ? { ...p, enabled: next } : p)),
      });
      const lost = CONSOLE_KEYS.filter((k) => ctx.effective.explain.get(k)?.allowed && !after.explain.get(k)?.allowed);
      if (lost.length) warnings.push(`You hold this profile: saving takes away your own ${lost.map((k) => `"${name(k)}"`).join(', ')}.`);
    }
    for (const key of guardedPermissions(ctx.catalog)) {
      if (removed.includes(key) && !someoneKeepsAfterSave(ctx, profileId, next, key)) {
        warnings.push(`No active user would hold "${name(key)}" any more; this save will be refused.`);
      }
    }
  }
  if (mode === 'new-users' && holders > 0)
    warnings.push(`The ${holders} current holder(s) keep the version they have; only users who get this profile later receive the change.`);
  return {
    affectedUsers: mode === 'apply' ? holders : 0,
    holders,
    holdersBehind,
    gains: [...added.map(name), ...channelChanges(ctx, channels.from, channels.to).raised],
    losses: [...removed.map(name), ...channelChanges(ctx, channels.from, channels.to).lowered],
    warnings,
  };
}

export function previewProfileChange({ ctx, input }: { ctx: Principal; input: unknown }): ProfileImpact {
  requireProfileArea(ctx, 'edit profiles');
  const data = parseInput(previewProfileInput, input);
  if (data.id) {
    const row = visibleProfile(ctx, data.id, 'edit profiles');
    const role = roleOf(ctx, row.roleKey);
    const next = assertValidPermissions(ctx, role, data.permissions);
    const from = versionChannels(row.id, row.headVersion);
    return impactOf(ctx, row.id, versionPermissions(row.id, row.headVersion), next, data.mode, { from, to: assertValidChannels(ctx, data.channels ?? from) });
  }
  requireProfileArea(ctx, 'add profiles');
  if (!data.roleKey || !mayManageProfilesOf(ctx, data.roleKey))
    throw new DalError('invalid', 'Choose a role for the new profile.', { roleKey: ['Role is required'] });
  const role = roleOf(ctx, data.roleKey);
  const next = assertValidPermissions(ctx, role, data.permissions);
  return impactOf(ctx, null, [], next, data.mode, { from: {}, to: assertValidChannels(ctx, data.channels ?? role.channelDefaults) });
}

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

/** Before applying `next` to every holder of a profile: the checks of assertMayApply, by profile id. */
export function assertMayApplyToHolders(ctx: Principal, profileId: number, next: readonly string[], channels: ChannelSettings, action: string) {
  const row = getDb().select().from(t.profiles).where(eq(t.profiles.id, profileId)).get();
  if (!row) throw new DalError('not-found', 'There is no such profile.');
  assertMayApply(ctx, row, roleOf(ctx, row.roleKey), next, channels, action);
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

/**
 * Moving every holder to `next` ("Save and apply", a rollback applied, "Apply to all holders"): the
 * policy's applyRefusals decides from each held version and the holders; then nobody may be left
 * without the permissions that keep the account manageable.
 */
function assertMayApply(ctx: Principal, row: { id: number; name: string }, role: Role, next: readonly string[], nextChannels: ChannelSettings, action: string) {
  const versions = [...holdersByVersion(row.id).keys()];
  // What holders have now, read once: each version's permissions and channel levels.
  const heldSets = versions.map((v) => versionPermissions(row.id, v));
  const held = versions.map((v, i) => ({ permissions: heldSets[i]!, channels: versionChannels(row.id, v) }));
  const holders = function* () {
    for (const { userId } of getDb().select({ userId: t.userProfiles.userId }).from(t.userProfiles).where(eq(t.userProfiles.profileId, row.id)).all()) {
      const subject = subjectOf(userId);
      if (subject) yield subject;
    }
  };
  const defaults = new Set(roleDefaults(role, enabledFeatures()));
  const refusals = applyRefusals(ctx, { profileName: row.name, role, defaults, held, next, nextChannels }, holders);
  if (refusals.length) deny(ctx, action, refusals.join(' '));
  for (const key of guardedPermissions(ctx.catalog)) {
    if (next.includes(key) || !heldSets.some((held) => held.includes(key))) continue;
    if (!someoneKeepsAfterSave(ctx, row.id, next, key)) {
      const label = ctx.catalog.permissionByKey.get(key)?.name ?? key;
      throw new DalError('invalid', lastHolderRefusal(ctx.catalog, key), { permissions: [`Leaves nobody with "${label}"`] });
    }
  }
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
      before: { floorVersion: current.floorVersion },
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
        throw new DalError('invalid', `"${row.name}" is still held by users outside your group structure; ask an administrator.`);
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

// ---------------------------------------------------------------------------------------------
// Comparisons

export interface ComparisonRow {
  key: string;
  name: string;
  category: string;
  a: boolean;
  b: boolean;
}

export function compareProfiles({ ctx, input }: { ctx: Principal; input: unknown }) {
  requireProfileArea(ctx, 'see profiles');
  const data = parseInput(compareProfilesInput, input);
  const a = visibleProfile(ctx, data.a, 'see profiles');
  const b = visibleProfile(ctx, data.b, 'see profiles');
  const pa = new Set(versionPermissions(a.id, a.headVersion));
  const pb = new Set(versionPermissions(b.id, b.headVersion));
  const keys = new Set([...roleOf(ctx, a.roleKey).permissions, ...roleOf(ctx, b.roleKey).permissions].map((p) => p.key));
  const rows: ComparisonRow[] = [...keys].map((key) => {
    const meta = ctx.catalog.permissionByKey.get(key)!;
    return { key, name: meta.name, category: meta.category, a: pa.has(key), b: pb.has(key) };
  });
  // Differences first, then by category and name.
  rows.sort((x, y) => Number(x.a === x.b) - Number(y.a === y.b) || x.category.localeCompare(y.category) || x.name.localeCompare(y.name));
  return {
    a: { id: a.id, name: a.name, roleKey: a.roleKey },
    b: { id: b.id, name: b.name, roleKey: b.roleKey },
    rows,
    differences: rows.filter((r) => r.a !== r.b).length,
  };
}

export function profileVersionDiff({ ctx, input }: { ctx: Principal; input: unknown }) {
  requireProfileArea(ctx, 'see profiles');
  const data = parseInput(versionDiffInput, input);
  const row = visibleProfile(ctx, data.id, 'see profiles');
  const { added, removed } = diffKeys(versionPermissions(row.id, data.from), versionPermissions(row.id, data.to));
  const name = (k: string) => ctx.catalog.permissionByKey.get(k)?.name ?? k;
  const channels = channelChanges(ctx, versionChannels(row.id, data.from), versionChannels(row.id, data.to));
  return { from: data.from, to: data.to, added: [...added.map(name), ...channels.raised], removed: [...removed.map(name), ...channels.lowered] };
}
