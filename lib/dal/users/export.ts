import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { writeCsv } from '@/lib/csv';
import { CONSOLE, USER_ADMIN } from '@/lib/permissions/console';
import { CSV_LIST_SEPARATOR, listUsersInput, USER_CSV_COLUMNS } from '@/lib/schemas/users';
import { authorize } from '../authorize';
import { pseudonymizer } from '../anonymize';
import { parseInput } from '../errors';
import type { Principal } from '../principal';
import { resolveFilter, userConditions } from './filter';

/** Separates the groups of a path in the users CSV. */
export const GROUP_PATH_SEPARATOR = ' / ';

/**
 * How the users CSV names each group: its name, or its path from the top ("Lisbon / Billing") when
 * another group has the same name, so an export re-imports. With `paths`, every group's path.
 */
export function groupLabels(groups: readonly { id: number; parentId: number | null; name: string }[], paths = false): Map<number, string> {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const named = new Map<string, number>();
  for (const g of groups) named.set(g.name.toLowerCase(), (named.get(g.name.toLowerCase()) ?? 0) + 1);
  const pathOf = (id: number): string => {
    const g = byId.get(id)!;
    return g.parentId === null || !byId.has(g.parentId) ? g.name : `${pathOf(g.parentId)}${GROUP_PATH_SEPARATOR}${g.name}`;
  };
  return new Map(groups.map((g) => [g.id, paths || named.get(g.name.toLowerCase())! > 1 ? pathOf(g.id) : g.name]));
}

const EXPORT_PERMISSIONS = [...USER_ADMIN, CONSOLE.exportUsersInGroup];

/**
 * The users the list's filters show, every page of them, as CSV: profiles with their roles,
 * group, skills, status. Holders of "Manage users and roles" export the account; agent managers
 * with "Export list of users in group" their subtree.
 */
export function exportUsersCsv({ ctx, input }: { ctx: Principal; input: unknown }): string {
  const scope = authorize(ctx, 'export the users list', EXPORT_PERMISSIONS, 'view');
  const q = parseInput(listUsersInput, input);
  const db = getDb();
  const groupName = groupLabels(db.select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).all());
  const users = db
    .select({
      id: t.users.id,
      loginName: t.users.loginName,
      name: t.users.name,
      email: t.users.email,
      nickname: t.users.nickname,
      status: t.users.status,
      groupId: t.users.groupId,
      maxChats: t.users.maxChats,
    })
    .from(t.users)
    .where(userConditions(resolveFilter(scope, q), 'drive'))
    .orderBy(sql`${t.users.name} collate nocase`, t.users.id)
    .all();
  const profiles = db
    .select({ userId: t.userProfiles.userId, name: t.profiles.name, roleName: t.roles.name })
    .from(t.userProfiles)
    .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
    .innerJoin(t.roles, eq(t.roles.key, t.userProfiles.roleKey))
    .orderBy(t.roles.rank)
    .all();
  const skills = db
    .select({ userId: t.userSkills.userId, name: t.skills.name })
    .from(t.userSkills)
    .innerJoin(t.skills, eq(t.skills.id, t.userSkills.skillId))
    .all();
  const byUser = <T extends { userId: number }>(rows: T[]) => {
    const map = new Map<number, T[]>();
    for (const r of rows) map.set(r.userId, [...(map.get(r.userId) ?? []), r]);
    return map;
  };
  const profilesOf = byUser(profiles);
  const skillsOf = byUser(skills);
  const alias = pseudonymizer(ctx);
  return writeCsv(
    users.map((u) => {
      const hide = alias !== null && u.id !== ctx.userId;
      return [
        hide ? alias(u.id) : u.loginName,
        hide ? alias(u.id) : u.name,
        hide ? '' : u.email,
        hide ? alias(u.id) : u.nickname,
        (profilesOf.get(u.id) ?? []).map((p) => p.name).join(`${CSV_LIST_SEPARATOR} `),
        [...new Set((profilesOf.get(u.id) ?? []).map((p) => p.roleName))].join(`${CSV_LIST_SEPARATOR} `),
        u.groupId !== null ? (groupName.get(u.groupId) ?? '') : '',
        (skillsOf.get(u.id) ?? [])
          .map((s) => s.name)
          .sort()
          .join(`${CSV_LIST_SEPARATOR} `),
        u.maxChats ?? '',
        u.status,
      ];
    }),
    { header: true, columns: [...USER_CSV_COLUMNS] },
  );
}
