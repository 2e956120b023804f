import 'server-only';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { USER_LIST_PERMISSIONS } from '@/lib/permissions/console';
import { listUsersInput } from '@/lib/schemas/users';
import { authorize } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { COUNT_CAP, resolveFilter, userConditions, type Plan, type UserFilter } from './filter';

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
