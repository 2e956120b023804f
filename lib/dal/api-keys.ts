import 'server-only';
import type { Verb } from '@/lib/permissions/policy';
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { getDb } from '@/db/client';
import * as t from '@/db/schema';
import { CONSOLE, VIEW_API_KEYS } from '@/lib/permissions/console';
import { handOutRefusal } from '@/lib/permissions/policy';
import { effectivePermissions } from '@/lib/permissions/effective';
import { createApiKeyInput, revokeApiKeyInput } from '@/lib/schemas/api-keys';
import { writeAudit } from './audit';
import { authorize, deny, recordDeniedAttempt } from './authorize';
import { DalError, parseInput } from './errors';
import { loadPrincipal, readEffectiveInput, type Principal } from './principal';
import { reachableUser } from './users/access';
import { assertMayManage, manageVerdict } from './policy';
import { writeTransaction } from './tx';
import { logPosition, samePosition } from './log-position';

/** "View API keys" (LivePerson's Campaign manager) lists keys; only "Manage API keys" creates or revokes them. */
const KEY_READERS = [CONSOLE.manageApiKeys, VIEW_API_KEYS];

/** `sb_` + 8 hex characters shown in lists + `_` + 256 random bits. */
const TOKEN = /^sb_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
export { MAX_RATE_LIMIT } from '@/lib/schemas/api-keys';

export const hashApiKey = (token: string) => createHash('sha256').update(token).digest('hex');

export type ApiKeyStatus = 'active' | 'expired' | 'revoked' | 'user-deactivated';

export interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  user: { id: number; loginName: string; name: string };
  permissions: { key: string; name: string }[];
  rateLimitPerMinute: number;
  createdAt: number;
  createdBy: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  status: ApiKeyStatus;
}

/**
 * Whose keys `ctx` reaches: his own, and those of users he may manage (in his reach, not above his
 * rank, holding nothing he lacks, managing no group beyond his), the same test as for creating one.
 */
function keyScope(ctx: Principal, action: string, anyOf: readonly string[], verb: Verb) {
  const scope = authorize(ctx, action, anyOf, verb);
  const verdicts = new Map<number, boolean>();
  return (user: { id: number; groupId: number | null }) => {
    if (user.id === ctx.userId) return true;
    if (scope.kind === 'groups' && (user.groupId === null || !scope.groupIds.has(user.groupId))) return false;
    let ok = verdicts.get(user.id);
    if (ok === undefined) verdicts.set(user.id, (ok = manageVerdict(ctx, user.id) === null));
    return ok;
  };
}

export function listApiKeys({ ctx }: { ctx: Principal }): ApiKeyRow[] {
  const reaches = keyScope(ctx, 'see API keys', KEY_READERS, 'view');
  const creator = alias(t.users, 'creator');
  const now = Date.now();
  return getDb()
    .select({ key: t.apiKeys, user: t.users, createdBy: creator.name })
    .from(t.apiKeys)
    .innerJoin(t.users, eq(t.users.id, t.apiKeys.userId))
    .leftJoin(creator, eq(creator.id, t.apiKeys.createdBy))
    .orderBy(desc(t.apiKeys.id))
    .all()
    .filter((r) => reaches(r.user))
    .map(({ key, user, createdBy }) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      user: { id: user.id, loginName: user.loginName, name: user.name },
      permissions: key.permissions.map((k) => ({ key: k, name: ctx.catalog.permissionByKey.get(k)?.name ?? k })),
      rateLimitPerMinute: key.rateLimitPerMinute,
      createdAt: key.createdAt.getTime(),
      createdBy,
      expiresAt: key.expiresAt?.getTime() ?? null,
      lastUsedAt: key.lastUsedAt?.getTime() ?? null,
      revokedAt: key.revokedAt?.getTime() ?? null,
      status: key.revokedAt
        ? 'revoked'
        : key.expiresAt && key.expiresAt.getTime() <= now
          ? 'expired'
          : user.status !== 'active'
            ? 'user-deactivated'
            : 'active',
    }));
}

/** The users the actor may create keys for (himself, or users he may manage). */
export function apiKeyFormOptions({ ctx }: { ctx: Principal }) {
  const reaches = keyScope(ctx, 'create API keys', [CONSOLE.manageApiKeys], 'create');
  const users = getDb()
    .select({ id: t.users.id, loginName: t.users.loginName, name: t.users.name, groupId: t.users.groupId })
    .from(t.users)
    .where(eq(t.users.status, 'active'))
    .orderBy(t.users.loginName)
    .all()
    .filter(reaches);
  return { users: users.map(({ id, loginName, name }) => ({ id, loginName, name })) };
}

