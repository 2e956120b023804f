import 'server-only';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import type { Catalog } from '@/lib/permissions/catalog';
import { effectivePermissions, type EffectiveInput } from '@/lib/permissions/effective';
import { coveringPermissions, lastHolderRefusal, manageRefusal, permissionsLost, usesPermission, type Subject } from '@/lib/permissions/policy';
import { deny } from './authorize';
import { subjectOf, type Principal } from './principal';

/**
 * The dal's side of the policy: read the facts a rule needs, ask lib/permissions/policy, and
 * turn a refusal into a logged DalError. No rule is decided here.
 */

/**
 * Why `actor` may not act on user `userId` (null: he may); "no such user" when he does not exist.
 * The actor is the principal of a request, or any user (AuthZEN asks about a subject's reach).
 */
export function manageVerdict(actor: Subject, userId: number): string | null {
  const target = subjectOf(userId);
  if (!target) return 'There is no such user.';
  return manageRefusal(actor, target);
}

/** Refuse, in the security log, any change by `ctx` to a user he may not manage. */
export function assertMayManage(ctx: Principal, userId: number, action: string): void {
  const refusal = manageVerdict(ctx, userId);
  if (refusal) deny(ctx, action, refusal);
}

/**
 * The last holder keeps it, on every path that changes users (unassign, assign over, revoke,
 * deactivate, delete, deprovision): each change gives a user's access after it (null: he will be
 * inactive). Refuses when a console permission would be left with no active holder.
 */
export function assertKeepsLastHolders(
  ctx: Principal,
  action: string,
  changes: readonly { userId: number; after: (now: EffectiveInput) => EffectiveInput | null }[],
): void {
  const catalog = ctx.catalog;
  const states = changes.flatMap((c) => {
    const subject = subjectOf(c.userId);
    if (subject?.status !== 'active') return [];
    const after = c.after(subject.input);
    return [{ before: subject, after: after ? { ...subject, effective: effectivePermissions(catalog, after) } : null }];
  });
  if (states.length === 0) return;
  const touched = changes.map((c) => c.userId);
  for (const key of permissionsLost(catalog, states)) {
    if (!someoneElseKeeps(catalog, key, { except: touched })) {
      deny(ctx, action, lastHolderRefusal(catalog, key), 'invalid', { form: [lastHolderRefusal(catalog, key)] });
    }
  }
}

/** Active users who may hold `key` today through a role that has it, or a grant override. */
export function activeCandidatesFor(catalog: Catalog, key: string, except: readonly number[] = []): number[] {
  const roleKeys = catalog.roles.filter((r) => r.permissionByKey.has(key) || r.coreKeys.has(key)).map((r) => r.key);
  const db = getDb();
  const notExcepted = except.length ? notInArray(t.users.id, [...except]) : sql`1`;
  const byRole = roleKeys.length
    ? db
        .selectDistinct({ id: t.users.id })
        .from(t.users)
        .innerJoin(t.userProfiles, eq(t.userProfiles.userId, t.users.id))
        .where(and(eq(t.users.status, 'active'), inArray(t.userProfiles.roleKey, roleKeys), notExcepted))
        .all()
    : [];
  const granted = db
    .selectDistinct({ id: t.userOverrides.userId })
    .from(t.userOverrides)
    .innerJoin(t.users, eq(t.users.id, t.userOverrides.userId))
    .where(and(eq(t.userOverrides.permissionKey, key), eq(t.users.status, 'active'), notExcepted))
    .all();
  return [...new Set([...byRole, ...granted].map((r) => r.id))];
}

/**
 * Someone active outside `except` would still use `key` (the policy's usesPermission: holding it
 * is not enough) once `change` is applied to each one's access; users `change` leaves alone are
 * asked first, so one of them usually answers at once.
 */
export function someoneElseKeeps(
  catalog: Catalog,
  key: string,
  { except = [], change, touches }: { except?: readonly number[]; change?: (input: EffectiveInput) => EffectiveInput; touches?: ReadonlySet<number> } = {},
): boolean {
  const candidates = [...new Set([key, ...coveringPermissions(catalog, key)].flatMap((k) => activeCandidatesFor(catalog, k, except)))];
  const ordered = touches ? [...candidates.filter((id) => !touches.has(id)), ...candidates.filter((id) => touches.has(id))] : candidates;
  return ordered.some((id) => {
    const subject = subjectOf(id);
    if (!subject) return false;
    const effective = change && touches?.has(id) !== false ? effectivePermissions(catalog, change(subject.input)) : subject.effective;
    return usesPermission({ ...subject, effective }, key);
  });
}
