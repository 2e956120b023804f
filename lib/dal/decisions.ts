import 'server-only';
import { getDb, type DB } from '@/db/client';
import type { Catalog } from '@/lib/permissions/catalog';
import { LEVELS, isLevel, type ChannelSettings } from '@/lib/permissions/channels';
import { USER_LIST_PERMISSIONS } from '@/lib/permissions/console';
import { DecisionIndex, decide, type Decision, type Holding, type IndexWorld, type UserFacts } from '@/lib/permissions/decision-index';
import type { PermissionOverride } from '@/lib/permissions/effective';
import { authorizeInput } from '@/lib/schemas/decisions';
import { managedSubtree, reachOfAny } from './authorize';
import { getCatalog } from './catalog';
import { DalError, parseInput } from './errors';
import { logPosition } from './log-position';
import type { Principal } from './principal';

/**
 * The decision index kept fresh from the database. Every change writes an audit event in its own
 * transaction, so the index catches up by reading the events after the last one it saw: a user's
 * event reloads that user, a profile's recomputes the combos holding it, a feature's recomputes
 * every combo. Anything else, or a writer that left no event (another process, `data_version`),
 * rebuilds it whole.
 */
interface State {
  db: DB;
  catalog: Catalog;
  index: DecisionIndex;
  lastEventId: number;
  dataVersion: number;
  versions: Map<string, { permissions: string[]; channels: ChannelSettings }>;
}

const globalForIndex = globalThis as unknown as { switchboardDecisions?: State };

/** Past this many events to catch up with, a rebuild is as cheap and simpler. */
const CATCH_UP_LIMIT = 2000;

type Row = unknown[];

function world(db: DB, catalog: Catalog, versions: State['versions'], now: number): IndexWorld {
  const client = db.$client;
  const profiles = new Map(
    (client.prepare('select id, name, role_key, floor_version from profiles').raw().all() as Row[]).map(([id, name, roleKey, floor]) => [
      id as number,
      { name: name as string, roleKey: roleKey as string, floor: floor as number },
    ]),
  );
  const managed = new Map<number, number[]>();
  for (const [userId, groupId] of client.prepare('select user_id, group_id from managed_groups').raw().all() as [number, number][]) {
    managed.set(userId, [...(managed.get(userId) ?? []), groupId]);
  }
  return {
    catalog,
    now,
    enabledFeatures: new Set(client.prepare('select key from account_features where enabled = 1').pluck().all() as string[]),
    profile: (id) => profiles.get(id),
    version: (profileId, version) => {
      const key = `${profileId}:${version}`;
      let content = versions.get(key);
      if (!content) {
        const row = client.prepare('select permissions, channels from profile_versions where profile_id = ? and version = ?').raw().get(profileId, version) as
          [string, string] | undefined;
        if (!row) return undefined;
        // Versions never change once written: each is read once.
        content = { permissions: JSON.parse(row[0]) as string[], channels: JSON.parse(row[1]) as ChannelSettings };
        versions.set(key, content);
      }
      return content;
    },
    groups: client.prepare('select id, parent_id as parentId from groups').all() as { id: number; parentId: number | null }[],
    managed,
  };
}

/** Users as the index needs them: all of them, or those named. */
function readUsers(db: DB, ids?: readonly number[]): UserFacts[] {
  const client = db.$client;
  // The ids are one bound JSON array, so the SQL text stays the same (and compiled) whatever they are.
  const only = ids ? ' where id in (select value from json_each(?))' : '';
  const onlyUser = ids ? ' where user_id in (select value from json_each(?))' : '';
  const params = ids ? [JSON.stringify(ids.map(Number))] : [];
  const holdings = new Map<number, Holding[]>();
  for (const [userId, profileId, version] of client
    .prepare(`select user_id, profile_id, version from user_profiles${onlyUser}`)
    .raw()
    .all(...params) as number[][]) {
    const list = holdings.get(userId!);
    if (list) list.push({ profileId: profileId!, version: version! });
    else holdings.set(userId!, [{ profileId: profileId!, version: version! }]);
  }
  const overrides = new Map<number, PermissionOverride[]>();
  const overrideRows = client
    .prepare(
      `select o.user_id, o.id, o.permission_key, o.effect, o.level, o.reason, o.expires_at, u.name
         from user_overrides o join users u on u.id = o.created_by${onlyUser.replace('user_id', 'o.user_id')}`,
    )
    .raw()
    .all(...params) as [number, number, string, PermissionOverride['effect'], string | null, string, number | null, string][];
  for (const [userId, id, permissionKey, effect, level, reason, expiresAt, createdBy] of overrideRows) {
    const o: PermissionOverride = { id, permissionKey, effect, level: isLevel(level) ? level : null, reason, expiresAt, createdBy };
    overrides.set(userId, [...(overrides.get(userId) ?? []), o]);
  }
  return (
    client
      .prepare(`select id, group_id, status from users${only}`)
      .raw()
      .all(...params) as [number, number | null, string][]
  ).map(([id, groupId, status]) => ({
    id,
    groupId,
    active: status === 'active',
    holdings: holdings.get(id) ?? [],
    overrides: overrides.get(id) ?? [],
  }));
}

