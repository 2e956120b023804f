import 'server-only';
import { and, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import type { listUsersInput } from '@/lib/schemas/users';
import type { Scope } from '../authorize';

/** A search this long or longer is found anywhere in a name, login name or email (users_fts); a shorter one at their start. */
export const SEARCH_SUBSTRING_MIN = 3;
/**
 * Filtered totals are counted exactly up to this many; above it the list says "more than". An
 * unfiltered total is always exact (SQLite counts a whole table from its pages).
 */
export const COUNT_CAP = 10_000;

type ListQuery = ReturnType<typeof listUsersInput.parse>;

/** The list's filters, resolved once per request: the actor's reach, the group subtree, the search's hits. */
export interface UserFilter {
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

export function resolveFilter(scope: Scope, q: ListQuery): UserFilter {
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
export type Plan = 'drive' | 'walk';

const idList = (ids: readonly number[]) =>
  sql`(${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;

/** The WHERE of the users list and the export: the actor's reach, then the filters. */
export function userConditions(f: UserFilter, plan: Plan): SQL | undefined {
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
