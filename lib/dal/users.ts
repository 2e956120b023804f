import 'server-only';
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { stringify } from 'csv-stringify/sync';
import { CONSOLE, USER_ADMIN, USER_LIST_PERMISSIONS } from '@/lib/permissions/console';
import { CSV_LIST_SEPARATOR, listUsersInput, USER_CSV_COLUMNS } from '@/lib/schemas/users';
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
  /** How many users match: exact, or COUNT_CAP with `moreThanTotal` when more do. */
  total: number;
  moreThanTotal: boolean;
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

/** A search this long or longer is found anywhere in a name, login name or email (users_fts); a shorter one at their start. */
export const SEARCH_SUBSTRING_MIN = 3;
/**
 * Filtered totals are counted exactly up to this many; above it the list says "more than". An
 * unfiltered total is always exact (SQLite counts a whole table from its pages).
 */
export const COUNT_CAP = 10_000;

type ListQuery = ReturnType<typeof listUsersInput.parse>;

/** The list's filters, resolved once per request: the actor's reach, the group subtree, the search's hits. */
interface UserFilter {
  /** An agent manager's reach; null for the whole account. */
  scopeGroupIds: number[] | null;
  /** The group filtered on, with its sub-groups, as the tree is shown. */
  groupIds: number[] | null;
  status: ListQuery['status'];
  /**
   * A search of three characters or more: a phrase of trigrams matching it inside any of the three
   * columns, and the users it matches (null when more than COUNT_CAP do).
   */
  search: { phrase: string; hits: number[] | null } | null;
  /** A search of one or two characters: too short for trigrams, so names, login names and emails that start with it. */
  prefix: string | null;
  profile: number | undefined;
  role: string | undefined;
}

function resolveFilter(scope: Scope, q: ListQuery): UserFilter {
  const db = getDb();
  let groupIds: number[] | null = null;
  if (q.group !== undefined) {
    groupIds = db
      .all<{ id: number }>(
        sql`with recursive subtree(id) as (select ${t.groups.id} from ${t.groups} where ${t.groups.id} = ${q.group}
            union all select g.id from ${t.groups} g join subtree on g.parent_id = subtree.id) select id from subtree`,
      )
      .map((g) => g.id);
  }
  const text = q.q ?? '';
  let search: UserFilter['search'] = null;
  if ([...text].length >= SEARCH_SUBSTRING_MIN) {
    const phrase = `"${text.replaceAll('"', '""')}"`;
    const hits = db.$client
      .prepare(`select rowid from users_fts where users_fts match ? limit ${COUNT_CAP + 1}`)
      .pluck()
      .all(phrase) as number[];
    search = { phrase, hits: hits.length > COUNT_CAP ? null : hits };
  }
  return {
    scopeGroupIds: scope.kind === 'account' ? null : [...scope.groupIds],
    groupIds,
    status: q.status,
    search,
    prefix: text && !search ? text : null,
    profile: q.profile,
    role: q.role,
  };
}

/**
 * Two ways to read a filtered page. `drive`: start from the filter's own index (or the search's
 * hits) and sort what it finds: cheap when few users match. `walk`: walk the sort column's index
 * and check each row, stopping at the end of the page: cheap when many match. In `walk`, a unary +
 * keeps SQLite from driving by a term's index (and EXISTS cannot drive).
 */
type Plan = 'drive' | 'walk';

