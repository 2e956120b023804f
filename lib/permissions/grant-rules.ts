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
 * No escalation: may this person hand out `key`? He may hand out what he holds himself. Beyond
 * that, a work permission (not a console permission) that is on by default in the role it is
 * given in is the account's baseline, not a grant of his; and an account-wide administrator may
 * hand out any work permission. A console permission (managing users, profiles, groups, skills,
 * API keys, the audit trail) only by its holders. Returns null when allowed, else the reason.
 */
export function handOutRefusal(granter: Granter, key: string, name: string, atRoleDefault: boolean): string | null {
  if (granter.holds(key)) return null;
  if (!isConsolePermission(key) && (granter.accountWide || atRoleDefault)) return null;
  return `You don't hold "${name}" yourself, so you can't give it to others.`;
}

/** The rule for switching `key` on in a profile of `role`; `defaults` are the role's resolved defaults. */
export function grantRefusal(granter: Granter, role: Role, key: string, defaults: ReadonlySet<string>): string | null {
  return handOutRefusal(granter, key, role.permissionByKey.get(key)?.name ?? key, defaults.has(key));
}
