import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { USER_MANAGEMENT } from '@/lib/permissions/console';
import { roleRefusal } from '@/lib/permissions/policy';
import { setDirectoryGroupMappingInput, setDirectoryGroupsOfInput } from '@/lib/schemas/provisioning';
import { NOTHING_CHANGED, writeAudit, type Audited, type AuditReceipt } from './audit';
import { authorize, deny, type Scope } from './authorize';
import { DalError, parseInput } from './errors';
import { assertKeepsLastHolders, assertMayManage } from './policy';
import type { Principal } from './principal';
import { writeTransaction, type Tx } from './tx';
import { MAX_PROFILES_PER_USER, profileGrants, reachableUser, touchUser } from './users/access';
import { assertGroupsInScope } from './users/shared';

/**
 * Directory groups: the identity provider's groups (SCIM Groups, the OpenID Connect groups claim),
 * not agent groups. A user may be in many. An admin maps a directory group to profiles (and
 * optionally an agent group placement); membership then gives and takes what the mappings give,
 * recorded on the assignment as source 'directory', and never touches a profile an admin gave by
 * hand (source 'manual').
 *
 * Public verbs (names stable: the OIDC sign-in and SCIM use them):
 * - `setDirectoryGroupsOf({ ctx, input: { userId, displayNames } })`: the user's memberships become
 *   exactly those groups (unknown names create the group), and his directory profiles follow their
 *   mappings, in one write transaction. `ctx` needs user management over him (his reach, his roles,
 *   no escalation: every profile a mapping adds must be one `ctx` may give, every removal one he may
 *   take). A refusal changes nothing.
 * - `changeDirectoryGroupMembers({ ctx, input })`: the core for SCIM's member PATCH (add or remove
 *   some users of one group without reading its other members).
 * - `setDirectoryGroupMapping({ ctx, input })`: an admin's mapping, refused when it would escalate.
 * - `listDirectoryGroups({ ctx })`.
 * `applyMemberships(tx, ctx, scope, userId, groupIds)` is the shared core inside a transaction.
 */

const ACTION = 'change directory groups';

export interface MembershipResult {
  userId: number;
  directoryGroupIds: number[];
  /** The profiles (id) the mappings now give him. */
  directoryProfileIds: number[];
}

/** Existing directory groups by name (case-insensitive), creating the unknown ones inside `tx`. */
export function ensureDirectoryGroups(tx: Tx, ctx: Principal, displayNames: readonly string[]): { ids: number[]; receipt: AuditReceipt | null } {
  const unique = [...new Map(displayNames.map((n) => [n.trim().toLowerCase(), n.trim()])).values()].filter(Boolean);
  let receipt: AuditReceipt | null = null;
  const ids = unique.map((displayName) => {
    const found = tx
      .select({ id: t.directoryGroups.id })
      .from(t.directoryGroups)
      .where(sql`${t.directoryGroups.displayName} = ${displayName} collate nocase`)
      .get();
    if (found) return found.id;
    const created = tx.insert(t.directoryGroups).values({ displayName }).returning({ id: t.directoryGroups.id }).get();
    receipt = writeAudit(tx, ctx, { entityType: 'directory-group', entityId: created.id, entityName: displayName, action: 'create', after: { displayName } });
    return created.id;
  });
  return { ids, receipt };
}

/**
 * The core, inside the caller's write transaction: user `userId`'s directory groups become `after`,
 * and his directory-given profiles are brought to what their mappings give (a manual profile in
 * the same role wins and stays). Asks the policy for every profile added or removed and for the
 * last holders; refusals throw (the transaction rolls back). Returns NOTHING_CHANGED's receipt
 * when nothing differs.
 */
