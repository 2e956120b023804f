import 'server-only';
import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Role } from '@/lib/permissions/catalog';
import { CONSOLE } from '@/lib/permissions/console';
import { effectivePermissions, type EffectiveInput } from '@/lib/permissions/effective';
import { applyRefusals, guardedPermissions, lastHolderRefusal, mayManageProfilesOf, rankOf } from '@/lib/permissions/policy';
import { diffKeys } from '@/lib/permissions/profile-rules';
import type { ChannelSettings } from '@/lib/permissions/channels';
import { previewProfileInput } from '@/lib/schemas/profiles';
import { deny } from '../authorize';
import { someoneElseKeeps } from '../policy';
import { DalError, parseInput } from '../errors';
import { enabledFeatures, readEffectiveInput, subjectOf, type Principal } from '../principal';
import {
  assertValidChannels,
  assertValidPermissions,
  channelChanges,
  holdersByVersion,
  requireProfileArea,
  roleOf,
  versionChannels,
  versionPermissions,
  visibleProfile,
} from './shared';

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
export function someoneKeepsAfterSave(ctx: Principal, profileId: number, permissions: readonly string[], key: string): boolean {
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

/** Before applying `next` to every holder of a profile: the checks of assertMayApply, by profile id. */
export function assertMayApplyToHolders(ctx: Principal, profileId: number, next: readonly string[], channels: ChannelSettings, action: string) {
  const row = getDb().select().from(t.profiles).where(eq(t.profiles.id, profileId)).get();
  if (!row) throw new DalError('not-found', 'There is no such profile.');
  assertMayApply(ctx, row, roleOf(ctx, row.roleKey), next, channels, action);
}

/**
 * Moving every holder to `next` ("Save and apply", a rollback applied, "Apply to all holders"): the
 * policy's applyRefusals decides from each held version and the holders; then nobody may be left
 * without the permissions that keep the account manageable.
 */
const other = alias(t.userProfiles, 'other');

export function assertMayApply(
  ctx: Principal,
  row: { id: number; name: string },
  role: Role,
  next: readonly string[],
  nextChannels: ChannelSettings,
  action: string,
) {
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
  // The roles his holders hold, in all their profiles: the highest decides who may move them.
  const holderRoles = getDb()
    .selectDistinct({ roleKey: other.roleKey })
    .from(t.userProfiles)
    .innerJoin(other, eq(other.userId, t.userProfiles.userId))
    .where(eq(t.userProfiles.profileId, row.id))
    .all();
  const holdersTopRank = rankOf(
    ctx.catalog,
    holderRoles.map((r) => r.roleKey),
  );
  const refusals = applyRefusals(ctx, { profileName: row.name, role, defaults, held, next, nextChannels, holdersTopRank }, holders);
  if (refusals.length) deny(ctx, action, refusals.join(' '));
  for (const key of guardedPermissions(ctx.catalog)) {
    if (next.includes(key) || !heldSets.some((held) => held.includes(key))) continue;
    if (!someoneKeepsAfterSave(ctx, row.id, next, key)) {
      const label = ctx.catalog.permissionByKey.get(key)?.name ?? key;
      deny(ctx, action, lastHolderRefusal(ctx.catalog, key), 'invalid', { permissions: [`Leaves nobody with "${label}"`] });
    }
  }
}
