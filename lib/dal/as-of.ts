import 'server-only';
import { and, asc, desc, eq, inArray, isNotNull, lte, max, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { isDeleted, type FeatureState, type ProfileState, type UserState } from '@/db/audit-state';
import type { Catalog } from '@/lib/permissions/catalog';
import { effectivePermissions, type EffectiveInput, type HeldProfile } from '@/lib/permissions/effective';
import { asOfInput } from '@/lib/schemas/audit';
import { pseudonymizer } from './anonymize';
import { requireAuditReader, resolvePerson } from './audit-trail';
import { DalError, parseInput } from './errors';
import type { Principal } from './principal';
import { accessRows, type UserAccess } from './users/access';

const e = t.auditEvents;
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The newest state of one entity recorded at or before `at`. */
function stateAt(entityType: string, entityId: string | number, at: number) {
  return getDb()
    .select({ state: e.state, at: e.at, entityName: e.entityName })
    .from(e)
    .where(and(eq(e.entityType, entityType), eq(e.entityId, String(entityId)), isNotNull(e.state), lte(e.at, new Date(at))))
    .orderBy(desc(e.id))
    .limit(1)
    .get();
}

/** The content of one version of a profile: every version is the head in the event that creates it. */
function versionContent(profileId: number, version: number, at: number): ProfileState['head'] | undefined {
  const row = getDb()
    .select({ state: e.state })
    .from(e)
    .where(
      and(
        eq(e.entityType, 'profile'),
        eq(e.entityId, String(profileId)),
        sql`json_extract(${e.state}, '$.head.version') = ${version}`,
        lte(e.at, new Date(at)),
      ),
    )
    .orderBy(asc(e.id))
    .limit(1)
    .get();
  return (row?.state as ProfileState | undefined)?.head;
}

/** The account features switched on at `at`; one the log never mentions keeps its catalog default. */
function featuresAt(catalog: Catalog, at: number): Set<string> {
  const db = getDb();
  const latest = db
    .select({ id: max(e.id) })
    .from(e)
    .where(and(eq(e.entityType, 'account-feature'), isNotNull(e.state), lte(e.at, new Date(at))))
    .groupBy(e.entityId);
  const recorded = new Map(
    db
      .select({ key: e.entityId, state: e.state })
      .from(e)
      .where(inArray(e.id, latest))
      .all()
      .map((r) => [r.key, r.state as FeatureState | { deleted: true }]),
  );
  const on = new Set<string>();
  for (const f of catalog.features) {
    const state = recorded.get(f.key);
    if (state === undefined ? f.enabledByDefault : !isDeleted(state) && state.enabled) on.add(f.key);
  }
  return on;
}

export interface PermissionsAsOf {
  at: number;
  user: {
    /** Null for a reader who sees pseudonyms: the id would lead to the user's page. */
    id: number | null;
    shownAs: string;
    status: 'active' | 'deactivated';
    /** When the state used was recorded: the user's last change at or before `at`. */
    since: number;
  };
  profiles: { profileId: number; name: string; roleName: string; version: number }[];
  permissions: UserAccess['permissions'];
  channels: UserAccess['channels'];
}

/**
 * A user's effective permissions at a past moment, rebuilt from the audit log alone: his state
 * then (status, profiles with the versions of their assignments, overrides), each profile's floor
 * then and the content of the version he was on (max of the two), the account features then, and
 * overrides judged at that moment; then the same pure engine as today, with today's catalog.
 */
export function effectivePermissionsAsOf({ ctx, input }: { ctx: Principal; input: unknown }): PermissionsAsOf {
  requireAuditReader(ctx, 'see permissions as of a past date');
  const q = parseInput(asOfInput, input);
  if (q.at > Date.now()) throw new DalError('invalid', 'Date and time: must not be in the future.', { at: ['Must not be in the future'] });
  const alias = pseudonymizer(ctx);
  const userId = resolvePerson(ctx, alias, q.user, { key: 'user', label: 'User' })!;
  const shownAs = alias ? alias(userId) : q.user;

  const record = stateAt('user', userId, q.at);
  if (!record || isDeleted(record.state)) {
    const why = record ? 'he had been deleted by then' : 'the log has no record of him by then';
    throw new DalError('not-found', `${shownAs} did not exist on ${when(q.at)}: ${why}.`, { at: [`No such user at that time`] });
  }
  const state = record.state as UserState;

  const profiles: HeldProfile[] = state.profiles.map((held) => {
    if (!ctx.catalog.roleByKey.has(held.roleKey)) {
      // Today's catalog gives a role its core permissions; a custom role deleted since is not in it.
      throw new DalError(
        'conflict',
        `${shownAs} then held "${held.profileName}" of a custom role deleted since: its permissions at that time cannot be rebuilt from today's catalog.`,
      );
    }
    const profile = stateAt('profile', held.profileId, q.at);
    const ps = profile && !isDeleted(profile.state) ? (profile.state as ProfileState) : null;
    const version = Math.max(held.version, ps?.floorVersion ?? 0);
    const content = ps ? versionContent(held.profileId, version, q.at) : undefined;
    if (!ps || !content) {
      // Events written before states joined the log carry none: say so rather than guess.
      throw new DalError('conflict', `The log holds no record of the profile "${held.profileName}" (version ${version}) at that time; it cannot be rebuilt.`);
    }
    return { profileId: held.profileId, profileName: ps.name, roleKey: held.roleKey, version, enabled: content.permissions, channels: content.channels };
  });
  const effectiveInput: EffectiveInput = {
    profiles,
    overrides: state.overrides.map((o) => ({ ...o, createdBy: alias ? alias(o.createdById) : o.createdBy })),
    enabledFeatures: featuresAt(ctx.catalog, q.at),
    now: q.at,
  };
  const effective = effectivePermissions(ctx.catalog, effectiveInput);
  return {
    at: q.at,
    user: { id: alias ? null : userId, shownAs, status: state.status, since: record.at.getTime() },
    profiles: profiles.map((p) => ({
      profileId: p.profileId,
      name: p.profileName,
      roleName: ctx.catalog.roleByKey.get(p.roleKey)?.name ?? p.roleKey,
      version: p.version,
    })),
    ...accessRows(ctx.catalog, effective),
  };
}
