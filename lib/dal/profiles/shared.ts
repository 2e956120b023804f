import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Role } from '@/lib/permissions/catalog';
import { CONSOLE } from '@/lib/permissions/console';
import { grantRefusals, levelRefusals, levelsOf, manageableProfileRoles, mayManageProfilesOf } from '@/lib/permissions/policy';
import { profileProblems } from '@/lib/permissions/profile-rules';
import { LEVEL_NAMES, levelRank, resolveChannelLevels, type ChannelSettings } from '@/lib/permissions/channels';
import { deny, permissionNames } from '../authorize';
import { DalError } from '../errors';
import { enabledFeatures, type Principal } from '../principal';

// ---------------------------------------------------------------------------------------------
// Who may manage which profiles

export const manageableRoles = manageableProfileRoles;

export function requireProfileArea(ctx: Principal, action: string): 'all' | Set<string> {
  const roles = manageableRoles(ctx);
  if (roles === 'all' || roles.size) return roles;
  const names = permissionNames(ctx, [CONSOLE.manageProfiles, CONSOLE.manageAgentProfilesInGroup, CONSOLE.manageAgentManagerProfilesInGroup]);
  return deny(ctx, action, `You need ${names} to ${action}.`);
}

export function roleOf(ctx: Principal, roleKey: string): Role {
  const role = ctx.catalog.roleByKey.get(roleKey);
  if (!role) throw new DalError('invalid', `There is no role "${roleKey}".`, { roleKey: ['Unknown role'] });
  return role;
}

/** Refuse, naming them, any permission the actor may not switch on in a profile of `role`. */
export function assertMayGrant(ctx: Principal, role: Role, keys: readonly string[], action: string): void {
  const defaults = new Set(roleDefaults(role, enabledFeatures()));
  const refusals = grantRefusals(ctx, role, keys, defaults);
  if (refusals.length) deny(ctx, action, refusals.join(' '));
}

/** Server-side validity: known, configurable permissions of the role, prerequisites met. */
export function assertValidPermissions(ctx: Principal, role: Role, keys: readonly string[]): string[] {
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

/** A profile the actor may manage, or "not found": one he may not manage does not exist for him. */
export function visibleProfile(ctx: Principal, id: number, action: string) {
  requireProfileArea(ctx, action);
  const row = getDb().select().from(t.profiles).where(eq(t.profiles.id, id)).get();
  if (!row) throw new DalError('not-found', 'There is no such profile.');
  // A profile of a role he may not manage (or ranked above his own) does not exist for him either; trying is a logged refusal.
  if (!mayManageProfilesOf(ctx, row.roleKey)) deny(ctx, action, 'There is no such profile.', 'not-found');
  return row;
}

export function versionPermissions(profileId: number, version: number): string[] {
  const row = getDb()
    .select({ permissions: t.profileVersions.permissions })
    .from(t.profileVersions)
    .where(and(eq(t.profileVersions.profileId, profileId), eq(t.profileVersions.version, version)))
    .get();
  if (!row) throw new DalError('not-found', `This profile has no version ${version}.`, { version: ['Unknown version'] });
  return row.permissions;
}

export function versionChannels(profileId: number, version: number): ChannelSettings {
  return (
    getDb()
      .select({ channels: t.profileVersions.channels })
      .from(t.profileVersions)
      .where(and(eq(t.profileVersions.profileId, profileId), eq(t.profileVersions.version, version)))
      .get()?.channels ?? {}
  );
}

export function assertValidChannels(ctx: Principal, channels: ChannelSettings): ChannelSettings {
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
export function channelChanges(ctx: Principal, from: ChannelSettings, to: ChannelSettings) {
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
export function holdersByVersion(profileId: number): Map<number, number> {
  const rows = getDb()
    .select({ version: sql<number>`max(${t.userProfiles.version}, ${t.profiles.floorVersion})`, n: sql<number>`count(*)` })
    .from(t.userProfiles)
    .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
    .where(eq(t.userProfiles.profileId, profileId))
    .groupBy(sql`1`)
    .all();
  return new Map(rows.map((r) => [r.version, r.n]));
}
