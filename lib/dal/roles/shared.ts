import 'server-only';
import type { Verb } from '@/lib/permissions/policy';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import type { Role } from '@/lib/permissions/catalog';
import { ROLE_ADMIN } from '@/lib/permissions/console';
import { authorize, deny } from '../authorize';
import { DalError } from '../errors';
import type { Principal } from '../principal';

const ROLE_PERMISSIONS = ROLE_ADMIN;

export function requireRoles(ctx: Principal, action: string, verb: Verb) {
  const scope = authorize(ctx, action, ROLE_PERMISSIONS, verb);
  if (scope.kind !== 'account') deny(ctx, action, 'Roles are managed by account-wide administrators.');
}

export function builtInBase(ctx: Principal, key: string): Role {
  const role = ctx.catalog.roleByKey.get(key);
  if (!role || !role.builtIn) throw new DalError('invalid', 'Choose a built-in role as the base.', { baseRoleKey: ['Unknown base role'] });
  return role;
}

export function usage(key: string) {
  const db = getDb();
  const profiles = db
    .select({ id: t.profiles.id, name: t.profiles.name, isDefault: t.profiles.isDefault })
    .from(t.profiles)
    .where(eq(t.profiles.roleKey, key))
    .all();
  const users = db
    .select({ loginName: t.users.loginName })
    .from(t.userProfiles)
    .innerJoin(t.users, eq(t.users.id, t.userProfiles.userId))
    .where(eq(t.userProfiles.roleKey, key))
    .orderBy(t.users.loginName)
    .all()
    .map((u) => u.loginName);
  return { profiles, users };
}
