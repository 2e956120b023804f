import { USER_MANAGEMENT } from '../console';
import { roleRefusal } from './assign';
import { guardedPermissions } from './last-holder';
import { holds, holdsOrCovers, managesUsersAccountWide, reachOfAny, type Subject } from './subject';

/** Does `s` reach a user who is a member of `groupId`, by any user-management permission? */
export function reachesMember(s: Subject, groupId: number | null): boolean {
  const reach = reachOfAny(s, USER_MANAGEMENT);
  if (reach === 'account') return true;
  return reach === 'managed-groups' && groupId !== null && s.subtree.has(groupId);
}

/** Could `s` act on `other` by reach and role (the reverse-management test; ranks and console permissions aside)? */
function canActOn(s: Subject, other: Subject): boolean {
  return reachesMember(s, other.groupId) && [...other.roleKeys].every((k) => roleRefusal(s, k) === null);
}

/**
 * May `actor` act on `target` at all (his profiles, overrides, status, details, deletion)? Null
 * when he may, else the reason. Nobody manages:
 * - a user whose roles rank above his own;
 * - a user who holds a console permission (or its granular one) he neither holds nor covers (his
 *   password, then his powers);
 * and an agent manager, besides:
 * - a user outside his group structure, or one who manages groups outside it;
 * - a user of a role his permissions do not name;
 * - a user who can act on him (whose reach covers the agent manager's own group): a peer or a
 *   superior, or someone the manager made, never used to lift what was put on the manager.
 * Whether one may act on oneself is each verb's own rule.
 */
export function manageRefusal(actor: Subject, target: Subject): string | null {
  if (target.maxRank > actor.maxRank) return 'You may not manage a user whose role ranks above yours.';
  const { catalog } = actor;
  const beyond = guardedPermissions(catalog).filter((k) => holds(target, k) && !holdsOrCovers(actor, k));
  if (beyond.length)
    return `You may not manage this user: he holds ${beyond.map((k) => `"${catalog.permissionByKey.get(k)?.name ?? k}"`).join(', ')}, which you don't.`;
  if (managesUsersAccountWide(actor)) return null;
  if (!reachesMember(actor, target.groupId)) return 'This user is outside your group structure.';
  for (const roleKey of target.roleKeys) {
    const refusal = roleRefusal(actor, roleKey);
    if (refusal) return `You may not manage this user: ${refusal}`;
  }
  if (target.managedGroupIds.some((g) => !actor.subtree.has(g))) return 'You may not manage this user: he manages groups outside your group structure.';
  if (target.userId !== actor.userId && canActOn(target, actor)) return 'You may not manage this user: his group structure includes you, so he can manage you.';
  return null;
}