export function applyMemberships(tx: Tx, ctx: Principal, scope: Scope, userId: number, after: ReadonlySet<number>): Audited<MembershipResult> {
  const user = tx.select().from(t.users).where(eq(t.users.id, userId)).get();
  if (!user) throw new DalError('not-found', 'There is no such user.');
  const beforeIds = tx
    .select({ id: t.directoryGroupMembers.groupId })
    .from(t.directoryGroupMembers)
    .where(eq(t.directoryGroupMembers.userId, userId))
    .all()
    .map((r) => r.id);
  const afterIds = [...after].sort((a, b) => a - b);
  const added = afterIds.filter((id) => !beforeIds.includes(id));
  const removed = beforeIds.filter((id) => !after.has(id));

  // What the mappings of his groups give, one profile per role (the lowest id when two groups disagree).
  const mapped = afterIds.length
    ? tx
        .select({ profile: t.profiles })
        .from(t.directoryGroupProfiles)
        .innerJoin(t.profiles, eq(t.profiles.id, t.directoryGroupProfiles.profileId))
        .where(inArray(t.directoryGroupProfiles.groupId, afterIds))
        .orderBy(t.profiles.id)
        .all()
        .map((r) => r.profile)
    : [];
  const wanted = new Map<string, (typeof mapped)[number]>();
  for (const p of mapped) if (!wanted.has(p.roleKey)) wanted.set(p.roleKey, p);

  const held = tx
    .select({ roleKey: t.userProfiles.roleKey, profileId: t.userProfiles.profileId, source: t.userProfiles.source, version: t.userProfiles.version })
    .from(t.userProfiles)
    .where(eq(t.userProfiles.userId, userId))
    .all();
  const give = [...wanted.values()].filter((p) => {
    const h = held.find((x) => x.roleKey === p.roleKey);
    return !h || (h.source === 'directory' && h.profileId !== p.id);
  });
  const take = held.filter((h) => h.source === 'directory' && !wanted.has(h.roleKey));
  const profilesChange = give.length > 0 || take.length > 0;

  // Placement: a user without an agent group lands in the first of his new groups' placements.
  let placement: number | null = null;
  if (user.groupId === null && added.length) {
    const row = tx
      .select({ agentGroupId: t.directoryGroups.agentGroupId })
      .from(t.directoryGroups)
      .where(and(inArray(t.directoryGroups.id, added), sql`${t.directoryGroups.agentGroupId} is not null`))
      .orderBy(t.directoryGroups.id)
      .get();
    placement = row?.agentGroupId ?? null;
  }

  const value: MembershipResult = { userId, directoryGroupIds: afterIds, directoryProfileIds: [...wanted.values()].map((p) => p.id) };
  if (!added.length && !removed.length && !profilesChange && placement === null) return { value, audited: NOTHING_CHANGED };

  assertMayManage(ctx, userId, ACTION);
  if (profilesChange && userId === ctx.userId) deny(ctx, ACTION, 'Nobody changes his own profiles; ask another administrator.');
  for (const p of give) {
    const refusal = roleRefusal(ctx, p.roleKey) ?? (profileGrants(ctx, p).refusals.join(' ') || null);
    if (refusal) deny(ctx, ACTION, `The directory group mapping gives "${p.name}", which you may not give: ${refusal}`);
  }
  for (const h of take) {
    const refusal = roleRefusal(ctx, h.roleKey);
    if (refusal) deny(ctx, ACTION, refusal);
  }
  const rolesAfter = new Set([...held.filter((h) => !take.includes(h)).map((h) => h.roleKey), ...give.map((p) => p.roleKey)]);
  if (rolesAfter.size > MAX_PROFILES_PER_USER)
    throw new DalError('invalid', `A user holds at most ${MAX_PROFILES_PER_USER} profiles, one per role; his directory groups would give more.`);
  if (placement !== null) assertGroupsInScope(ctx, scope, [placement], 'agentGroupId', ACTION);
  if (take.length || give.some((p) => held.some((h) => h.roleKey === p.roleKey))) {
    const takenRoles = new Set(take.map((h) => h.roleKey));
    const given = new Map(give.map((p) => [p.roleKey, p]));
    assertKeepsLastHolders(ctx, ACTION, [
      {
        userId,
        after: (now) => ({
          ...now,
          profiles: now.profiles
            .filter((p) => !takenRoles.has(p.roleKey))
            .map((p) =>
              given.has(p.roleKey) ? { ...p, profileId: given.get(p.roleKey)!.id, enabled: profileGrants(ctx, given.get(p.roleKey)!).permissions } : p,
            ),
        }),
      },
    ]);
  }

  if (removed.length)
    tx.delete(t.directoryGroupMembers)
      .where(and(eq(t.directoryGroupMembers.userId, userId), inArray(t.directoryGroupMembers.groupId, removed)))
      .run();
  for (const groupId of added) tx.insert(t.directoryGroupMembers).values({ groupId, userId }).onConflictDoNothing().run();
  for (const h of take)
    tx.delete(t.userProfiles)
      .where(and(eq(t.userProfiles.userId, userId), eq(t.userProfiles.roleKey, h.roleKey)))
      .run();
  for (const p of give)
    tx.insert(t.userProfiles)
      .values({ userId, roleKey: p.roleKey, profileId: p.id, version: p.headVersion, source: 'directory' })
      .onConflictDoUpdate({ target: [t.userProfiles.userId, t.userProfiles.roleKey], set: { profileId: p.id, version: p.headVersion, source: 'directory' } })
      .run();
  touchUser(tx, userId, placement !== null ? { groupId: placement } : {});
  const names = (ids: number[]) =>
    ids.length
      ? tx
          .select({ name: t.directoryGroups.displayName })
          .from(t.directoryGroups)
          .where(inArray(t.directoryGroups.id, ids))
          .all()
          .map((r) => r.name)
          .sort()
      : [];
  const audited = writeAudit(tx, ctx, {
    entityType: 'user',
    entityId: userId,
    entityName: user.loginName,
    action: 'directory-groups',
    before: { directoryGroups: names(beforeIds), profiles: take.map((h) => h.profileId), groupId: user.groupId },
    after: { directoryGroups: names(afterIds), profiles: give.map((p) => p.id), groupId: placement ?? user.groupId },
  });
  return { value, audited };
}

