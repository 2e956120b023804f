import type { Catalog } from '../catalog';
import { CONSOLE } from '../console';
import { coveringPermissions, reachOf, reachOfAny, type Subject } from './subject';

type Holder = Pick<Subject, 'effective' | 'catalog' | 'managedGroupIds'>;

/**
 * Console permissions somebody active must always keep: losing the last holder of any of them
 * locks the account out of that part of itself. Those this catalog has, with their granular
 * permissions (Aivo's "Users: create").
 */
export function guardedPermissions(catalog: Catalog): string[] {
  const keys = Object.values(CONSOLE).filter((k) => catalog.permissionByKey.has(k));
  return [...keys, ...keys.flatMap((k) => [...(catalog.granularOf.get(k)?.values() ?? [])])];
}

/**
 * He can use `key`, not merely hold it: a holder counts for the last-holder rule only then. An
 * account-wide grant (or an account-wide permission that covers it) always counts; a permission
 * reaching only managed groups counts for the in-group permissions, and only over groups he
 * manages. A "View and export audit trail" granted to an agent opens nothing: it keeps nobody in.
 */
export function usesPermission(s: Holder, key: string): boolean {
  const reach = reachOf(s, key);
  const covering = coveringPermissions(s.catalog, key);
  if (reach === 'account' || reachOfAny(s, covering) === 'account') return true;
  // The narrow, in-group permissions (those an account-wide one covers) work over managed groups.
  return reach === 'managed-groups' && covering.length > 0 && s.managedGroupIds.length > 0;
}

/**
 * The last holder keeps it, step one: the guarded permissions that some of the users a change
 * touches use `before` and none of them uses `after` (null: he is deactivated or deleted).
 * Step two is the dal's: does anybody else active use it?
 */
export function permissionsLost(catalog: Catalog, change: readonly { before: Holder | null; after: Holder | null }[]): string[] {
  const uses = (h: Holder | null, key: string) => h !== null && usesPermission(h, key);
  return guardedPermissions(catalog).filter((key) => change.some((c) => uses(c.before, key)) && !change.some((c) => uses(c.after, key)));
}

/** The refusal when `key` would be left with no active holder. */
export function lastHolderRefusal(catalog: Catalog, key: string): string {
  const label = catalog.permissionByKey.get(key)?.name ?? key;
  return `No active user would hold "${label}" after this change; give it to someone else first.`;
}
