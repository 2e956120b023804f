import type { Catalog } from '../catalog';
import { CONSOLE } from '../console';
import type { EffectivePermissions } from '../effective';

type Held = Pick<EffectivePermissions, 'explain'> | null;

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
 * The last holder keeps it, step one: the guarded permissions that some of the users a change
 * touches hold `before` and none of them holds `after` (null: he is deactivated or deleted).
 * Step two is the dal's: does anybody else active hold it?
 */
export function permissionsLost(catalog: Catalog, change: readonly { before: Held; after: Held }[]): string[] {
  const has = (e: Held, key: string) => e?.explain.get(key)?.allowed === true;
  return guardedPermissions(catalog).filter((key) => change.some((c) => has(c.before, key)) && !change.some((c) => has(c.after, key)));
}

/** The refusal when `key` would be left with no active holder. */
export function lastHolderRefusal(catalog: Catalog, key: string): string {
  const label = catalog.permissionByKey.get(key)?.name ?? key;
  return `No active user would hold "${label}" after this change; give it to someone else first.`;
}
