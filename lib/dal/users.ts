import 'server-only';
import { and, asc, eq, exists, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { stringify } from 'csv-stringify/sync';
import { CONSOLE, USER_ADMIN, USER_LIST_PERMISSIONS } from '@/lib/permissions/console';
import { subtreeIds } from '@/lib/permissions/scope';
import { listUsersInput } from '@/lib/schemas/users';
import { authorize, type Scope } from './authorize';
import { pseudonymizer } from './anonymize';
import { DalError, parseInput } from './errors';
import type { Principal } from './principal';

export interface UserRow {
  id: number;
  name: string;
  loginName: string;
  email: string;
  nickname: string;
  status: 'active' | 'deactivated';
  group: { id: number; name: string } | null;
  profiles: { id: number; name: string; roleKey: string; roleName: string }[];
}

export interface UserPage {
  rows: UserRow[];
  total: number;
  /** Opaque cursors for the next and previous pages; null at either end. */
  next: string | null;
  prev: string | null;
}

const cursorSchema = z.tuple([z.union([z.string(), z.number()]), z.number().int()]);

function encodeCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const [value, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return [String(value), id];
  } catch {
    throw new DalError('invalid', 'The page link is not valid any more; start from the first page.', { after: ['Invalid page cursor'] });
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Restrict a user query to what the actor may reach. */
function scopeCondition(scope: Scope): SQL | undefined {
  if (scope.kind === 'account') return undefined;
  return scope.groupIds.size ? inArray(t.users.groupId, [...scope.groupIds]) : sql`0`;
}

type ListQuery = ReturnType<typeof listUsersInput.parse>;

/** The WHERE of the users list: the actor's reach, then the filters. Shared by the list and the export. */
function userConditions(scope: Scope, q: ListQuery, groups: { id: number; parentId: number | null }[]): SQL | undefined {
  const db = getDb();
  const conditions: (SQL | undefined)[] = [scopeCondition(scope)];
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    conditions.push(
      or(sql`${t.users.name} like ${like} escape '\\'`, sql`${t.users.loginName} like ${like} escape '\\'`, sql`${t.users.email} like ${like} escape '\\'`),
    );
  }
  if (q.status) conditions.push(eq(t.users.status, q.status));
  if (q.group !== undefined) {
    // A group filter includes its sub-groups, as the tree is shown.
    const ids = [...subtreeIds(groups, [q.group])].filter((id) => groups.some((g) => g.id === id));
    conditions.push(ids.length ? inArray(t.users.groupId, ids) : sql`0`);
  }
  if (q.role || q.profile !== undefined) {
    const held = db
      .select({ one: sql`1` })
      .from(t.userProfiles)
      .where(
        and(
          eq(t.userProfiles.userId, t.users.id),
          q.role ? eq(t.userProfiles.roleKey, q.role) : undefined,
          q.profile !== undefined ? eq(t.userProfiles.profileId, q.profile) : undefined,
        ),
      );
    conditions.push(exists(held));
  }
  return and(...conditions);
}

/**
 * The users list: filters, search, sort, and keyset pagination (no OFFSET: every page is an
 * index range scan from the cursor). An agent manager sees exactly the users of his subtree.
 */
export function listUsers({ ctx, input }: { ctx: Principal; input: unknown }): UserPage {
  const scope = authorize(ctx, 'see the users list', USER_LIST_PERMISSIONS);
  const q = parseInput(listUsersInput, input);
  const db = getDb();

  const groups = db.select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).all();
  const where = userConditions(scope, q, groups);
  const total =
    db
      .select({ n: sql<number>`count(*)` })
      .from(t.users)
      .where(where)
      .get()?.n ?? 0;

  const column = {
    name: sql`${t.users.name} collate nocase`,
    loginName: sql`${t.users.loginName} collate nocase`,
    email: sql`${t.users.email} collate nocase`,
    status: sql`${t.users.status}`,
  }[q.sort];
  const rawColumn = { name: t.users.name, loginName: t.users.loginName, email: t.users.email, status: t.users.status }[q.sort];

  // Going backwards walks the index the other way, then the page is flipped back.
  const backwards = q.before !== undefined && q.after === undefined;
  const ascending = (q.dir === 'asc') !== backwards;
  const cursor = q.after ?? q.before;
  const pageConditions = [where];
  if (cursor) {
    const [value, id] = decodeCursor(cursor);
    pageConditions.push(ascending ? sql`(${column}, ${t.users.id}) > (${value}, ${id})` : sql`(${column}, ${t.users.id}) < (${value}, ${id})`);
  }
  const order = ascending ? sql`${column} asc, ${t.users.id} asc` : sql`${column} desc, ${t.users.id} desc`;
  const fetched = db
    .select({
      id: t.users.id,
      name: t.users.name,
      loginName: t.users.loginName,
      email: t.users.email,
      nickname: t.users.nickname,
      status: t.users.status,
      groupId: t.users.groupId,
      sortValue: rawColumn,
    })
    .from(t.users)
    .where(and(...pageConditions))
    .orderBy(order)
    .limit(q.pageSize + 1)
    .all();
  const more = fetched.length > q.pageSize;
  const page = fetched.slice(0, q.pageSize);
  if (backwards) page.reverse();

  const ids = page.map((r) => r.id);
  const held = ids.length
    ? db
        .select({ userId: t.userProfiles.userId, id: t.profiles.id, name: t.profiles.name, roleKey: t.profiles.roleKey, roleName: t.roles.name })
        .from(t.userProfiles)
        .innerJoin(t.profiles, eq(t.profiles.id, t.userProfiles.profileId))
        .innerJoin(t.roles, eq(t.roles.key, t.profiles.roleKey))
        .where(inArray(t.userProfiles.userId, ids))
        .orderBy(asc(t.roles.rank))
        .all()
    : [];
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const rows: UserRow[] = page.map((r) => ({
    id: r.id,
    name: r.name,
    loginName: r.loginName,
    email: r.email,
    nickname: r.nickname,
    status: r.status,
    group: r.groupId !== null ? { id: r.groupId, name: groupName.get(r.groupId) ?? '' } : null,
    profiles: held.filter((h) => h.userId === r.id).map(({ id, name, roleKey, roleName }) => ({ id, name, roleKey, roleName })),
  }));

  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = backwards ? cursor !== undefined : more;
  const hasPrev = backwards ? more : cursor !== undefined;
  return {
    rows,
    total,
    next: hasNext && last ? encodeCursor(String(last.sortValue), last.id) : null,
    prev: hasPrev && first ? encodeCursor(String(first.sortValue), first.id) : null,
  };
}

