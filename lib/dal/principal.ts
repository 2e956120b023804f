import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { overrideColumns } from '@/db/columns';
import * as t from '@/db/schema';
import { rankOf, type Subject } from '@/lib/permissions/policy';
import { subtreeIds } from '@/lib/permissions/scope';
import { effectivePermissions, limitToApiKey, type EffectiveInput, type EffectivePermissions } from '@/lib/permissions/effective';
import { getCatalog } from './catalog';
import { logPosition } from './log-position';

export type Source = 'ui' | 'api';

/**
 * Who is acting, read fresh from the database on every request: his status, his profiles at
 * the versions he is on, his overrides, the account features. Nothing is trusted from the cookie
 * beyond his id and session version.
 */
export interface Principal extends Subject {
  loginName: string;
  name: string;
  source: Source;
  effective: EffectivePermissions;
  /** Set when a program acts through an API key: its permissions are the user's cut to the key's list. */
  apiKey: { id: number; name: string } | null;
  /** The session version he signed in with (null through an API key): how to read him again. */
  sessionVersion: number | null;
  /** The last audit event when he was read: every change writes one, so nothing he holds changed while it stays the last. */
  readAtEvent: number;
}

/** The key a program presents, as lib/dal/api-keys found it. */
export interface ApiKeyGrant {
  id: number;
  name: string;
  permissions: readonly string[];
}

/** What the engine needs about one user, read from the database. */
export function readEffectiveInput(userId: number, now = Date.now()): EffectiveInput {
  const db = getDb();
  const profiles = db
    .select({
      profileId: t.profiles.id,
      profileName: t.profiles.name,
      roleKey: t.userProfiles.roleKey,
      version: t.profileVersions.version,
      enabled: t.profileVersions.permissions,
      channels: t.profileVersions.channels,
    })
    .from(t.userProfiles)
    .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
    .innerJoin(
      t.profileVersions,
      and(
        eq(t.profileVersions.profileId, t.userProfiles.profileId),
        // A holder is on his own version unless "Save and apply" raised the profile's floor above it.
        eq(t.profileVersions.version, sql`max(${t.userProfiles.version}, ${t.profiles.floorVersion})`),
      ),
    )
    .where(eq(t.userProfiles.userId, userId))
    .all();
  const overrides = db
    .select({
      ...overrideColumns,
      createdBy: t.users.name,
    })
    .from(t.userOverrides)
    .innerJoin(t.users, eq(t.users.id, t.userOverrides.createdBy))
    .where(eq(t.userOverrides.userId, userId))
    .all()
    .map((o) => ({ ...o, expiresAt: o.expiresAt ? o.expiresAt.getTime() : null }));
  return { profiles, overrides, enabledFeatures: enabledFeatures(), now };
}

export function enabledFeatures(): Set<string> {
  const rows = getDb().select().from(t.accountFeatures).where(eq(t.accountFeatures.enabled, true)).all();
  return new Set(rows.map((r) => r.key));
}

/**
 * The principal of a signed-in user, or null when he is deactivated or his session is stale. With
 * an API key (no session: `sessionVersion` null), the key's user cut down to the key's permissions.
 */
export function loadPrincipal(userId: number, sessionVersion: number | null, source: Source, apiKey?: ApiKeyGrant, now = Date.now()): Principal | null {
  const db = getDb();
  const readAtEvent = logPosition(db).lastEventId;
  const user = db.select().from(t.users).where(eq(t.users.id, userId)).get();
  if (!user || user.status !== 'active') return null;
  if (apiKey ? sessionVersion !== null : user.sessionVersion !== sessionVersion) return null;
  const catalog = getCatalog();
  const input = readEffectiveInput(userId, now);
  const managed = db.select({ groupId: t.managedGroups.groupId }).from(t.managedGroups).where(eq(t.managedGroups.userId, userId)).all();
  const roleKeys = new Set(input.profiles.map((p) => p.roleKey));
  const effective = effectivePermissions(catalog, input);
  const managedGroupIds = managed.map((m) => m.groupId);
  return {
    userId: user.id,
    loginName: user.loginName,
    name: user.name,
    source,
    catalog,
    effective: apiKey ? limitToApiKey(catalog, effective, apiKey.permissions) : effective,
    roleKeys,
    maxRank: rankOf(catalog, roleKeys),
    groupId: user.groupId,
    managedGroupIds,
    subtree: subtreeOf(managedGroupIds),
    apiKey: apiKey ? { id: apiKey.id, name: apiKey.name } : null,
    sessionVersion,
    readAtEvent,
  };
}

/**
 * The same actor read again now: null when he is deactivated or signed out everywhere since, or
 * when his API key was revoked or has expired.
 */
export function reloadPrincipal(p: Principal, now = Date.now()): Principal | null {
  if (!p.apiKey) return loadPrincipal(p.userId, p.sessionVersion, p.source, undefined, now);
  const key = getDb().select().from(t.apiKeys).where(eq(t.apiKeys.id, p.apiKey.id)).get();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
  return loadPrincipal(key.userId, null, p.source, { id: key.id, name: key.name, permissions: key.permissions }, now);
}

/** The managed groups and every group below them (empty when he manages none). */
export function subtreeOf(managedGroupIds: readonly number[]): Set<number> {
  if (managedGroupIds.length === 0) return new Set();
  const groups = getDb().select({ id: t.groups.id, parentId: t.groups.parentId }).from(t.groups).all();
  return subtreeIds(groups, managedGroupIds);
}

/** The policy's facts about any user (a target of a change), read now; null when he does not exist. */
export function subjectOf(
  userId: number,
  now = Date.now(),
): (Subject & { status: 'active' | 'deactivated'; loginName: string; name: string; input: EffectiveInput }) | null {
  const db = getDb();
  const user = db.select().from(t.users).where(eq(t.users.id, userId)).get();
  if (!user) return null;
  const catalog = getCatalog();
  const input = readEffectiveInput(userId, now);
  const roleKeys = new Set(input.profiles.map((p) => p.roleKey));
  const managedGroupIds = db
    .select({ groupId: t.managedGroups.groupId })
    .from(t.managedGroups)
    .where(eq(t.managedGroups.userId, userId))
    .all()
    .map((m) => m.groupId);
  return {
    userId,
    loginName: user.loginName,
    name: user.name,
    status: user.status,
    catalog,
    input,
    effective: effectivePermissions(catalog, input),
    roleKeys,
    maxRank: rankOf(catalog, roleKeys),
    groupId: user.groupId,
    managedGroupIds,
    subtree: subtreeOf(managedGroupIds),
  };
}