export function setDirectoryGroupsOf({ ctx, input }: { ctx: Principal; input: unknown }): MembershipResult {
  const scope = authorize(ctx, ACTION, USER_MANAGEMENT, 'edit');
  const data = parseInput(setDirectoryGroupsOfInput, input);
  const user = reachableUser(ctx, scope, data.userId, ACTION);
  return writeTransaction(ctx, (tx) => {
    const { ids, receipt } = ensureDirectoryGroups(tx, ctx, data.displayNames);
    const result = applyMemberships(tx, ctx, scope, user.id, new Set(ids));
    return { value: result.value, audited: result.audited === NOTHING_CHANGED && receipt ? receipt : result.audited };
  });
}

/**
 * SCIM's member PATCH: add or remove `userIds` in one directory group, reading only those users'
 * memberships (never the group's other members), each through the core.
 */
export function changeDirectoryGroupMembers({
  ctx,
  input,
}: {
  ctx: Principal;
  input: { directoryGroupId: number; add?: readonly number[]; remove?: readonly number[] };
}): MembershipResult[] {
  const scope = authorize(ctx, ACTION, USER_MANAGEMENT, 'edit');
  const add = [...new Set(input.add ?? [])];
  const remove = [...new Set(input.remove ?? [])].filter((id) => !add.includes(id));
  for (const id of [...add, ...remove]) reachableUser(ctx, scope, id, ACTION);
  return writeTransaction(ctx, (tx) => {
    const group = tx.select({ id: t.directoryGroups.id }).from(t.directoryGroups).where(eq(t.directoryGroups.id, input.directoryGroupId)).get();
    if (!group) throw new DalError('not-found', 'There is no such directory group.');
    let last: AuditReceipt = NOTHING_CHANGED;
    const out: MembershipResult[] = [];
    for (const [userId, adding] of [...add.map((id) => [id, true] as const), ...remove.map((id) => [id, false] as const)]) {
      const now = new Set(
        tx
          .select({ id: t.directoryGroupMembers.groupId })
          .from(t.directoryGroupMembers)
          .where(eq(t.directoryGroupMembers.userId, userId))
          .all()
          .map((r) => r.id),
      );
      if (adding) now.add(group.id);
      else now.delete(group.id);
      const r = applyMemberships(tx, ctx, scope, userId, now);
      if (r.audited !== NOTHING_CHANGED) last = r.audited;
      out.push(r.value);
    }
    if (last !== NOTHING_CHANGED)
      tx.update(t.directoryGroups)
        .set({ rowVersion: sql`${t.directoryGroups.rowVersion} + 1`, updatedAt: new Date() })
        .where(eq(t.directoryGroups.id, group.id))
        .run();
    return { value: out, audited: last };
  });
}

export interface DirectoryGroupRow {
  id: number;
  displayName: string;
  externalId: string | null;
  agentGroupId: number | null;
  profileIds: number[];
  memberCount: number;
  rowVersion: number;
}

