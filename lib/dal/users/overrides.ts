import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { overrideColumns } from '@/db/columns';
import * as t from '@/db/schema';
import { LEVEL_NAMES, type Level } from '@/lib/permissions/channels';
import { effectivePermissions } from '@/lib/permissions/effective';
import { exclusiveRefusal, handOutRefusal, levelRefusals } from '@/lib/permissions/policy';
import { addOverrideInput, listOverridesInput, removeOverrideInput } from '@/lib/schemas/users';
import { writeAudit } from '../audit';
import { authorize, deny } from '../authorize';
import { DalError, parseInput } from '../errors';
import { readEffectiveInput, type Principal } from '../principal';
import { writeTransaction } from '../tx';
import { MANAGE_USER_PERMISSIONS, reachableUser } from './access';
import { assertKeepsLastHolders, assertMayManage } from '../policy';

// ---------------------------------------------------------------------------------------------
// Per-user overrides

export function listOverrides({ ctx, input }: { ctx: Principal; input: unknown }) {
  const scope = authorize(ctx, 'see users', MANAGE_USER_PERMISSIONS, 'view');
  const { userId } = parseInput(listOverridesInput, input);
  reachableUser(ctx, scope, userId);
  return getDb()
    .select({
      ...overrideColumns,
      createdByName: t.users.name,
      createdAt: t.userOverrides.createdAt,
    })
    .from(t.userOverrides)
    .innerJoin(t.users, eq(t.users.id, t.userOverrides.createdBy))
    .where(eq(t.userOverrides.userId, userId))
    .all()
    .map((o) => ({
      ...o,
      permissionName:
        o.effect === 'level'
          ? `${ctx.catalog.channelByKey.get(o.permissionKey)?.name ?? o.permissionKey}: ${o.level ? LEVEL_NAMES[o.level] : ''}`
          : (ctx.catalog.permissionByKey.get(o.permissionKey)?.name ?? o.permissionKey),
      expiresAt: o.expiresAt?.getTime() ?? null,
      createdAt: o.createdAt.getTime(),
      expired: o.expiresAt !== null && o.expiresAt.getTime() <= Date.now(),
    }));
}

export function addOverride({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'set overrides', MANAGE_USER_PERMISSIONS, 'edit');
  const data = parseInput(addOverrideInput, input);
  const user = reachableUser(ctx, scope, data.userId);
  assertMayManage(ctx, user.id, 'set overrides');
  if (user.id === ctx.userId) deny(ctx, 'set overrides', 'Nobody sets overrides on himself; ask another administrator.');
  if (data.expiresAt && data.expiresAt.getTime() <= Date.now())
    throw new DalError('invalid', 'The expiry must be in the future.', { expiresAt: ['Expiry is in the past'] });
  let subject: string;
  if (data.effect === 'level') {
    const channel = ctx.catalog.channelByKey.get(data.permissionKey);
    if (!channel) throw new DalError('invalid', `There is no channel "${data.permissionKey}".`, { permissionKey: ['Unknown channel'] });
    if (!data.level) throw new DalError('invalid', 'Choose the level to set.', { level: ['Level is required'] });
    // A main channel's override reaches its sub-channels too: check every channel it would raise.
    const now = readEffectiveInput(user.id);
    const before = effectivePermissions(ctx.catalog, now).channels;
    const levelOverride = {
      id: Number.MAX_SAFE_INTEGER,
      permissionKey: channel.key,
      effect: 'level' as const,
      level: data.level,
      reason: '',
      createdBy: '',
      expiresAt: null,
    };
    const after = effectivePermissions(ctx.catalog, { ...now, overrides: [...now.overrides, levelOverride] }).channels;
    const refusals = levelRefusals(ctx, [levelMap(before)], levelMap(after));
    if (refusals.length) deny(ctx, 'set overrides', refusals.join(' '));
    subject = channel.key;
  } else {
    const meta = ctx.catalog.permissionByKey.get(data.permissionKey);
    if (!meta) throw new DalError('invalid', `There is no permission "${data.permissionKey}".`, { permissionKey: ['Unknown permission'] });
    const targetInput = readEffectiveInput(user.id);
    const coreOfTarget = targetInput.profiles.some((p) => ctx.catalog.roleByKey.get(p.roleKey)?.coreKeys.has(meta.key));
    if (data.effect === 'revoke' && coreOfTarget) {
      throw new DalError('invalid', `"${meta.name}" is a core permission of his role: it cannot be revoked.`, { permissionKey: ['Core permission'] });
    }
    if (data.effect === 'grant') {
      // Same rule as profiles; with no role to lend a baseline, only account-wide admins grant work permissions they lack.
      const refusal = exclusiveRefusal(ctx.catalog, meta.key, null) ?? handOutRefusal(ctx, meta.key);
      if (refusal) deny(ctx, 'set overrides', refusal);
    } else {
      const revoke = { id: 0, permissionKey: meta.key, effect: 'revoke' as const, reason: '', createdBy: '', expiresAt: null };
      assertKeepsLastHolders(ctx, 'set overrides', [{ userId: user.id, after: (now) => ({ ...now, overrides: [...now.overrides, revoke] }) }]);
    }
    subject = meta.key;
  }
  return writeTransaction(ctx, (tx) => {
    const row = tx
      .insert(t.userOverrides)
      .values({
        userId: user.id,
        permissionKey: subject,
        effect: data.effect,
        level: data.effect === 'level' ? data.level : null,
        reason: data.reason,
        expiresAt: data.expiresAt,
        createdBy: ctx.userId,
      })
      .returning({ id: t.userOverrides.id })
      .get();
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: data.effect === 'grant' ? 'grant-permission' : data.effect === 'revoke' ? 'revoke-permission' : 'set-channel-level',
      after: {
        [data.effect === 'level' ? 'channel' : 'permission']: subject,
        effect: data.effect,
        ...(data.effect === 'level' ? { level: data.level } : {}),
        reason: data.reason,
        expiresAt: data.expiresAt?.toISOString() ?? null,
      },
    });
    return { value: { id: row.id }, audited };
  });
}