/** What a key for `userId` may list: the permissions he holds now, each with why the actor may not give it (null when he may). */
export function apiKeyPermissionChoices({ ctx, input }: { ctx: Principal; input: unknown }) {
  const reaches = keyScope(ctx, 'create API keys', [CONSOLE.manageApiKeys], 'create');
  const { userId } = parseInput(createApiKeyInput.pick({ userId: true }), input);
  const user = reachableUser(ctx, { kind: 'account' }, userId);
  if (!reaches(user)) deny(ctx, 'create API keys', 'There is no such user.', 'not-found');
  const held = user.id === ctx.userId ? ctx.effective : effectivePermissions(ctx.catalog, readEffectiveInput(user.id));
  return ctx.catalog.permissions
    .filter((p) => held.explain.get(p.key)?.allowed)
    .map((p) => ({ key: p.key, name: p.name, category: p.category, refusal: keyGrantRefusal(ctx, p.key) }));
}

function keyGrantRefusal(ctx: Principal, key: string): string | null {
  return handOutRefusal(ctx, key);
}

/**
 * Create a key acting for a user. The key may list only permissions its user holds now, and that
 * the actor could hand out himself (no escalation); it acts for the actor or for a user he may
 * manage. The secret is returned this once and stored only as a hash.
 */
export function createApiKey({ ctx, input }: { ctx: Principal; input: unknown }): { id: number; token: string; prefix: string } {
  const action = 'create API keys';
  const reaches = keyScope(ctx, action, [CONSOLE.manageApiKeys], 'edit');
  const data = parseInput(createApiKeyInput, input);
  // A user who does not exist and one out of reach get the same answer: no way to probe for ids.
  const noSuchUser = () => new DalError('invalid', 'There is no such user.', { userId: ['Unknown user'] });
  const user = getDb().select().from(t.users).where(eq(t.users.id, data.userId)).get();
  if (!user) throw noSuchUser();
  if (!reaches(user)) {
    recordDeniedAttempt(ctx, action, `No key for user ${user.id}: out of reach.`);
    throw noSuchUser();
  }
  if (user.status !== 'active')
    throw new DalError('invalid', `${user.name} is deactivated; a key for him could never be used.`, { userId: ['User is deactivated'] });
  if (user.id !== ctx.userId) assertMayManage(ctx, user.id, action);
  if (data.expiresAt && data.expiresAt.getTime() <= Date.now())
    throw new DalError('invalid', 'Expiry must be in the future.', { expiresAt: ['Expiry must be in the future'] });

  const keys = [...new Set(data.permissions)];
  const unknown = keys.filter((k) => !ctx.catalog.permissionByKey.has(k));
  if (unknown.length)
    throw new DalError('invalid', `Unknown permission: ${unknown.join(', ')}`, { permissions: unknown.map((k) => `Unknown permission "${k}"`) });
  const holder = user.id === ctx.userId ? ctx.effective : effectivePermissions(ctx.catalog, readEffectiveInput(user.id));
  const notHeld = keys.filter((k) => !holder.explain.get(k)?.allowed);
  if (notHeld.length) {
    const names = notHeld.map((k) => `"${ctx.catalog.permissionByKey.get(k)!.name}"`);
    throw new DalError('invalid', `${user.name} does not hold ${names.join(', ')}; a key can use only what its user holds.`, {
      permissions: notHeld.map((k) => `Not held by ${user.loginName}: ${ctx.catalog.permissionByKey.get(k)!.name}`),
    });
  }
  for (const k of keys) {
    const refusal = keyGrantRefusal(ctx, k);
    if (refusal) deny(ctx, action, refusal);
  }

  const publicId = randomBytes(4).toString('hex');
  const token = `sb_${publicId}_${randomBytes(32).toString('base64url')}`;
  const prefix = `sb_${publicId}`;
  return writeTransaction(ctx, (tx) => {
    const row = tx
      .insert(t.apiKeys)
      .values({
        name: data.name,
        userId: user.id,
        prefix,
        secretHash: hashApiKey(token),
        permissions: keys,
        rateLimitPerMinute: data.rateLimitPerMinute,
        expiresAt: data.expiresAt,
        createdBy: ctx.userId,
      })
      .returning({ id: t.apiKeys.id })
      .get();
    const audited = writeAudit(tx, ctx, {
      entityType: 'api-key',
      entityId: row.id,
      entityName: data.name,
      action: 'create',
      after: {
        name: data.name,
        prefix,
        user: user.loginName,
        permissions: keys,
        expiresAt: data.expiresAt?.toISOString() ?? null,
        rateLimitPerMinute: data.rateLimitPerMinute,
      },
    });
    return { value: { id: row.id, token, prefix }, audited };
  });
}

