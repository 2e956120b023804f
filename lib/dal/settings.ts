import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { SETTINGS_ADMIN } from '@/lib/permissions/console';
import { setAccountFeatureInput } from '@/lib/schemas/settings';
import { authorize, deny } from './authorize';
import { NOTHING_CHANGED, writeAudit } from './audit';
import { DalError, parseInput } from './errors';
import { enabledFeatures, type Principal } from './principal';
import { LEVELS } from '@/lib/permissions/channels';
import { writeTransaction } from './tx';

// Account-wide settings belong to whoever may manage users and roles account-wide.
const SETTINGS_PERMISSIONS = SETTINGS_ADMIN;

export interface AccountFeatureRow {
  key: string;
  name: string;
  description: string;
  enabled: boolean;
  rowVersion: number;
  /** Permissions that depend on it (off while it is off), and those whose default it decides. */
  dependents: string[];
  decides: string[];
}

export function listAccountFeatures({ ctx }: { ctx: Principal }): AccountFeatureRow[] {
  const scope = authorize(ctx, 'see account settings', SETTINGS_PERMISSIONS, 'view');
  if (scope.kind !== 'account') deny(ctx, 'see account settings', 'Account settings are for account-wide administrators.');
  const rows = new Map(
    getDb()
      .select()
      .from(t.accountFeatures)
      .all()
      .map((r) => [r.key, r]),
  );
  const catalog = ctx.catalog;
  return catalog.features.map((f) => {
    const row = rows.get(f.key);
    const decides = new Set<string>();
    for (const role of catalog.roles) for (const p of role.permissions) if (p.accountFeature === f.key) decides.add(`${p.name} (${role.name})`);
    return {
      key: f.key,
      name: f.name,
      description: f.description,
      enabled: row?.enabled ?? false,
      rowVersion: row?.rowVersion ?? 0,
      dependents: catalog.permissions.filter((p) => p.feature === f.key).map((p) => p.name),
      decides: [...decides],
    };
  });
}

export function setAccountFeature({ ctx, input }: { ctx: Principal; input: unknown }): AccountFeatureRow {
  const scope = authorize(ctx, 'change account settings', SETTINGS_PERMISSIONS, 'edit');
  if (scope.kind !== 'account') deny(ctx, 'change account settings', 'Account settings are for account-wide administrators.');
  const data = parseInput(setAccountFeatureInput, input);
  const feature = ctx.catalog.featureByKey.get(data.key);
  if (!feature) throw new DalError('not-found', `There is no account feature "${data.key}".`, { key: ['Unknown feature'] });

  writeTransaction(ctx, (tx) => {
    const before = tx.select().from(t.accountFeatures).where(eq(t.accountFeatures.key, data.key)).get();
    if (!before) throw new DalError('not-found', `There is no account feature "${data.key}".`, { key: ['Unknown feature'] });
    if (before.rowVersion !== data.rowVersion) {
      throw new DalError('stale', `Someone changed "${feature.name}" since you loaded this page; reload to see the current setting.`);
    }
    if (before.enabled === data.enabled) return { value: undefined, audited: NOTHING_CHANGED };
    tx.update(t.accountFeatures)
      .set({ enabled: data.enabled, rowVersion: before.rowVersion + 1 })
      .where(eq(t.accountFeatures.key, data.key))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'account-feature',
      entityId: data.key,
      entityName: feature.name,
      action: data.enabled ? 'enable' : 'disable',
      before: { enabled: before.enabled },
      after: { enabled: data.enabled },
    });
    return { value: undefined, audited };
  });
  return listAccountFeatures({ ctx }).find((f) => f.key === data.key)!;
}

/**
 * The catalog as the API describes it: permissions, roles with their core permissions and
 * default states, channels, levels, and the account features. Any signed-in user or key may
 * read it: it says what exists, not who holds what.
 */
export function readCatalog({ ctx }: { ctx: Principal }) {
  const { catalog } = ctx;
  const enabled = enabledFeatures();
  return {
    preset: catalog.preset,
    title: catalog.title,
    permissions: catalog.permissions.map((p) => ({ key: p.key, name: p.name, category: p.category, feature: p.feature ?? null })),
    roles: catalog.roles.map((r) => ({
      key: r.key,
      name: r.name,
      rank: r.rank,
      builtIn: r.builtIn,
      baseRoleKey: r.baseRoleKey,
      core: r.core.map((c) => c.key),
      permissions: r.permissions.map((p) => ({ key: p.key, default: p.default })),
    })),
    channels: catalog.channels.map((c) => ({ key: c.key, name: c.name, parent: c.parent })),
    levels: [...LEVELS],
    features: catalog.features.map((f) => ({ key: f.key, name: f.name, enabled: enabled.has(f.key) })),
  };
}
