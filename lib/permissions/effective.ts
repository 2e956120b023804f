import type { Catalog } from './catalog';
import { PermissionBits } from './bitset';
import { levelRank, maxLevel, resolveChannelLevels, type ChannelSettings, type Level } from './channels';

/** One profile a user holds, at the version he is on. */
export interface HeldProfile {
  profileId: number;
  profileName: string;
  roleKey: string;
  version: number;
  /** Configurable permissions switched on in that version. */
  enabled: readonly string[];
  /** Channel levels that version sets. */
  channels?: ChannelSettings;
}

export interface PermissionOverride {
  id: number;
  /** The permission, or for a "level" override the channel. */
  permissionKey: string;
  effect: 'grant' | 'revoke' | 'level';
  /** For a "level" override: the channel level it sets. */
  level?: Level | null;
  reason: string;
  createdBy: string;
  /** Epoch milliseconds; null for no expiry. */
  expiresAt: number | null;
}

export interface EffectiveInput {
  profiles: readonly HeldProfile[];
  overrides: readonly PermissionOverride[];
  enabledFeatures: ReadonlySet<string>;
  /** Epoch milliseconds: overrides that expired by then no longer count. */
  now: number;
}

export type PermissionSource =
  | { kind: 'core'; roleKey: string; roleName: string }
  | { kind: 'profile'; profileId: number; profileName: string; roleKey: string; version: number }
  | { kind: 'grant'; overrideId: number; by: string; reason: string; expiresAt: number | null };

export type MissingReason =
  | { kind: 'not-in-profiles' }
  | { kind: 'revoked'; overrideId: number; by: string; reason: string; expiresAt: number | null }
  | { kind: 'feature-off'; feature: string; featureName: string }
  | { kind: 'grant-expired'; overrideId: number; by: string; expiredAt: number }
  /** It needs another permission he lacks (Aivo's "Users: create" needs "Users"). */
  | { kind: 'missing-prerequisite'; requires: string; requiresName: string }
  /** The user holds it, but the API key asking does not list it. */
  | { kind: 'not-in-api-key' };

export interface Explanation {
  key: string;
  allowed: boolean;
  /** Where the permission comes from (also filled when something then takes it away). */
  sources: PermissionSource[];
  /** Why he lacks it; empty when allowed. */
  missing: MissingReason[];
}

export type ChannelSource =
  | { kind: 'profile'; profileId: number; profileName: string; version: number; level: Level; inheritedFrom: string | null }
  | { kind: 'override'; overrideId: number; by: string; reason: string; expiresAt: number | null; level: Level; inheritedFrom: string | null };

export interface ChannelExplanation {
  key: string;
  level: Level;
  /** Every profile's level for the channel; a live override, when there is one, decides. */
  sources: ChannelSource[];
}

export interface EffectivePermissions {
  bits: PermissionBits;
  /** The explanation of every permission of the catalog, by key. */
  explain: ReadonlyMap<string, Explanation>;
  /** One level per channel, by the catalog's channel index: checked with one array read. */
  channelLevels: Uint8Array;
  channels: ReadonlyMap<string, ChannelExplanation>;
}

const isLive = (o: PermissionOverride, now: number) => o.expiresAt === null || o.expiresAt > now;

/**
 * The effective permissions of one user (DESIGN.md): for each held profile, its role's core
 * permissions plus its enabled toggles; plus live grant overrides, minus live revoke overrides
 * (core permissions cannot be revoked); minus whatever a switched-off account feature takes away.
 * Pure: everything it needs comes in `input`.
 */
export function effectivePermissions(catalog: Catalog, input: EffectiveInput): EffectivePermissions {
  const explain = new Map<string, Explanation>();
  for (const p of catalog.permissions) explain.set(p.key, { key: p.key, allowed: false, sources: [], missing: [] });
  const entry = (key: string) => explain.get(key);

  const coreKeys = new Set<string>();
  for (const held of input.profiles) {
    const role = catalog.roleByKey.get(held.roleKey);
    if (!role) continue; // a role that left the catalog grants nothing
    for (const c of role.core) {
      coreKeys.add(c.key);
      entry(c.key)?.sources.push({ kind: 'core', roleKey: role.key, roleName: role.name });
    }
    for (const key of held.enabled) {
      if (!role.permissionByKey.has(key)) continue; // not a permission of this role: ignored
      entry(key)?.sources.push({
        kind: 'profile',
        profileId: held.profileId,
        profileName: held.profileName,
        roleKey: role.key,
        version: held.version,
      });
    }
  }

  const revoked = new Set<string>();
  for (const o of input.overrides) {
    if (o.effect === 'level') continue;
    const e = entry(o.permissionKey);
    if (!e) continue;
    if (!isLive(o, input.now)) {
      if (o.effect === 'grant') {
        e.missing.push({ kind: 'grant-expired', overrideId: o.id, by: o.createdBy, expiredAt: o.expiresAt! });
      }
      continue;
    }
    if (o.effect === 'grant') {
      e.sources.push({ kind: 'grant', overrideId: o.id, by: o.createdBy, reason: o.reason, expiresAt: o.expiresAt });
    } else if (!coreKeys.has(o.permissionKey)) {
      revoked.add(o.permissionKey);
      e.missing.push({ kind: 'revoked', overrideId: o.id, by: o.createdBy, reason: o.reason, expiresAt: o.expiresAt });
    }
  }

  const bits = new PermissionBits(catalog.permissions.length);
  for (const meta of catalog.permissions) {
    const e = explain.get(meta.key)!;
    if (meta.feature && !input.enabledFeatures.has(meta.feature)) {
      e.missing.push({ kind: 'feature-off', feature: meta.feature, featureName: catalog.featureByKey.get(meta.feature)?.name ?? meta.feature });
    }
    if (e.sources.length === 0) e.missing.unshift({ kind: 'not-in-profiles' });
    e.allowed = e.sources.length > 0 && !e.missing.some((m) => m.kind === 'revoked' || m.kind === 'feature-off');
    if (e.allowed) e.missing = [];
  }
  // A prerequisite he lacks takes away what needs it, and what needs that in turn.
  for (let changed = true; changed;) {
    changed = false;
    for (const meta of catalog.permissions) {
      const e = explain.get(meta.key)!;
      if (!e.allowed) continue;
      const lacking = meta.requires.find((r) => !explain.get(r)?.allowed);
      if (lacking === undefined) continue;
      e.allowed = false;
      e.missing.push({ kind: 'missing-prerequisite', requires: lacking, requiresName: catalog.permissionByKey.get(lacking)?.name ?? lacking });
      changed = true;
    }
  }
  for (const meta of catalog.permissions) if (explain.get(meta.key)!.allowed) bits.set(meta.bit);
  const { channelLevels, channels } = effectiveChannels(catalog, input);
  return { bits, explain, channelLevels, channels };
}