export function revokeApiKey({ ctx, input }: { ctx: Principal; input: unknown }): { id: number } {
  const action = 'revoke API keys';
  const reaches = keyScope(ctx, action, [CONSOLE.manageApiKeys], 'edit');
  const { id } = parseInput(revokeApiKeyInput, input);
  const found = getDb()
    .select({ key: t.apiKeys, user: t.users })
    .from(t.apiKeys)
    .innerJoin(t.users, eq(t.users.id, t.apiKeys.userId))
    .where(eq(t.apiKeys.id, id))
    .get();
  if (!found) throw new DalError('not-found', 'There is no such API key.');
  if (!reaches(found.user)) deny(ctx, action, 'There is no such API key.', 'not-found');
  if (found.key.revokedAt) throw new DalError('conflict', `"${found.key.name}" was already revoked.`);
  return writeTransaction(ctx, (tx) => {
    const changed = tx
      .update(t.apiKeys)
      .set({ revokedAt: new Date(), revokedBy: ctx.userId, rowVersion: found.key.rowVersion + 1 })
      .where(and(eq(t.apiKeys.id, id), isNull(t.apiKeys.revokedAt)))
      .run();
    if (changed.changes !== 1) throw new DalError('conflict', `"${found.key.name}" was already revoked.`);
    const audited = writeAudit(tx, ctx, {
      entityType: 'api-key',
      entityId: id,
      entityName: found.key.name,
      action: 'revoke',
      before: { revoked: false, user: found.user.loginName },
      after: { revoked: true, user: found.user.loginName },
    });
    return { value: { id }, audited };
  });
}

/** A key's last use is written at most this often: a busy key must not turn every call into a write. */
const LAST_USED_EVERY_MS = 60_000;

export interface AuthenticatedKey {
  principal: Principal;
  keyId: number;
  rateLimitPerMinute: number;
}

/**
 * A key's principal, kept between calls while nothing it depends on can have changed: every change
 * writes an audit event (so the log's last id moves), another process's write moves SQLite's
 * `data_version`, and the only thing that changes with time alone, an override's or the key's own
 * expiry, bounds how long it is kept. The same rule keeps the decision index fresh.
 */
interface CachedKey {
  auth: AuthenticatedKey;
  lastEventId: number;
  dataVersion: number;
  validUntil: number;
  lastUsedAt: number;
}
const globalForKeys = globalThis as unknown as { switchboardKeyCache?: Map<string, CachedKey> };
const KEY_CACHE_SIZE = 1000;
/** However quiet the database, a cached principal is read again after this long. */
const KEY_CACHE_MS = 60_000;

/**
 * The principal behind `Authorization: Bearer <token>`, fresh: the key must exist, be neither
 * revoked nor expired, and its user active; its permissions are the user's now, cut to the key's.
 */
export function authenticateApiKey(token: string | null, now = Date.now()): AuthenticatedKey {
  if (!token) throw new DalError('unauthenticated', 'Send an API key: "Authorization: Bearer <key>".');
  if (!TOKEN.test(token)) throw new DalError('unauthenticated', 'This API key is not valid.');
  const db = getDb();
  const hash = hashApiKey(token);
  const cache = (globalForKeys.switchboardKeyCache ??= new Map());
  const position = logPosition(db);
  const cached = cache.get(hash);
  if (cached && samePosition(cached, position) && now < cached.validUntil) {
    touch(db, cached.auth.keyId, cached, now);
    return cached.auth;
  }
  cache.delete(hash);

  const key = db.select().from(t.apiKeys).where(eq(t.apiKeys.secretHash, hash)).get();
  if (!key) throw new DalError('unauthenticated', 'This API key is not valid.');
  if (key.revokedAt) throw new DalError('unauthenticated', `The API key "${key.name}" was revoked.`);
  if (key.expiresAt && key.expiresAt.getTime() <= now) throw new DalError('unauthenticated', `The API key "${key.name}" has expired.`);
  const principal = loadPrincipal(key.userId, null, 'api', { id: key.id, name: key.name, permissions: key.permissions }, now);
  if (!principal) throw new DalError('unauthenticated', `The user of the API key "${key.name}" is deactivated.`);
  const auth = { principal, keyId: key.id, rateLimitPerMinute: key.rateLimitPerMinute };

  const nextOverrideExpiry = db
    .select({ at: t.userOverrides.expiresAt })
    .from(t.userOverrides)
    .where(and(eq(t.userOverrides.userId, key.userId), gt(t.userOverrides.expiresAt, new Date(now))))
    .orderBy(asc(t.userOverrides.expiresAt))
    .limit(1)
    .get()?.at;
  const entry: CachedKey = {
    auth,
    ...position,
    validUntil: Math.min(now + KEY_CACHE_MS, key.expiresAt?.getTime() ?? Infinity, nextOverrideExpiry?.getTime() ?? Infinity),
    lastUsedAt: key.lastUsedAt?.getTime() ?? 0,
  };
  if (cache.size >= KEY_CACHE_SIZE) cache.clear();
  cache.set(hash, entry);
  touch(db, key.id, entry, now);
  return auth;
}

/** Records the key's last use, at most once a minute. */
function touch(db: ReturnType<typeof getDb>, keyId: number, entry: CachedKey, now: number) {
  if (now - entry.lastUsedAt <= LAST_USED_EVERY_MS) return;
  entry.lastUsedAt = now;
  try {
    db.update(t.apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(t.apiKeys.id, keyId))
      .run();
  } catch {
    // Bookkeeping only: a busy database must not refuse the call.
  }
}
