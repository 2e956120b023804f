import { and, asc, eq, sql } from 'drizzle-orm';
import type { DB } from './client';
import { preparedFor } from './prepared';
import { overrideColumns } from './columns';
import * as t from './schema';
import type { Level } from '@/lib/permissions/channels';

type Reader = Pick<DB, 'select'>;

/**
 * What an entity looks like for permissions right after an audit event, stored in the event's
 * `state` so "as of" can rebuild any past moment from the log alone. A deleted entity is
 * `{ deleted: true }`; an entity type permissions do not depend on has no state (null).
 */
export interface UserState {
  status: 'active' | 'deactivated';
  groupId: number | null;
  /** Each held profile at the version of its assignment: the holder is on max(version, the profile's floor then). */
  profiles: { profileId: number; profileName: string; roleKey: string; version: number }[];
  overrides: {
    id: number;
    permissionKey: string;
    effect: 'grant' | 'revoke' | 'level';
    level: Level | null;
    reason: string;
    /** Epoch milliseconds, or null for no expiry. */
    expiresAt: number | null;
    /** The name of who set it, and his id (readers without "Access to user performance data" see a pseudonym). */
    createdBy: string;
    createdById: number;
  }[];
}

export interface ProfileState {
  name: string;
  roleKey: string;
  headVersion: number;
  floorVersion: number;
  /** The content of the head version: every version is the head in the event that creates it. */
  head: { version: number; permissions: string[]; channels: Record<string, Level> };
}

export interface FeatureState {
  enabled: boolean;
}

export type Deleted = { deleted: true };
export const DELETED: Deleted = { deleted: true };
export const isDeleted = (state: unknown): state is Deleted => !!state && typeof state === 'object' && (state as Deleted).deleted === true;

/** The entity types whose events carry a state. */
export const STATEFUL = ['user', 'profile', 'account-feature'] as const;

export function userState(tx: Reader, userId: number): UserState | Deleted {
  const { user: userOf, profiles: profilesOf, overrides: overridesOf } = userStateQueries(tx);
  const user = userOf.get({ userId });
  if (!user) return DELETED;
  const profiles = profilesOf.all({ userId });
  const overrides = overridesOf.all({ userId }).map((o) => ({ ...o, createdBy: o.createdBy ?? '?', expiresAt: o.expiresAt ? o.expiresAt.getTime() : null }));
  return { status: user.status, groupId: user.groupId, profiles, overrides };
}

/** Prepared once per transaction (or reader): an import writes 10,000 user events in one. */
function userStateQueries(tx: Reader) {
  const userId = sql.placeholder('userId');
  return preparedFor(tx, 'user-state', () => ({
    user: tx.select({ status: t.users.status, groupId: t.users.groupId }).from(t.users).where(eq(t.users.id, userId)).prepare(),
    profiles: tx
      .select({ profileId: t.userProfiles.profileId, profileName: t.profiles.name, roleKey: t.userProfiles.roleKey, version: t.userProfiles.version })
      .from(t.userProfiles)
      .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
      .where(eq(t.userProfiles.userId, userId))
      .orderBy(asc(t.userProfiles.roleKey))
      .prepare(),
    overrides: tx
      .select({
        ...overrideColumns,
        createdBy: t.users.name,
        createdById: t.userOverrides.createdBy,
      })
      .from(t.userOverrides)
      .leftJoin(t.users, eq(t.users.id, t.userOverrides.createdBy))
      .where(eq(t.userOverrides.userId, userId))
      .orderBy(asc(t.userOverrides.id))
      .prepare(),
  }));
}

export function profileState(tx: Reader, profileId: number): ProfileState | Deleted {
  const row = tx.select().from(t.profiles).where(eq(t.profiles.id, profileId)).get();
  if (!row) return DELETED;
  const head = tx
    .select({ version: t.profileVersions.version, permissions: t.profileVersions.permissions, channels: t.profileVersions.channels })
    .from(t.profileVersions)
    .where(and(eq(t.profileVersions.profileId, profileId), eq(t.profileVersions.version, row.headVersion)))
    .get();
  if (!head) throw new Error(`profile ${profileId} has no version ${row.headVersion}`);
  return { name: row.name, roleKey: row.roleKey, headVersion: row.headVersion, floorVersion: row.floorVersion, head };
}

export function featureState(tx: Reader, key: string): FeatureState | Deleted {
  const row = tx.select({ enabled: t.accountFeatures.enabled }).from(t.accountFeatures).where(eq(t.accountFeatures.key, key)).get();
  return row ? { enabled: row.enabled } : DELETED;
}

/** The state an event about this entity carries, read inside the event's own transaction (after the change). */
export function entityState(tx: Reader, entityType: string, entityId: string | number): UserState | ProfileState | FeatureState | Deleted | null {
  switch (entityType) {
    case 'user':
      return userState(tx, Number(entityId));
    case 'profile':
      return profileState(tx, Number(entityId));
    case 'account-feature':
      return featureState(tx, String(entityId));
    default:
      return null;
  }
}
