import 'server-only';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { missingVerbPermissions, reachFor, reachOf, type Verb } from '@/lib/permissions/policy';
import { DalError } from './errors';
import { subtreeOf, type Principal } from './principal';
import { logger } from '@/lib/log/logger';

export type Scope = { kind: 'account' } | { kind: 'groups'; groupIds: ReadonlySet<number> };

export { holds, reachFor, reachOf, reachOfAny, holdsOrCovers } from '@/lib/permissions/policy';

/**
 * What an actor may do, as one comparable value: each permission he holds with its reach, his
 * level in each channel, his roles and their rank, and the groups he manages.
 */
export function grantsOf(p: Principal): string {
  const held = [...p.effective.explain.values()]
    .filter((e) => e.allowed)
    .map((e) => `${e.key}:${reachOf(p, e.key)}`)
    .sort();
  const levels = [...p.effective.channels.values()].map((c) => `${c.key}:${c.level}`).sort();
  return JSON.stringify([held, levels, [...p.roleKeys].sort(), p.maxRank, [...p.managedGroupIds].sort((a, b) => a - b)]);
}

/** The groups an agent manager reaches, read now (a group he just made is in it). */
export function managedSubtree(p: Principal): ReadonlySet<number> {
  p.subtree = subtreeOf(p.managedGroupIds);
  return p.subtree;
}

/** Record a refusal in the security log; a failure to record never hides the refusal itself. */
export function recordDeniedAttempt(p: Principal, action: string, reason: string): void {
  try {
    const actorName = p.apiKey ? `API key "${p.apiKey.name}" for ${p.loginName}` : p.loginName;
    getDb().insert(t.deniedAttempts).values({ actorId: p.userId, actorName, source: p.source, action, reason }).run();
  } catch (error) {
    logger.error({ err: error }, 'could not record a denied attempt');
  }
}

/** A refusal is recorded in the security log, then thrown; the refused change never starts (or is rolled back). */
export function deny(
  p: Principal,
  action: string,
  reason: string,
  /** "invalid" for a choice out of reach that a form shows as unknown (a group, a profile). */
  code: 'forbidden' | 'not-found' | 'invalid' = 'forbidden',
  fieldErrors?: Record<string, string[]>,
): never {
  const error = new DalError(code, reason, fieldErrors);
  if (getDb().$client.inTransaction) error.recordAfterRollback = () => recordDeniedAttempt(p, action, reason);
  else recordDeniedAttempt(p, action, reason);
  throw error;
}

export function permissionNames(p: Principal, keys: readonly string[]): string {
  // A capability lists the keys every preset uses for it; name only those this catalog has.
  const known = keys.filter((k) => p.catalog.permissionByKey.has(k));
  // None of them exists in this preset (Aivo Live has no "Manage skills"): say so, not a raw key.
  if (known.length === 0) return `a permission the ${p.catalog.title} preset does not have`;
  const names = known.map((k) => `"${p.catalog.permissionByKey.get(k)!.name}"`);
  return names.length === 1 ? `the permission ${names[0]!}` : `one of the permissions ${names.join(', ')}`;
}

/**
 * The first line of every verb: the actor holds at least one of `anyOf`, and where the catalog
 * has granular permissions (Aivo Live's "Users: create"), the one for `verb` too; returns how far
 * he may act (the widest reach among the permissions that let him).
 */
export function authorize(p: Principal, action: string, anyOf: readonly string[], verb: Verb): Scope {
  const reach = reachFor(p, anyOf, verb);
  if (reach === null) {
    const granular = missingVerbPermissions(p, anyOf, verb);
    deny(p, action, `You need ${permissionNames(p, granular.length ? granular : anyOf)} to ${action}.`);
  }
  if (reach === 'account') return { kind: 'account' };
  return { kind: 'groups', groupIds: managedSubtree(p) };
}
