import type { Role } from '../catalog';
import type { ChannelSettings } from '../channels';
import { diffKeys } from '../profile-rules';
import { manageableProfileRoles } from './assign';
import { grantRefusals, levelRefusals, levelsOf } from './grant';
import { manageRefusal } from './manage';
import type { Subject } from './subject';

/** Moving a profile's holders to a new version: what they hold now, and what they would get. */
export interface VersionChange {
  profileName: string;
  role: Role;
  /** The role's default states (a work permission on by default is the account's baseline). */
  defaults: ReadonlySet<string>;
  /** Each version somebody holds now. */
  held: readonly { permissions: readonly string[]; channels: ChannelSettings }[];
  next: readonly string[];
  nextChannels: ChannelSettings;
  /** The highest rank among the holders' roles (all their profiles, not just this one). */
  holdersTopRank: number;
}

/**
 * mayApply: moving every holder of a profile to `next` (Save and apply, a rollback applied, Apply
 * to all holders). Holders of any older version may gain what `next` adds over theirs, so the actor
 * must be able to give all of it, channel levels included; no holder may rank above him; and
 * unless he manages profiles account-wide, he must be able to manage every holder (mayManage: reach, rank, what they hold,
 * what they manage). The refusals, empty when allowed; `holders` is read only when it matters.
 */
export function applyRefusals(actor: Subject, change: VersionChange, holders: () => Iterable<Subject>): string[] {
  if (change.held.length === 0) return [];
  // The rank rule holds for account-wide profile managers too: a deputy does not move an Admin.
  if (change.holdersTopRank > actor.maxRank)
    return [`"${change.profileName}" is held by users whose role ranks above yours; save it for new users only, or ask one of them to apply it.`];
  const added = new Set(change.held.flatMap((h) => diffKeys(h.permissions, change.next).added));
  const out = grantRefusals(actor, change.role, added, change.defaults);
  out.push(
    ...levelRefusals(
      actor,
      change.held.map((h) => levelsOf(actor.catalog, h.channels)),
      levelsOf(actor.catalog, change.nextChannels),
    ),
  );
  if (out.length || manageableProfileRoles(actor) === 'all') return out;
  let beyond = 0;
  for (const holder of holders()) if (holder.userId !== actor.userId && manageRefusal(actor, holder) !== null) beyond++;
  if (beyond) {
    out.push(
      `"${change.profileName}" is held by ${beyond} user(s) you may not manage (outside your group structure, or holding more than you); save it for new users only, or ask an administrator to apply it.`,
    );
  }
  return out;
}
