import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { roleDefaults, type Role } from '@/lib/permissions/catalog';
import { grantRefusals, isExclusive, maxCustomRoleRank } from '@/lib/permissions/policy';
import { roleEditorInput } from '@/lib/schemas/roles';
import { DalError, parseInput } from '../errors';
import { enabledFeatures, type Principal } from '../principal';
import type { ProfilePermissionRow } from '../profiles/read';
import { builtInBase, requireRoles, usage } from './shared';

export interface RoleSummary {
  key: string;
  name: string;
  description: string;
  rank: number;
  builtIn: boolean;
  baseRoleKey: string;
  baseRoleName: string;
  core: { key: string; name: string }[];
  permissions: { key: string; name: string; category: string; default: string; on: boolean }[];
  profiles: number;
  users: number;
  rowVersion: number;
}

export function listRoles({ ctx }: { ctx: Principal }): RoleSummary[] {
  requireRoles(ctx, 'see roles', 'view');
  const features = enabledFeatures();
  const versions = new Map(
    getDb()
      .select({ key: t.roles.key, rowVersion: t.roles.rowVersion })
      .from(t.roles)
      .all()
      .map((r) => [r.key, r.rowVersion]),
  );
  return ctx.catalog.roles.map((role) => {
    const on = new Set(roleDefaults(role, features));
    const used = usage(role.key);
    return {
      key: role.key,
      name: role.name,
      description: role.description,
      rank: role.rank,
      builtIn: role.builtIn,
      baseRoleKey: role.baseRoleKey,
      baseRoleName: ctx.catalog.roleByKey.get(role.baseRoleKey)?.name ?? role.baseRoleKey,
      core: role.core,
      permissions: role.permissions.map((p) => ({ key: p.key, name: p.name, category: p.category, default: p.default, on: on.has(p.key) })),
      profiles: used.profiles.length,
      users: new Set(used.users).size,
      rowVersion: versions.get(role.key) ?? 1,
    };
  });
}

export interface RoleEditorData {
  key: string | null;
  rowVersion: number;
  name: string;
  description: string;
  rank: number;
  maxRank: number;
  base: { key: string; name: string; core: { key: string; name: string }[] };
  rolePermissions: ProfilePermissionRow[];
  defaults: string[];
  baseDefaults: string[];
  defaultProfileId: number | null;
}

function editorRows(ctx: Principal, base: Role, baseDefaults: Set<string>): ProfilePermissionRow[] {
  const features = enabledFeatures();
  return base.permissions.map((p) => {
    const feature = ctx.catalog.permissionByKey.get(p.key)?.feature;
    return {
      ...p,
      roleDefault: baseDefaults.has(p.key),
      featureOff: feature && !features.has(feature) ? (ctx.catalog.featureByKey.get(feature)?.name ?? feature) : null,
      grantRefusal: grantRefusals(ctx, null, [p.key], baseDefaults)[0] ?? null,
    };
  });
}

/** What the role editor needs: a new role from `baseRoleKey`, or an existing custom role. */
export function getRoleEditor({ ctx, input }: { ctx: Principal; input: unknown }): RoleEditorData {
  requireRoles(ctx, 'edit roles', 'edit');
  const data = parseInput(roleEditorInput, input);
  const role = data.key ? ctx.catalog.roleByKey.get(data.key) : undefined;
  if (data.key && (!role || role.builtIn)) throw new DalError('not-found', 'There is no such custom role; built-in roles cannot be edited.');
  const base = builtInBase(ctx, role?.baseRoleKey ?? data.baseRoleKey ?? '');
  // A custom role never holds what is exclusive to its base (Aivo's Administrator-only permissions).
  const baseDefaults = roleDefaults(base, enabledFeatures()).filter((k) => !isExclusive(ctx.catalog, k));
  const maxRank = maxCustomRoleRank(ctx, base);
  const row = role ? getDb().select().from(t.roles).where(eq(t.roles.key, role.key)).get() : undefined;
  const defaultProfile = role
    ? getDb()
        .select({ id: t.profiles.id })
        .from(t.profiles)
        .where(and(eq(t.profiles.roleKey, role.key), eq(t.profiles.isDefault, true)))
        .get()
    : undefined;
  return {
    key: role?.key ?? null,
    rowVersion: row?.rowVersion ?? 0,
    name: role?.name ?? '',
    description: role?.description ?? '',
    rank: Math.min(role?.rank ?? base.rank, maxRank),
    maxRank,
    base: { key: base.key, name: base.name, core: base.core },
    rolePermissions: editorRows(ctx, base, new Set(baseDefaults)),
    defaults: role ? (row?.defaults ?? []) : baseDefaults,
    baseDefaults,
    defaultProfileId: defaultProfile?.id ?? null,
  };
}