function rebuild(db: DB, catalog: Catalog, now: number): State {
  const versions = new Map();
  const state: State = {
    db,
    catalog,
    versions,
    ...logPosition(db),
    index: new DecisionIndex(world(db, catalog, versions, now), readUsers(db)),
  };
  globalForIndex.switchboardDecisions = state;
  return state;
}

/** Apply the audit events after the last one seen; false when only a rebuild will do. */
function catchUp(state: State, upTo: number, now: number): boolean {
  const events = state.db.$client
    .prepare('select entity_type, entity_id from audit_events where id > ? and id <= ? order by id limit ?')
    .raw()
    .all(state.lastEventId, upTo, CATCH_UP_LIMIT + 1) as [string, string][];
  if (events.length > CATCH_UP_LIMIT) return false;
  const users = new Set<number>();
  const profiles = new Set<number>();
  let everyCombo = false;
  for (const [type, id] of events) {
    if (type === 'user') users.add(Number(id));
    else if (type === 'profile') profiles.add(Number(id));
    else if (type === 'account-feature' || type === 'role') everyCombo = true;
    // An import's summary: its users have their own "user" events.
    else if (type !== 'group' && type !== 'skill' && type !== 'api-key' && type !== 'users-import') return false;
  }
  state.index.setWorld(world(state.db, state.catalog, state.versions, now));
  if (everyCombo) state.index.refreshCombos();
  else for (const p of profiles) state.index.refreshCombos(p);
  const found = readUsers(state.db, [...users]);
  for (const u of found) state.index.setUser(u);
  for (const id of users) if (!found.some((u) => u.id === id)) state.index.removeUser(id);
  state.lastEventId = upTo;
  return true;
}

/** The decision index, current as of this call. */
export function decisionIndex(now = Date.now()): DecisionIndex {
  const db = getDb();
  const catalog = getCatalog();
  let state = globalForIndex.switchboardDecisions;
  if (!state || state.db !== db || state.catalog !== catalog) return rebuild(db, catalog, now).index;
  const { lastEventId: last, dataVersion: version } = logPosition(db);
  if (version !== state.dataVersion) {
    // Another process wrote: its events may not tell everything (a raw fix, a restore), so rebuild.
    state = rebuild(db, catalog, now);
  } else if (last !== state.lastEventId) {
    if (!catchUp(state, last, now)) state = rebuild(db, catalog, now);
  }
  state.dataVersion = version;
  if (now >= state.index.expiresNext) {
    state.index.setWorld(world(db, catalog, state.versions, now));
    state.index.refreshOverrides();
  }
  return state.index;
}

/**
 * Whom a key may ask about: its own user, and the users it could see in the users list (the whole
 * account, or an agent manager's subtree). Anyone else is answered as a user who does not exist.
 * The one rule of /api/v1/authorize and the AuthZEN endpoints (lib/dal/authzen.ts).
 */
export function visibleTo(ctx: Principal, index: DecisionIndex): (userId: number) => boolean {
  const reach = reachOfAny(ctx, USER_LIST_PERMISSIONS);
  const subtree = reach === 'managed-groups' ? managedSubtree(ctx) : null;
  return (userId) => {
    if (userId === ctx.userId || reach === 'account') return true;
    const group = index.groupOfUser(userId);
    return subtree !== null && group !== null && subtree.has(group);
  };
}

/**
 * "May this user do this, in this channel?", for a batch of questions, answered from the index.
 * A key may ask about its own user, and about the users it could see in the users list (the
 * whole account, or an agent manager's subtree); anyone else is answered "unknown-user", the same
 * as a user who does not exist.
 */
export function authorizeBatch({ ctx, input }: { ctx: Principal; input: unknown }): { answers: Decision[] } {
  const { questions } = parseInput(authorizeInput, input);
  const { catalog } = ctx;
  const problems: Record<string, string[]> = {};
  questions.forEach((q, i) => {
    const level = (LEVELS as readonly string[]).includes(q.permission);
    if (!level && !catalog.permissionByKey.has(q.permission)) problems[`questions.${i}.permission`] = [`Unknown permission "${q.permission}"`];
    if (level && q.channel === undefined) problems[`questions.${i}.channel`] = [`A channel level ("${q.permission}") is asked in a channel: name one`];
    if (q.channel !== undefined && !catalog.channelByKey.has(q.channel)) problems[`questions.${i}.channel`] = [`Unknown channel "${q.channel}"`];
  });
  const first = Object.entries(problems)[0];
  if (first) throw new DalError('invalid', `${first[0]}: ${first[1][0]}`, problems);

  const index = decisionIndex();
  const sees = visibleTo(ctx, index);
  const answers = questions.map(({ user, permission, channel }): Decision => {
    if (!index.knows(user) || !sees(user)) return { allowed: false, reason: 'unknown-user' };
    if (!index.isActive(user)) return { allowed: false, reason: 'user-deactivated' };
    return decide(catalog, index.subject(user), permission, channel);
  });
  return { answers };
}