const idList = (ids: readonly number[]) =>
  sql`(${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;

/** The WHERE of the users list and the export: the actor's reach, then the filters. */
function userConditions(f: UserFilter, plan: Plan): SQL | undefined {
  const plus = plan === 'walk' ? sql.raw('+') : sql.raw('');
  const inGroups = (ids: number[]) => (ids.length ? sql`${plus}${t.users.groupId} in ${idList(ids)}` : sql`0`);
  const conditions: (SQL | undefined)[] = [];
  if (f.scopeGroupIds) conditions.push(inGroups(f.scopeGroupIds));
  if (f.groupIds) conditions.push(inGroups(f.groupIds));
  if (f.status) conditions.push(sql`${plus}${t.users.status} = ${f.status}`);
  if (f.search) {
    // Hits can be many: one JSON parameter rather than one parameter each.
    conditions.push(
      f.search.hits
        ? sql`${plus}${t.users.id} in (select value from json_each(${JSON.stringify(f.search.hits)}))`
        : sql`${plus}${t.users.id} in (select rowid from users_fts where users_fts match ${f.search.phrase})`,
    );
  }
  if (f.prefix) {
    // Ranges over the case-insensitive sort indexes: each column's matches are one index range.
    const upper = `${f.prefix}\u{10ffff}`;
    conditions.push(
      or(...[t.users.name, t.users.loginName, t.users.email].map((c) => sql`(${c} collate nocase >= ${f.prefix} and ${c} collate nocase < ${upper})`)),
    );
  }
  const held = (match: SQL) =>
    plan === 'walk'
      ? sql`exists (select 1 from ${t.userProfiles} where ${t.userProfiles.userId} = ${t.users.id} and ${match})`
      : sql`${t.users.id} in (select ${t.userProfiles.userId} from ${t.userProfiles} where ${match})`;
  if (f.profile !== undefined) conditions.push(held(sql`${t.userProfiles.profileId} = ${f.profile}`));
  if (f.role) {
    // Through the profiles of the role: user_profiles is indexed by profile, not by role.
    conditions.push(
      plan === 'walk'
        ? held(sql`${t.userProfiles.roleKey} = ${f.role}`)
        : held(sql`${t.userProfiles.profileId} in (select ${t.profiles.id} from ${t.profiles} where ${t.profiles.roleKey} = ${f.role})`),
    );
  }
  return and(...conditions);
}

/**
 * How many users the filters match: exact up to COUNT_CAP (null above it), read from the smallest
 * index that answers it: a profile or role alone from user_profiles' covering index, a search
 * alone from its hits. With no filter at all, the exact count of the table.
 */
function countUsers(f: UserFilter): number | null {
  const db = getDb();
  const capped = (query: SQL) => {
    const n = db.get<{ n: number }>(sql`select count(*) as n from (${query} limit ${COUNT_CAP + 1})`)?.n ?? 0;
    return n > COUNT_CAP ? null : n;
  };
  const others = f.scopeGroupIds || f.groupIds || f.status || f.prefix;
  if (!others && !f.search && f.profile === undefined && !f.role)
    return (
      db
        .select({ n: sql<number>`count(*)` })
        .from(t.users)
        .get()?.n ?? 0
    );
  if (!others && f.search && f.profile === undefined && !f.role) return f.search.hits?.length ?? null;
  if (!others && !f.search && (f.profile !== undefined) !== !!f.role) {
    const match =
      f.profile !== undefined
        ? sql`${t.userProfiles.profileId} = ${f.profile}`
        : sql`${t.userProfiles.profileId} in (select ${t.profiles.id} from ${t.profiles} where ${t.profiles.roleKey} = ${f.role})`;
    return capped(sql`select 1 from ${t.userProfiles} where ${match}`);
  }
  return capped(sql`select 1 from ${t.users} where ${userConditions(f, 'drive')}`);
}

/** Drive when the matches are fewer than the rows a walk would read to fill the page (about pageSize × users ÷ matches). */
function choosePlan(f: UserFilter, total: number | null, pageSize: number): Plan {
  // A search's matches bunch together in name order (they share letters with the name): walking could read most of the list.
  if (f.prefix || f.search?.hits) return 'drive';
  if (total === null) return 'walk';
  const size =
    getDb()
      .select({ n: sql<number>`max(${t.users.id})` })
      .from(t.users)
      .get()?.n ?? 0;
  return total * total <= (pageSize + 1) * size ? 'drive' : 'walk';
}

/**
 * The users list: filters, search, sort, and keyset pagination (no OFFSET: every page is an
 * index range from the cursor). An agent manager sees exactly the users of his subtree. The total
 * is exact; each filter is counted through the index that answers it.
 */
export function listUsers({ ctx, input }: { ctx: Principal; input: unknown }): UserPage {
  const scope = authorize(ctx, 'see the users list', USER_LIST_PERMISSIONS, 'view');
  const q = parseInput(listUsersInput, input);
  const db = getDb();

  const filter = resolveFilter(scope, q);
  const total = countUsers(filter);
  const where = userConditions(filter, choosePlan(filter, total, q.pageSize));

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
    // Spelled out rather than as a row value: SQLite seeks the index to the first term's bound.
    pageConditions.push(
      ascending
        ? sql`${column} >= ${value} and (${column} > ${value} or ${t.users.id} > ${id})`
        : sql`${column} <= ${value} and (${column} < ${value} or ${t.users.id} < ${id})`,
    );
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
  const groupIds = [...new Set(page.map((r) => r.groupId).filter((g) => g !== null))];
  const groupName = new Map(
    groupIds.length
      ? db
          .select({ id: t.groups.id, name: t.groups.name })
          .from(t.groups)
          .where(inArray(t.groups.id, groupIds))
          .all()
          .map((g) => [g.id, g.name])
      : [],
  );
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
    total: total ?? COUNT_CAP,
    moreThanTotal: total === null,
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
  const scope = authorize(ctx, 'see the users list', USER_LIST_PERMISSIONS, 'view');
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
  return stringify(
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