export function removeOverride({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const scope = authorize(ctx, 'remove overrides', MANAGE_USER_PERMISSIONS, 'edit');
  const { id } = parseInput(removeOverrideInput, input);
  const override = getDb().select().from(t.userOverrides).where(eq(t.userOverrides.id, id)).get();
  const noSuchOverride = () => new DalError('not-found', 'There is no such override.');
  if (!override) throw noSuchOverride();
  // An override of a user out of reach does not exist for him either (the same answer: no probing ids).
  let user: ReturnType<typeof reachableUser>;
  try {
    user = reachableUser(ctx, scope, override.userId);
  } catch (error) {
    throw error instanceof DalError && error.code === 'not-found' ? noSuchOverride() : error;
  }
  assertMayManage(ctx, user.id, 'remove overrides');
  if (user.id === ctx.userId) deny(ctx, 'remove overrides', 'Nobody changes his own overrides; ask another administrator.');
  // Removing a revoke gives the permission back: the same no-escalation rule as granting it.
  if (override.effect === 'revoke') {
    const meta = ctx.catalog.permissionByKey.get(override.permissionKey);
    const refusal = meta ? handOutRefusal(ctx, meta.key) : null;
    if (refusal) deny(ctx, 'remove overrides', refusal);
  }
  // Removing a level override can raise his channel levels back: not above the actor's own.
  if (override.effect === 'level') {
    const now = readEffectiveInput(user.id);
    const before = effectivePermissions(ctx.catalog, now).channels;
    const after = effectivePermissions(ctx.catalog, { ...now, overrides: now.overrides.filter((o) => o.id !== override.id) }).channels;
    const refusals = levelRefusals(ctx, [levelMap(before)], levelMap(after), 'give him back');
    if (refusals.length) deny(ctx, 'remove overrides', refusals.join(' '));
  }
  return writeTransaction(ctx, (tx) => {
    tx.delete(t.userOverrides)
      .where(and(eq(t.userOverrides.id, id), eq(t.userOverrides.userId, user.id)))
      .run();
    const audited = writeAudit(tx, ctx, {
      entityType: 'user',
      entityId: user.id,
      entityName: user.loginName,
      action: 'remove-override',
      before: { permission: override.permissionKey, effect: override.effect, reason: override.reason, expiresAt: override.expiresAt?.toISOString() ?? null },
    });
    return { value: { id }, audited };
  });
}

const levelMap = (channels: ReadonlyMap<string, { level: Level }>) => new Map([...channels].map(([k, v]) => [k, v.level]));