export function listDirectoryGroups({ ctx }: { ctx: Principal }): DirectoryGroupRow[] {
  authorize(ctx, 'see directory groups', USER_MANAGEMENT, 'view');
  const db = getDb();
  const groups = db.select().from(t.directoryGroups).orderBy(t.directoryGroups.displayName).all();
  const maps = db.select().from(t.directoryGroupProfiles).all();
  const counts = new Map(
    db
      .select({ id: t.directoryGroupMembers.groupId, n: sql<number>`count(*)` })
      .from(t.directoryGroupMembers)
      .groupBy(t.directoryGroupMembers.groupId)
      .all()
      .map((r) => [r.id, r.n]),
  );
  return groups.map((g) => ({
    id: g.id,
    displayName: g.displayName,
    externalId: g.externalId,
    agentGroupId: g.agentGroupId,
    profileIds: maps.filter((m) => m.groupId === g.id).map((m) => m.profileId),
    memberCount: counts.get(g.id) ?? 0,
    rowVersion: g.rowVersion,
  }));
}

/**
 * An admin maps a directory group to profiles and optionally an agent group. Refused when it would
 * escalate: every profile must be one he may give (its role and its permissions), the placement a
 * group inside his reach. The new mapping applies to the group's current members in the same
 * transaction, through the core (so it is refused if he may not manage one of them).
 */
export function setDirectoryGroupMapping({ ctx, input }: { ctx: Principal; input: unknown }): DirectoryGroupRow {
  const action = 'map directory groups';
  const scope = authorize(ctx, action, USER_MANAGEMENT, 'edit');
  const data = parseInput(setDirectoryGroupMappingInput, input);
  const profileIds = [...new Set(data.profileIds)].sort((a, b) => a - b);
  writeTransaction(ctx, (tx) => {
    const group = tx.select().from(t.directoryGroups).where(eq(t.directoryGroups.id, data.directoryGroupId)).get();
    if (!group) throw new DalError('not-found', 'There is no such directory group.');
    if (group.rowVersion !== data.rowVersion)
      throw new DalError('stale', `Someone changed "${group.displayName}" since you loaded this page; reload and try again.`);
    const profiles = profileIds.length ? tx.select().from(t.profiles).where(inArray(t.profiles.id, profileIds)).all() : [];
    if (profiles.length !== profileIds.length) throw new DalError('invalid', 'One of the profiles does not exist.', { profileIds: ['Unknown profile'] });
    if (new Set(profiles.map((p) => p.roleKey)).size !== profiles.length)
      throw new DalError('invalid', 'A mapping gives at most one profile per role.', { profileIds: ['Two profiles in one role'] });
    for (const p of profiles) {
      const refusal = roleRefusal(ctx, p.roleKey) ?? (profileGrants(ctx, p).refusals.join(' ') || null);
      if (refusal) deny(ctx, action, `"${p.name}" can't be mapped: ${refusal}`, 'forbidden', { profileIds: [refusal] });
    }
    if (data.agentGroupId !== null) assertGroupsInScope(ctx, scope, [data.agentGroupId], 'agentGroupId', action);
    const beforeProfiles = tx
      .select({ id: t.directoryGroupProfiles.profileId })
      .from(t.directoryGroupProfiles)
      .where(eq(t.directoryGroupProfiles.groupId, group.id))
      .all()
      .map((r) => r.id)
      .sort((a, b) => a - b);
    tx.delete(t.directoryGroupProfiles).where(eq(t.directoryGroupProfiles.groupId, group.id)).run();
    for (const profileId of profileIds) tx.insert(t.directoryGroupProfiles).values({ groupId: group.id, profileId }).run();
    tx.update(t.directoryGroups)
      .set({ agentGroupId: data.agentGroupId, rowVersion: group.rowVersion + 1, updatedAt: new Date() })
      .where(eq(t.directoryGroups.id, group.id))
      .run();
    let audited = writeAudit(tx, ctx, {
      entityType: 'directory-group',
      entityId: group.id,
      entityName: group.displayName,
      action: 'map',
      before: { profileIds: beforeProfiles, agentGroupId: group.agentGroupId },
      after: { profileIds, agentGroupId: data.agentGroupId },
    });
    const members = tx
      .select({ userId: t.directoryGroupMembers.userId })
      .from(t.directoryGroupMembers)
      .where(eq(t.directoryGroupMembers.groupId, group.id))
      .all();
    for (const { userId } of members) {
      const groupsOf = tx
        .select({ id: t.directoryGroupMembers.groupId })
        .from(t.directoryGroupMembers)
        .where(eq(t.directoryGroupMembers.userId, userId))
        .all()
        .map((r) => r.id);
      const r = applyMemberships(tx, ctx, scope, userId, new Set(groupsOf));
      if (r.audited !== NOTHING_CHANGED) audited = r.audited;
    }
    return { value: undefined, audited };
  });
  return listDirectoryGroups({ ctx }).find((g) => g.id === data.directoryGroupId)!;
}
