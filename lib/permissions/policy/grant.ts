import { LEVEL_NAMES, levelRank, resolveChannelLevels, type ChannelSettings, type Level } from '../channels';
import type { Catalog, Role } from '../catalog';
import { isConsolePermission } from '../console';
import { holdsOrCovers, isAccountAdmin, type Subject } from './subject';

type Granter = Pick<Subject, 'effective' | 'catalog'>;

/**
 * No escalation, for one permission: may `actor` hand out `key`? He may hand out what he holds or
 * covers. Beyond that, a work permission (not a console permission) that is on by default in the
 * role it is given in is the account's baseline, not a grant of his; and an account-wide
 * administrator may hand out any work permission. A console permission only by its holders and
 * those of a permission that covers it. Returns null when allowed, else the reason.
 */
export function handOutRefusal(actor: Granter, key: string, atRoleDefault = false): string | null {
  if (holdsOrCovers(actor, key)) return null;
  if (!isConsolePermission(key) && (atRoleDefault || isAccountAdmin(actor))) return null;
  return `You don't hold "${actor.catalog.permissionByKey.get(key)?.name ?? key}" yourself, so you can't give it to others.`;
}

/**
 * The refusals for switching `keys` on where `defaults` is the baseline: in a profile of `role`,
 * or (`role` null) in the defaults of a custom role, which never holds a permission exclusive to a
 * built-in role (its holders would not get it).
 */
export function grantRefusals(actor: Granter, role: Role | null, keys: Iterable<string>, defaults: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const refusal = exclusiveRefusal(actor.catalog, key, role) ?? handOutRefusal(actor, key, defaults.has(key));
    if (refusal) out.push(refusal);
  }
  return out;
}

/**
 * A permission exclusive to one role (Aivo Live's Administrator-only ones) is given only by that
 * role: never by a profile of another role, a custom role's defaults or an override.
 * `inRole` is the role it would be given in (null: an override).
 */
export function exclusiveRefusal(catalog: Catalog, key: string, inRole: Role | null): string | null {
  const owner = catalog.roles.find((r) => r.builtIn && r.permissionByKey.get(key)?.exclusive);
  if (!owner) return null;
  if (inRole && inRole.key === owner.key) return null;
  const name = catalog.permissionByKey.get(key)?.name ?? key;
  return `"${name}" is exclusive to the ${owner.name} role: assign that role instead.`;
}

/**
 * No channel level above your own: every channel whose level `after` raises over `before` (each of
 * several earlier states; none: over No access) must stay at or below the actor's level there.
 */
export function levelRefusals(actor: Granter, before: readonly ReadonlyMap<string, Level>[], after: ReadonlyMap<string, Level>, verb = 'give'): string[] {
  const out: string[] = [];
  for (const c of actor.catalog.channels) {
    const level = after.get(c.key) ?? 'none';
    const raised = before.length === 0 ? levelRank(level) > 0 : before.some((b) => levelRank(level) > levelRank(b.get(c.key) ?? 'none'));
    const mine = actor.effective.channels.get(c.key)?.level ?? 'none';
    if (raised && levelRank(level) > levelRank(mine)) out.push(`You hold "${LEVEL_NAMES[mine]}" in ${c.name}, so you can't ${verb} "${LEVEL_NAMES[level]}".`);
  }
  return out;
}

/** A profile's channel settings as the level of every channel. */
export function levelsOf(catalog: Catalog, settings: ChannelSettings): Map<string, Level> {
  return new Map([...resolveChannelLevels(catalog.channels, settings)].map(([k, v]) => [k, v.level]));
}

/** The permissions exclusive to a built-in role, which a custom role never holds. */
export function isExclusive(catalog: Catalog, key: string): boolean {
  return exclusiveRefusal(catalog, key, null) !== null;
}
