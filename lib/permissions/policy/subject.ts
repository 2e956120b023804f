import type { Catalog } from '../catalog';
import { ROLE_ADMIN, USER_ADMIN, CONSOLE } from '../console';
import type { EffectivePermissions } from '../effective';

/**
 * What the policy knows of a person, actor or target: what he holds (with its sources, for
 * reach), his roles and their highest rank, the groups he belongs to and manages, and the subtree
 * those managed groups span. The dal reads it; the policy only decides.
 */
export interface Subject {
  userId: number;
  catalog: Catalog;
  effective: Pick<EffectivePermissions, 'explain' | 'channels'>;
  roleKeys: ReadonlySet<string>;
  /** The highest rank among his roles (0 without any). */
  maxRank: number;
  /** The group he is a member of. */
  groupId: number | null;
  managedGroupIds: readonly number[];
  /** His managed groups and every group below them. */
  subtree: ReadonlySet<number>;
}

export type Reach = 'account' | 'managed-groups' | null;

export function holds(s: Pick<Subject, 'effective'>, key: string): boolean {
  return s.effective.explain.get(key)?.allowed ?? false;
}

/**
 * How far a held permission reaches: the whole account when any role it comes from is an
 * account-wide role (Admin), else only the subtree of the groups he manages (an agent manager).
 * A permission granted by an override reaches no further than the managed groups.
 */
export function reachOf(s: Pick<Subject, 'effective' | 'catalog'>, key: string): Reach {
  const e = s.effective.explain.get(key);
  if (!e?.allowed) return null;
  const accountWide = e.sources.some((src) => (src.kind === 'core' || src.kind === 'profile') && s.catalog.roleByKey.get(src.roleKey)?.scope === 'account');
  return accountWide ? 'account' : 'managed-groups';
}

/** The widest reach among several keys of one capability. */
export function reachOfAny(s: Pick<Subject, 'effective' | 'catalog'>, keys: readonly string[]): Reach {
  const reaches = keys.map((k) => reachOf(s, k));
  return reaches.includes('account') ? 'account' : reaches.includes('managed-groups') ? 'managed-groups' : null;
}

/** The permissions the catalog declares to cover `key` (empty for most). */
export function coveringPermissions(catalog: Catalog, key: string): readonly string[] {
  return catalog.permissionByKey.get(key)?.coveredBy ?? [];
}

/**
 * Covers: he holds `key`, or holds account-wide a console permission the catalog declares to
 * cover it (Manage users and roles covers Manage agent users in group), so an account admin
 * may delegate what belongs to another role.
 */
export function holdsOrCovers(s: Pick<Subject, 'effective' | 'catalog'>, key: string): boolean {
  return holds(s, key) || reachOfAny(s, coveringPermissions(s.catalog, key)) === 'account';
}

/**
 * The one meaning of "account-wide administrator": he manages users, roles or profiles across the
 * whole account (an Admin), not inside a group structure (an agent manager).
 */
export function isAccountAdmin(s: Pick<Subject, 'effective' | 'catalog'>): boolean {
  return reachOfAny(s, [...USER_ADMIN, ...ROLE_ADMIN, CONSOLE.manageProfiles]) === 'account';
}

/** He manages users account-wide (by any key that means it in this preset). */
export function managesUsersAccountWide(s: Pick<Subject, 'effective' | 'catalog'>): boolean {
  return reachOfAny(s, USER_ADMIN) === 'account';
}

/** The highest rank among `roleKeys` (0 without any). */
export function rankOf(catalog: Catalog, roleKeys: Iterable<string>): number {
  return Math.max(0, ...[...roleKeys].map((k) => catalog.roleByKey.get(k)?.rank ?? 0));
}
