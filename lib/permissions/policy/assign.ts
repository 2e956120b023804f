import { CONSOLE } from '../console';
import { managesUsersAccountWide, reachOf, type Subject } from './subject';

type Holder = Pick<Subject, 'effective' | 'catalog'>;

/** The roles whose users an agent manager's in-group permissions name (a custom role counts as its base). */
export const USER_ROLE_PERMISSION: Readonly<Record<string, string>> = {
  agent: CONSOLE.manageAgentUsersInGroup,
  'agent-manager': CONSOLE.manageAgentManagerUsersInGroup,
};

/** The base roles whose users `actor` may manage: null for all of them (an account-wide user admin). */
export function managedBaseRoles(actor: Pick<Subject, 'effective' | 'catalog'>): ReadonlySet<string> | null {
  if (managesUsersAccountWide(actor)) return null;
  return new Set(
    Object.entries(USER_ROLE_PERMISSION)
      .filter(([, permission]) => reachOf(actor, permission))
      .map(([key]) => key),
  );
}

/**
 * The rank hierarchy, for giving or taking a profile of `roleKey`: the top-ranked role only by
 * its holders (only an Administrator assigns Administrator), no role ranked above your own, and an
 * agent manager only the roles his permissions name. Null when allowed.
 */
export function roleRefusal(actor: Pick<Subject, 'effective' | 'catalog' | 'roleKeys' | 'maxRank'>, roleKey: string): string | null {
  const { catalog } = actor;
  const role = catalog.roleByKey.get(roleKey);
  if (!role) return `There is no role "${roleKey}".`;
  if (role.rank === catalog.topRank && !actor.roleKeys.has(role.key)) return `Only holders of the ${role.name} role may assign it.`;
  if (role.rank > actor.maxRank) return `You may not assign a role ranked above your own (${role.name}).`;
  const named = managedBaseRoles(actor);
  if (named && !named.has(role.baseRoleKey))
    return `Your permissions let you manage users of the ${[...named].map((k) => catalog.roleByKey.get(k)?.name).join(' and ') || 'no'} role(s), not ${role.name}.`;
  return null;
}

/** The roles whose profiles an agent manager's in-group permissions name. */
export const PROFILE_ROLE_PERMISSION: Readonly<Record<string, string>> = {
  agent: CONSOLE.manageAgentProfilesInGroup,
  'agent-manager': CONSOLE.manageAgentManagerProfilesInGroup,
};

/** The roles whose profiles `actor` manages: all of them (Manage profiles account-wide), or those his permissions name. */
export function manageableProfileRoles(actor: Holder): 'all' | Set<string> {
  if (reachOf(actor, CONSOLE.manageProfiles) === 'account') return 'all';
  const named = Object.entries(PROFILE_ROLE_PERMISSION)
    .filter(([, permission]) => reachOf(actor, permission))
    .map(([key]) => key);
  // A custom role counts as its base role.
  return new Set(actor.catalog.roles.filter((r) => named.includes(r.baseRoleKey)).map((r) => r.key));
}

/**
 * He manages the profiles of `roleKey` (sees, adds, edits, applies, deletes them): a role his
 * profile permissions name, and never one ranked above his own (a custom role based on Admin but
 * ranked below it touches no Admin profile).
 */
export function mayManageProfilesOf(actor: Holder & Pick<Subject, 'maxRank'>, roleKey: string): boolean {
  const role = actor.catalog.roleByKey.get(roleKey);
  if (!role || role.rank > actor.maxRank) return false;
  const roles = manageableProfileRoles(actor);
  return roles === 'all' || roles.has(roleKey);
}

/** A custom role he edits or deletes, or ranks a role at: never above his own rank. Null when allowed. */
export function roleRankRefusal(actor: Pick<Subject, 'maxRank'>, role: { name: string; rank: number } | { rank: number }): string | null {
  if (role.rank <= actor.maxRank) return null;
  return 'name' in role ? `"${role.name}" ranks above your own role.` : 'You may not rank a role above your own.';
}

/**
 * The highest rank a custom role based on `base` may have when `actor` sets it: no higher than its
 * base, below the top rank (the top-ranked role stays the one only its holders assign), and not
 * above the actor's own.
 */
export function maxCustomRoleRank(actor: Pick<Subject, 'catalog' | 'maxRank'>, base: { rank: number }): number {
  return Math.min(base.rank, actor.catalog.topRank - 1, actor.maxRank);
}
