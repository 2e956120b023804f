import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DB } from '@/db/client';
import * as t from '@/db/schema';
import { CONSOLE } from '@/lib/permissions/console';
import { asyncRefusalOf, createTestDatabase, principalOf, refusalOf, snapshot, userByLogin, writeFromAnotherProcess } from '@/lib/testing/db';
import { apiKeyPermissionChoices, authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { authorizeBatch } from './decisions';
import { createSkill } from './groups-skills';
import { importUsers } from './users';
import { verifyCredentials } from './sign-in';
import { addOverride, createUser, getUserDetails, removeOverride, updateUser } from './users';

/** Holes a review of the API keys, the decision index and the import found; each stays closed. */
let db: DB;
beforeAll(async () => {
  db = await createTestDatabase();
});
const groupId = (name: string) => db.select().from(t.groups).where(eq(t.groups.name, name)).get()!.id;
const profileId = (name: string) => db.select().from(t.profiles).where(eq(t.profiles.name, name)).get()!.id;

describe('API keys and their users', () => {
  it("a key cannot change its own user's login name, email or password, even listing every console permission he holds", async () => {
    const admin = principalOf(db, 'admin');
    const manager = userByLogin(db, 'manager');
    const consoleHeld = Object.values(CONSOLE).filter((k) => principalOf(db, 'manager').effective.explain.get(k)?.allowed);
    const { token } = createApiKey({ ctx: admin, input: { name: 'Console-only bot', userId: manager.id, permissions: consoleHeld } });
    const ctx = authenticateApiKey(token).principal;
    const { isAgent: _a, status: _s, profiles: _p, ...current } = getUserDetails({ ctx, input: { id: manager.id } });
    const before = snapshot(db);
    for (const change of [{ password: 'taken-over-by-key-1' }, { email: 'elsewhere@example.com' }, { loginName: 'manager2' }]) {
      const refusal = await asyncRefusalOf(() => updateUser({ ctx, input: { ...current, ...change } }));
      expect(refusal).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/API key cannot change/) });
    }
    expect(snapshot(db)).toEqual(before);
    expect((await verifyCredentials({ loginName: 'manager', password: 'taken-over-by-key-1' })).ok).toBe(false);
    // Other details of his own stay editable through it.
    await updateUser({ ctx, input: { ...current, nickname: 'Bot-edited' } });
    expect(getUserDetails({ ctx: admin, input: { id: manager.id } }).nickname).toBe('Bot-edited');
  });

  it('a manager who may manage API keys reaches only keys of users he may manage: not a peer managing groups beyond his', async () => {
    const admin = principalOf(db, 'admin');
    const manager = userByLogin(db, 'manager');
    addOverride({ ctx: admin, input: { userId: manager.id, permissionKey: 'manage-api-keys', effect: 'grant', reason: 'integration owner' } });
    const { id: peerId } = await createUser({
      ctx: admin,
      input: {
        loginName: 'peer',
        email: 'peer@example.com',
        name: 'Pat Peer',
        nickname: 'Pat',
        password: 'a-long-password-1',
        groupId: groupId('Tier 1'),
        managedGroupIds: [groupId('Sales')],
        profileIds: [profileId('Agent manager')],
      },
    });
    const permission = apiKeyPermissionChoices({ ctx: admin, input: { userId: peerId } }).find((c) => !c.refusal)!.key;
    const { id: keyId } = createApiKey({ ctx: admin, input: { name: 'Peer sales bot', userId: peerId, permissions: [permission] } });
    const ctx = principalOf(db, 'manager');
    expect(refusalOf(() => createApiKey({ ctx, input: { name: 'x', userId: peerId, permissions: [permission] } })).message).toBe('There is no such user.');
    expect(listApiKeys({ ctx }).map((k) => k.id)).not.toContain(keyId);
    expect(refusalOf(() => revokeApiKey({ ctx, input: { id: keyId } })).code).toBe('not-found');
    expect(db.select().from(t.apiKeys).where(eq(t.apiKeys.id, keyId)).get()!.revokedAt).toBeNull();
    expect(refusalOf(() => apiKeyPermissionChoices({ ctx, input: { userId: peerId } })).code).toBe('not-found');
    // The admin still sees it.
    expect(listApiKeys({ ctx: admin }).map((k) => k.id)).toContain(keyId);
  });

  it('creating a key for a user id that does not exist and for one out of reach gives the same answer', () => {
    const ctx = principalOf(db, 'manager');
    const missing = refusalOf(() => createApiKey({ ctx, input: { name: 'x', userId: 999_999, permissions: ['manage-skills'] } }));
    const outside = refusalOf(() => createApiKey({ ctx, input: { name: 'x', userId: userByLogin(db, 'sales').id, permissions: ['manage-skills'] } }));
    expect([missing.code, missing.message, missing.fieldErrors]).toEqual([outside.code, outside.message, outside.fieldErrors]);
  });
});

describe('the decision index and another process', () => {
  it('sees a write another process made even when this process wrote an event meanwhile', () => {
    const admin = principalOf(db, 'admin');
    const dev = userByLogin(db, 'dev.nguyen');
    const ask = () => authorizeBatch({ ctx: admin, input: { questions: [{ user: dev.id, permission: 'view-own-performance' }] } }).answers[0];
    expect(ask()).toEqual({ allowed: true, reason: 'granted' });
    writeFromAnotherProcess(db, "update users set status = 'deactivated' where id = ?", dev.id);
    createSkill({ ctx: admin, input: { name: 'Written meanwhile' } });
    expect(ask()).toEqual({ allowed: false, reason: 'user-deactivated' });
  });
});

describe('the import', () => {
  it("a manager's preview does not tell him whether someone out of his reach has an email", async () => {
    const ctx = principalOf(db, 'manager');
    const csv = (email: string) => `Login name,Name,Email,Nickname,Group,Profiles\nprobe1,Probe,${email},P,Tier 1,Agent\n`;
    const outside = await importUsers({ ctx, input: { csv: csv(userByLogin(db, 'sales').email), preview: true } });
    const unused = await importUsers({ ctx, input: { csv: csv('nobody-here@example.com'), preview: true } });
    expect(outside.problems).toEqual(unused.problems);
    // A clash with a user he can see is still named.
    const inside = await importUsers({ ctx, input: { csv: csv(userByLogin(db, 'agent').email), preview: true } });
    expect(JSON.stringify(inside.problems)).toMatch(/already has the email/);
  });
});

describe('overrides', () => {
  it('removing an override of a user out of reach answers as for one that does not exist, and removes nothing', () => {
    const admin = principalOf(db, 'admin');
    const sales = userByLogin(db, 'sales');
    const { id } = addOverride({ ctx: admin, input: { userId: sales.id, permissionKey: 'manage-skills', effect: 'revoke', reason: 'x' } });
    const ctx = principalOf(db, 'manager');
    const outside = refusalOf(() => removeOverride({ ctx, input: { id } }));
    const missing = refusalOf(() => removeOverride({ ctx, input: { id: 999_999 } }));
    expect([outside.code, outside.message]).toEqual([missing.code, missing.message]);
    expect(db.select().from(t.userOverrides).where(eq(t.userOverrides.id, id)).get()).toBeDefined();
  });
});