export interface UserFilterOptions {
  roles: { key: string; name: string }[];
  profiles: { id: number; name: string; roleKey: string }[];
  groups: { id: number; name: string; depth: number }[];
}

/** The choices of the users list's filters, limited to what the actor may reach. */
export function userFilterOptions({ ctx }: { ctx: Principal }): UserFilterOptions {
  const scope = authorize(ctx, 'see the users list', USER_LIST_PERMISSIONS);
  const db = getDb();
  const roles = db.select({ key: t.roles.key, name: t.roles.name }).from(t.roles).orderBy(asc(t.roles.rank)).all();
  const profiles = db.select({ id: t.profiles.id, name: t.profiles.name, roleKey: t.profiles.roleKey }).from(t.profiles).orderBy(asc(t.profiles.name)).all();
  const all = db.select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).orderBy(asc(t.groups.name)).all();
  const visible = scope.kind === 'account' ? null : scope.groupIds;
  const groups: UserFilterOptions['groups'] = [];
  const walk = (parentId: number | null, depth: number) => {
    for (const g of all.filter((x) => x.parentId === parentId)) {
      if (!visible || visible.has(g.id)) groups.push({ id: g.id, name: g.name, depth });
      walk(g.id, depth + 1);
    }
  };
  walk(null, 0);
  return { roles, profiles, groups };
}

const EXPORT_PERMISSIONS = [...USER_ADMIN, CONSOLE.exportUsersInGroup];

/**
 * The users the list's filters show, every page of them, as CSV: profiles with their roles,
 * group, skills, status. Holders of "Manage users and roles" export the account; agent managers
 * with "Export list of users in group" their subtree.
 */
export function exportUsersCsv({ ctx, input }: { ctx: Principal; input: unknown }): string {
  const scope = authorize(ctx, 'export the users list', EXPORT_PERMISSIONS);
  const q = parseInput(listUsersInput, input);
  const db = getDb();
  const groups = db.select({ id: t.groups.id, parentId: t.groups.parentId, name: t.groups.name }).from(t.groups).all();
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
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
    .where(userConditions(scope, q, groups))
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
  return stringify(
    users.map((u) => {
      const hide = alias !== null && u.id !== ctx.userId;
      return [
        hide ? alias(u.id) : u.loginName,
        hide ? alias(u.id) : u.name,
        hide ? '' : u.email,
        hide ? alias(u.id) : u.nickname,
        (profilesOf.get(u.id) ?? []).map((p) => p.name).join('; '),
        [...new Set((profilesOf.get(u.id) ?? []).map((p) => p.roleName))].join('; '),
        u.groupId !== null ? (groupName.get(u.groupId) ?? '') : '',
        (skillsOf.get(u.id) ?? [])
          .map((s) => s.name)
          .sort()
          .join('; '),
        u.maxChats ?? '',
        u.status,
      ];
    }),
    { header: true, columns: ['Login name', 'Name', 'Email', 'Nickname', 'Profiles', 'Roles', 'Group', 'Skills', 'Max chats', 'Status'] },
  );
}
