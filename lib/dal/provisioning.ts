import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { SETTINGS_ADMIN } from '@/lib/permissions/console';
import { roleRefusal } from '@/lib/permissions/policy';
import { setProvisioningDefaultsInput } from '@/lib/schemas/provisioning';
import { NOTHING_CHANGED, writeAudit } from './audit';
import { authorize, deny } from './authorize';
import { DalError, parseInput } from './errors';
import type { Principal } from './principal';
import { writeTransaction, type Tx } from './tx';
import { MAX_PROFILES_PER_USER, profileGrants } from './users/access';

/**
 * Settings → Provisioning: the agent group and profiles a user gets when an identity provider
 * creates him (SCIM POST, or the first OpenID Connect sign-in). Stored as one row of `settings`.
 *
 * - `provisioningDefaults()`: read by the verb that creates such a user (it authorizes; this
 *   only reads). A group or profile deleted since is left out, never an error.
 * - `getProvisioningDefaults({ ctx })` / `setProvisioningDefaults({ ctx, input })`: the admin's
 *   page and setter, audited as entity "setting" "provisioning-defaults".
 */
export interface ProvisioningDefaults {
  groupId: number | null;
  profileIds: number[];
}

export const PROVISIONING_DEFAULTS_KEY = 'provisioning.defaults';
const NONE: ProvisioningDefaults = { groupId: null, profileIds: [] };

function stored(reader: Pick<Tx, 'select'> = getDb()): ProvisioningDefaults {
  const row = reader.select().from(t.settings).where(eq(t.settings.key, PROVISIONING_DEFAULTS_KEY)).get();
  if (!row) return NONE;
  try {
    const value = JSON.parse(row.value) as Partial<ProvisioningDefaults>;
    return {
      groupId: typeof value.groupId === 'number' ? value.groupId : null,
      profileIds: Array.isArray(value.profileIds) ? value.profileIds.filter((id): id is number => typeof id === 'number') : [],
    };
  } catch {
    return NONE;
  }
}

/** The defaults for a user an identity provider creates, as they stand now (only existing rows). */
export function provisioningDefaults(): ProvisioningDefaults {
  const db = getDb();
  const { groupId, profileIds } = stored(db);
  const group = groupId === null ? undefined : db.select({ id: t.groups.id }).from(t.groups).where(eq(t.groups.id, groupId)).get();
  const existing = profileIds.length
    ? new Set(
        db
          .select({ id: t.profiles.id })
          .from(t.profiles)
          .where(inArray(t.profiles.id, profileIds))
          .all()
          .map((p) => p.id),
      )
    : new Set<number>();
  return { groupId: group?.id ?? null, profileIds: profileIds.filter((id) => existing.has(id)) };
}

function authorizeSettings(ctx: Principal, action: string, verb: 'view' | 'edit') {
  const scope = authorize(ctx, action, SETTINGS_ADMIN, verb);
  if (scope.kind !== 'account') deny(ctx, action, 'Provisioning settings are for account-wide administrators.');
}

export function getProvisioningDefaults({ ctx }: { ctx: Principal }): ProvisioningDefaults {
  authorizeSettings(ctx, 'see provisioning settings', 'view');
  return provisioningDefaults();
}

/**
 * The admin sets the defaults: a group that exists, profiles that exist (at most four, one per
 * role) and that he may give himself (no escalation: the identity provider's key will hand them
 * out on his settings' word, so he may not name what he could not assign).
 */
export function setProvisioningDefaults({ ctx, input }: { ctx: Principal; input: unknown }): ProvisioningDefaults {
  const action = 'change provisioning settings';
  authorizeSettings(ctx, action, 'edit');
  const data = parseInput(setProvisioningDefaultsInput, input);
  const profileIds = [...new Set(data.profileIds)].sort((a, b) => a - b);
  return writeTransaction(ctx, (tx) => {
    if (data.groupId !== null && !tx.select({ id: t.groups.id }).from(t.groups).where(eq(t.groups.id, data.groupId)).get())
      throw new DalError('invalid', 'There is no such group.', { groupId: ['Unknown group'] });
    const profiles = profileIds.length ? tx.select().from(t.profiles).where(inArray(t.profiles.id, profileIds)).all() : [];
    if (profiles.length !== profileIds.length) throw new DalError('invalid', 'One of the profiles does not exist.', { profileIds: ['Unknown profile'] });
    if (new Set(profiles.map((p) => p.roleKey)).size !== profiles.length)
      throw new DalError('invalid', 'Default profiles: at most one per role.', { profileIds: ['Two profiles in one role'] });
    if (profiles.length > MAX_PROFILES_PER_USER) throw new DalError('invalid', 'Default profiles: at most four.', { profileIds: ['Too many profiles'] });
    for (const p of profiles) {
      const refusal = roleRefusal(ctx, p.roleKey) ?? (profileGrants(ctx, p).refusals.join(' ') || null);
      if (refusal) deny(ctx, action, `"${p.name}" can't be a default profile: ${refusal}`, 'forbidden', { profileIds: [refusal] });
    }
    const before = stored(tx);
    const after: ProvisioningDefaults = { groupId: data.groupId, profileIds };
    if (JSON.stringify(before) === JSON.stringify(after)) return { value: after, audited: NOTHING_CHANGED };
    tx.insert(t.settings)
      .values({ key: PROVISIONING_DEFAULTS_KEY, value: JSON.stringify(after) })
      .onConflictDoUpdate({ target: t.settings.key, set: { value: JSON.stringify(after) } })
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'setting',
      entityId: 'provisioning-defaults',
      entityName: 'Provisioning defaults',
      action: 'update',
      before,
      after,
    });
    return { value: after, audited };
  });
}
