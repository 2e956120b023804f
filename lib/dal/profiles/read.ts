import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Role, type RolePermission } from '@/lib/permissions/catalog';
import { grantRefusals, mayManageProfilesOf } from '@/lib/permissions/policy';
import { diffKeys } from '@/lib/permissions/profile-rules';
import type { ChannelSettings, Level } from '@/lib/permissions/channels';
import { compareProfilesInput, createProfileInput, listProfilesInput, profileIdInput, versionDiffInput } from '@/lib/schemas/profiles';
import { deny } from '../authorize';
import { parseInput } from '../errors';
import { enabledFeatures, type Principal } from '../principal';
import { channelChanges, holdersByVersion, requireProfileArea, roleOf, versionChannels, versionPermissions, visibleProfile } from './shared';

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
