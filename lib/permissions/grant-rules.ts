import type { Role } from './catalog';
import { CONSOLE } from './console';

const CONSOLE_KEYS: ReadonlySet<string> = new Set(Object.values(CONSOLE));

export function isConsolePermission(key: string): boolean {
  return CONSOLE_KEYS.has(key);
}

export interface Granter {
  /** Permissions he holds right now. */
  holds: (key: string) => boolean;
  /** He manages profiles or users account-wide (an admin, not an agent manager). */
  accountWide: boolean;
}

/**
 * No escalation: may this person switch `key` on in a profile of `role`, or hand it out by
 * assigning one? He may hand out what he holds himself. Beyond that, a work permission (not a
 * console permission) that the role has on by default (`defaults`, resolved from the account's
 * features) is the account's baseline, not a grant of
 * his; and an account-wide administrator may hand out any work permission. A console permission
 * (managing users, profiles, groups, skills, API keys, the audit trail) only by its holders.
 * Returns null when allowed, else the reason.
 */
export function grantRefusal(granter: Granter, role: Role, key: string, defaults: ReadonlySet<string>): string | null {
  if (granter.holds(key)) return null;
  const permission = role.permissionByKey.get(key);
  if (!isConsolePermission(key)) {
    if (granter.accountWide) return null;
    if (defaults.has(key)) return null;
  }
  return `You don't hold "${permission?.name ?? key}" yourself, so you can't give it to others.`;
}