/**
 * Channel levels: for each channel the highest level any held profile gives it (a main channel's
 * level flows to its sub-channels unless a sub-channel sets its own); a live "level" override on
 * the channel, or on its main channel, then decides.
 */
function effectiveChannels(catalog: Catalog, input: EffectiveInput) {
  const channels = new Map<string, ChannelExplanation>();
  for (const c of catalog.channels) channels.set(c.key, { key: c.key, level: 'none', sources: [] });
  for (const held of input.profiles) {
    if (!catalog.roleByKey.has(held.roleKey)) continue;
    for (const [key, resolved] of resolveChannelLevels(catalog.channels, held.channels ?? {})) {
      if (resolved.level === 'none' && !held.channels?.[key]) continue;
      const e = channels.get(key)!;
      e.sources.push({
        kind: 'profile',
        profileId: held.profileId,
        profileName: held.profileName,
        version: held.version,
        level: resolved.level,
        inheritedFrom: resolved.inheritedFrom,
      });
      e.level = maxLevel(e.level, resolved.level);
    }
  }
  const live = input.overrides.filter((o) => o.effect === 'level' && o.level && (o.expiresAt === null || o.expiresAt > input.now)).sort((a, b) => a.id - b.id);
  for (const c of catalog.channels) {
    // The newest override on the channel itself wins over one on its main channel.
    const own = live.filter((o) => o.permissionKey === c.key).at(-1);
    const viaMain = c.parent ? live.filter((o) => o.permissionKey === c.parent).at(-1) : undefined;
    const o = own ?? viaMain;
    if (!o) continue;
    const e = channels.get(c.key)!;
    e.level = o.level!;
    e.sources.push({
      kind: 'override',
      overrideId: o.id,
      by: o.createdBy,
      reason: o.reason,
      expiresAt: o.expiresAt,
      level: o.level!,
      inheritedFrom: own ? null : c.parent,
    });
  }
  const channelLevels = new Uint8Array(catalog.channels.length);
  for (const c of catalog.channels) channelLevels[c.index] = levelRank(channels.get(c.key)!.level);
  return { channelLevels, channels };
}

/**
 * What an API key may use: its user's effective permissions (read fresh for every call) cut down
 * to the key's list, so a key never does more than its user may do at that moment, nor more than
 * it was given. Channel levels stay the user's: a key lists permissions, not channels.
 */
export function limitToApiKey(catalog: Catalog, effective: EffectivePermissions, keyPermissions: Iterable<string>): EffectivePermissions {
  const listed = bitsOf(catalog, keyPermissions);
  const explain = new Map<string, Explanation>();
  for (const [key, e] of effective.explain) {
    const bit = catalog.permissionByKey.get(key)?.bit;
    const cut = e.allowed && (bit === undefined || !listed.has(bit));
    explain.set(key, cut ? { ...e, allowed: false, missing: [{ kind: 'not-in-api-key' }] } : e);
  }
  const bits = effective.bits.clone();
  for (const b of effective.bits.bits()) if (!listed.has(b)) bits.clear(b);
  return { ...effective, bits, explain };
}

/** O(1): does this user hold at least `level` in the channel at `index`? */
export function hasChannelLevel(effective: Pick<EffectivePermissions, 'channelLevels'>, index: number, level: Level): boolean {
  return (effective.channelLevels[index] ?? 0) >= levelRank(level);
}

/** Bits of a list of permission keys; unknown keys are ignored. */
export function bitsOf(catalog: Catalog, keys: Iterable<string>): PermissionBits {
  const bits = new PermissionBits(catalog.permissions.length);
  for (const key of keys) {
    const meta = catalog.permissionByKey.get(key);
    if (meta) bits.set(meta.bit);
  }
  return bits;
}

export function keysOf(catalog: Catalog, bits: PermissionBits): string[] {
  return [...bits.bits()].map((b) => catalog.permissions[b]!.key);
}
