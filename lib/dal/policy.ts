import 'server-only';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import type { Catalog } from '@/lib/permissions/catalog';
import { effectivePermissions, type EffectiveInput } from '@/lib/permissions/effective';
import { COVERED_BY } from '@/lib/permissions/console';
import { holdsOrCovers, lastHolderRefusal, manageRefusal, permissionsLost } from '@/lib/permissions/policy';
import { deny } from './authorize';
import { DalError } from './errors';
import { readEffectiveInput, subjectOf, type Principal } from './principal';

/**
 * The dal's side of the policy: read the facts a rule needs, ask lib/permissions/policy, and
 * turn a refusal into a logged DalError. No rule is decided here.
 */

/** Why `ctx` may not act on user `userId` (null: he may); "no such user" when he does not exist. */
export function manageVerdict(ctx: Principal, userId: number): string | null {
  const target = subjectOf(userId);
  if (!target) return 'There is no such user.';
  return manageRefusal(ctx, target);
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
export function assertKeepsLastHolders(ctx: Principal, changes: readonly { userId: number; after: (now: EffectiveInput) => EffectiveInput | null }[]): void {
  const catalog = ctx.catalog;
  const db = getDb();
  const active = changes.filter((c) => db.select({ status: t.users.status }).from(t.users).where(eq(t.users.id, c.userId)).get()?.status === 'active');
  if (active.length === 0) return;
  const states = active.map((c) => {
    const now = readEffectiveInput(c.userId);
    const after = c.after(now);
    return { before: effectivePermissions(catalog, now), after: after ? effectivePermissions(catalog, after) : null };
  });
  const touched = active.map((c) => c.userId);
  for (const key of permissionsLost(catalog, states)) {
    if (!someoneElseHolds(catalog, key, touched)) {
      throw new DalError('invalid', lastHolderRefusal(catalog, key), { form: [lastHolderRefusal(catalog, key)] });
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
 * Someone active outside `except` holds `key` now, or covers it (an admin keeps in-group user
 * management within reach); the engine decides "holds": one rule.
 */
function someoneElseHolds(catalog: Catalog, key: string, except: readonly number[]): boolean {
  const candidates = new Set([key, ...(COVERED_BY[key] ?? [])].flatMap((k) => activeCandidatesFor(catalog, k, except)));
  return [...candidates].some((id) => holdsOrCovers({ catalog, effective: effectivePermissions(catalog, readEffectiveInput(id)) }, key));
}
